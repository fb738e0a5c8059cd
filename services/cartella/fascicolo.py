"""What the social worker learns about the person and records in the case: problems,
family and friends as resources, verified social data, notices read."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import CondizioneSociale, Persona
from services.anagrafica.services import Actor, condizione_registra
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from .models import AvvisoCartella, Cartella, Problematica, RisorsaFamiliare
from .services import _label, ensure_writable


def _audit(actor: Actor, action: str, cartella: Cartella, payload: dict) -> None:
    audit_log(action=action, actor=actor.user, obj=cartella, payload=payload,
              ip_address=actor.ip_address)


def _not_future(value: date | None, field: str) -> date:
    if value is None:
        raise ValidationFailed(_("Indica la data."), field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("La data non può essere nel futuro."), field=field)
    return value


# --- problems -----------------------------------------------------------------------------


def problematica_registra(*, actor: Actor, cartella: Cartella, categoria: str,
                          descrizione: str = "", rilevata_il: date | None) -> Problematica:
    ensure_writable(cartella)
    if categoria not in Problematica.Categoria.values:
        raise ValidationFailed(_("Scegli la categoria della problematica."), field="categoria")
    rilevata_il = _not_future(rilevata_il, "rilevata_il")
    descrizione = (descrizione or "").strip()
    if categoria == Problematica.Categoria.ALTRO and not descrizione:
        raise ValidationFailed(_("Descrivi la problematica («Altro»)."), field="descrizione")
    with transaction.atomic():
        problema = Problematica.objects.create(
            cartella=cartella, categoria=categoria, descrizione=descrizione,
            rilevata_il=rilevata_il, registrata_da_id=actor.user.pk,
            registrata_da_label=_label(actor.user))
        _audit(actor, "cartella.problematica_registrata", cartella,
               {"problematica": str(problema.public_id), "categoria": categoria})
    return problema


def problematica_chiudi(*, actor: Actor, problematica: Problematica,
                        chiusa_il: date | None) -> Problematica:
    """The problem is overcome (it stays in the history)."""
    ensure_writable(problematica.cartella)
    chiusa_il = _not_future(chiusa_il, "chiusa_il")
    if problematica.chiusa_il is not None:
        return problematica
    if chiusa_il < problematica.rilevata_il:
        raise ValidationFailed(_("La data è precedente alla rilevazione (%(d)s).")
                               % {"d": f"{problematica.rilevata_il:%d/%m/%Y}"}, field="chiusa_il")
    with transaction.atomic():
        problematica.chiusa_il = chiusa_il
        problematica.save(update_fields=["chiusa_il", "updated_at"])
        _audit(actor, "cartella.problematica_chiusa", problematica.cartella,
               {"problematica": str(problematica.public_id)})
    return problematica


# --- family and friends -------------------------------------------------------------------


def risorsa_familiare_aggiungi(*, actor: Actor, cartella: Cartella, relazione: str,
                               persona: Persona | None = None, nome: str = "",
                               disponibilita: str = "", contatti: str = "") -> RisorsaFamiliare:
    ensure_writable(cartella)
    nome = (nome or "").strip()
    if persona is None and not nome:
        raise ValidationFailed(_("Scegli una persona dell'anagrafica o scrivi nome e cognome."),
                               field="nome")
    if persona is not None and persona.pk == cartella.persona_id:
        raise ValidationFailed(_("La persona seguita non è una risorsa di se stessa."),
                               field="persona")
    if relazione not in RisorsaFamiliare.Relazione.values:
        raise ValidationFailed(_("Indica la relazione con la persona."), field="relazione")
    with transaction.atomic():
        risorsa = RisorsaFamiliare.objects.create(
            cartella=cartella, persona=persona, nome="" if persona else nome,
            relazione=relazione, disponibilita=(disponibilita or "").strip(),
            contatti=(contatti or "").strip(), registrata_da_id=actor.user.pk,
            registrata_da_label=_label(actor.user))
        _audit(actor, "cartella.risorsa_familiare_aggiunta", cartella,
               {"risorsa": str(risorsa.public_id), "relazione": relazione})
    return risorsa


def risorsa_familiare_chiudi(*, actor: Actor, risorsa: RisorsaFamiliare,
                             al: date | None) -> RisorsaFamiliare:
    """The person is no longer available to help (kept in the history)."""
    ensure_writable(risorsa.cartella)
    al = _not_future(al, "al")
    if risorsa.al is not None:
        return risorsa
    with transaction.atomic():
        risorsa.al = al
        risorsa.save(update_fields=["al", "updated_at"])
        _audit(actor, "cartella.risorsa_familiare_chiusa", risorsa.cartella,
               {"risorsa": str(risorsa.public_id)})
    return risorsa


# --- verified social data -----------------------------------------------------------------


def condizione_verificata_registra(*, actor: Actor, cartella: Cartella, ambito: str,
                                   valore: str, rilevata_il: date | None,
                                   note: str = "") -> CondizioneSociale:
    """Social data checked by the social worker: more reliable than what was declared at
    the front office, recorded on the person with source «verificata»."""
    ensure_writable(cartella)
    with transaction.atomic():
        condizione = condizione_registra(
            actor=actor, persona=cartella.persona, ambito=ambito, valore=valore,
            rilevata_il=rilevata_il,  # type: ignore[arg-type]
            fonte=CondizioneSociale.Fonte.VERIFICATA, note=(note or "").strip())
        _audit(actor, "cartella.dato_sociale_registrato", cartella, {"ambito": ambito})
    return condizione


# --- notices ------------------------------------------------------------------------------


def avviso_segna_letto(*, actor: Actor, avviso: AvvisoCartella) -> AvvisoCartella:
    if avviso.letto_il is not None:
        return avviso
    with transaction.atomic():
        avviso.letto_il = timezone.now()
        avviso.letto_da = _label(actor.user)
        avviso.save(update_fields=["letto_il", "letto_da", "updated_at"])
        _audit(actor, "cartella.avviso_letto", avviso.cartella, {"avviso": str(avviso.public_id)})
    return avviso
