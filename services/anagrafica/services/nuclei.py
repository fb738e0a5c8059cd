"""Households and reference persons: joining a household leaves the previous one the day
before; a reference person (guardian, relative, support administrator...) from a date."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from services.core.errors import ValidationFailed

from ..models import MembroNucleo, Nucleo, Persona, Riferimento
from .scritture import Actor, _audit


def _leave_current_household(persona: Persona, dal: date) -> None:
    current = (MembroNucleo.objects.select_for_update()
               .filter(persona=persona, al__isnull=True).first())
    if current is None:
        return
    if dal <= current.dal:
        raise ValidationFailed(
            _("%(who)s fa parte di un altro nucleo dal %(d)s: la nuova data deve essere successiva.")
            % {"who": persona.nome_completo, "d": current.dal.strftime("%d/%m/%Y")},
            field="dal",
        )
    current.al = dal - timedelta(days=1)
    current.save(update_fields=["al", "updated_at"])


def nucleo_crea(*, actor: Actor, intestatario: Persona, dal: date,
                codice_anagrafe: str = "") -> Nucleo:
    with transaction.atomic():
        nucleo = Nucleo.objects.create(codice_anagrafe=(codice_anagrafe or "").strip())
        _leave_current_household(intestatario, dal)
        MembroNucleo.objects.create(nucleo=nucleo, persona=intestatario,
                                    relazione=MembroNucleo.Relazione.INTESTATARIO, dal=dal)
        _audit(actor, "nucleo.creato", nucleo, {"intestatario": str(intestatario.public_id)})
    return nucleo


def nucleo_aggiungi(*, actor: Actor, nucleo: Nucleo, persona: Persona, relazione: str,
                    dal: date) -> MembroNucleo:
    """Add a member from ``dal``; their membership of another household ends the day before."""
    if relazione not in MembroNucleo.Relazione.values:
        raise ValidationFailed(_("Relazione non valida."), field="relazione")
    with transaction.atomic():
        current = MembroNucleo.objects.filter(persona=persona, al__isnull=True).first()
        if current is not None and current.nucleo_id == nucleo.pk:
            return current
        _leave_current_household(persona, dal)
        membro = MembroNucleo.objects.create(nucleo=nucleo, persona=persona,
                                             relazione=relazione, dal=dal)
        _audit(actor, "nucleo.componente_aggiunto", nucleo,
               {"persona": str(persona.public_id), "relazione": relazione})
    return membro


def nucleo_rimuovi(*, actor: Actor, membro: MembroNucleo, al: date) -> MembroNucleo:
    if membro.al is not None:
        return membro
    if al < membro.dal:
        raise ValidationFailed(_("La data di uscita precede l'ingresso nel nucleo."), field="al")
    with transaction.atomic():
        membro.al = al
        membro.save(update_fields=["al", "updated_at"])
        _audit(actor, "nucleo.componente_uscito", membro.nucleo,
               {"persona": str(membro.persona.public_id)})
    return membro


def riferimento_aggiungi(*, actor: Actor, persona: Persona, riferimento: Persona, tipo: str,
                         dal: date, note: str = "") -> Riferimento:
    if tipo not in Riferimento.Tipo.values:
        raise ValidationFailed(_("Tipo di riferimento non valido."), field="tipo")
    if persona.pk == riferimento.pk:
        raise ValidationFailed(_("Una persona non può essere riferimento di se stessa."),
                               field="riferimento")
    with transaction.atomic():
        rif = Riferimento.objects.create(persona=persona, riferimento=riferimento, tipo=tipo,
                                         dal=dal, note=note)
        _audit(actor, "persona.riferimento_aggiunto", persona,
               {"riferimento": str(riferimento.public_id), "tipo": tipo})
    return rif


def riferimento_chiudi(*, actor: Actor, rif: Riferimento, al: date) -> Riferimento:
    if rif.al is not None:
        return rif
    if al < rif.dal:
        raise ValidationFailed(_("La data di fine precede l'inizio."), field="al")
    with transaction.atomic():
        rif.al = al
        rif.save(update_fields=["al", "updated_at"])
        _audit(actor, "persona.riferimento_chiuso", rif.persona, {"tipo": rif.tipo})
    return rif
