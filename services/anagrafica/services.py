"""Writes on the person registry. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.core.audit import audit_log
from services.core.codice_fiscale import (
    birthplace_of,
    check_codice_fiscale_matches,
    normalize_codice_fiscale,
)
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.text import fold

from .models import CondizioneSociale, Indirizzo, MembroNucleo, Nucleo, Persona, Riferimento


class PossibleDuplicate(AlreadyExists):
    """Same name and birth date as an existing person: the operator must confirm."""

    code = "possibile_duplicato"


class DuplicateCodiceFiscale(AlreadyExists):
    code = "codice_fiscale_duplicato"


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where: carried into every audit entry."""

    user: Any
    ip_address: str | None = None


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("Il campo «%(label)s» è obbligatorio.") % {"label": label},
                               field=field)
    return value


def _check_birth_date(data_nascita: date | None) -> date:
    if data_nascita is None:
        raise ValidationFailed(_("La data di nascita è obbligatoria."), field="data_nascita")
    if data_nascita > timezone.localdate():
        raise ValidationFailed(_("La data di nascita non può essere nel futuro."),
                               field="data_nascita")
    if data_nascita.year < 1890:
        raise ValidationFailed(_("La data di nascita non è plausibile."), field="data_nascita")
    return data_nascita


def _check_contacts(email: str) -> str:
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(_("L'indirizzo email «%(e)s» non è valido.") % {"e": email},
                                   field="email") from exc
    return email


def _clean_identity(cognome: str, nome: str, sesso: str, data_nascita: date | None,
                    codice_fiscale: str) -> tuple[str, str, str, date, str]:
    cognome = _required(cognome, "cognome", _("cognome"))
    nome = _required(nome, "nome", _("nome"))
    if sesso not in Persona.Sesso.values:
        raise ValidationFailed(_("Indica il sesso (M o F)."), field="sesso")
    data_nascita = _check_birth_date(data_nascita)
    cf = ""
    if (codice_fiscale or "").strip():
        cf = normalize_codice_fiscale(codice_fiscale)
        check_codice_fiscale_matches(cf, cognome=cognome, nome=nome, sesso=sesso,
                                     data_nascita=data_nascita)
    return cognome, nome, sesso, data_nascita, cf


def persona_create(
    *,
    actor: Actor,
    cognome: str,
    nome: str,
    sesso: str,
    data_nascita: date | None,
    codice_fiscale: str = "",
    luogo_nascita: str = "",
    cittadinanza: str = "380",
    telefono: str = "",
    email: str = "",
    codice_anagrafe: str = "",
    residenza: dict | None = None,
    conferma_omonimia: bool = False,
) -> Persona:
    """Register a person. Refuses a codice fiscale already registered; asks for confirmation
    when someone with the same name and birth date exists (``PossibleDuplicate``)."""
    cognome, nome, sesso, data_nascita, cf = _clean_identity(
        cognome, nome, sesso, data_nascita, codice_fiscale
    )
    email = _check_contacts(email)
    if not (cittadinanza or "").isdigit() or len(cittadinanza) != 3:
        raise ValidationFailed(_("La cittadinanza è un codice numerico ISO di 3 cifre (380 = Italia)."),
                               field="cittadinanza")
    if cf:
        existing = Persona.objects.filter(codice_fiscale=cf, unita_in__isnull=True).first()
        if existing is not None:
            error = DuplicateCodiceFiscale(
                _("Il codice fiscale %(cf)s è già registrato per %(who)s.")
                % {"cf": cf, "who": existing.nome_completo},
                field="codice_fiscale",
            )
            error.existing = existing  # type: ignore[attr-defined]
            raise error
    if not conferma_omonimia:
        twins = list(
            Persona.objects.filter(search_text=fold(f"{cognome} {nome}"),
                                   data_nascita=data_nascita, unita_in__isnull=True)[:5]
        )
        if twins:
            error = PossibleDuplicate(  # type: ignore[assignment]
                _("Esiste già %(who)s, nato/a il %(date)s: è la stessa persona? Se non lo è, "
                  "conferma l'inserimento.")
                % {"who": twins[0].nome_completo, "date": data_nascita.strftime("%d/%m/%Y")},
                field="cognome",
            )
            error.existing = twins[0]  # type: ignore[attr-defined]
            raise error
    belfiore = ""
    if cf:
        belfiore, place = birthplace_of(cf)
        luogo_nascita = luogo_nascita or place
    persona = Persona(
        codice_fiscale=cf, cognome=cognome, nome=nome, sesso=sesso, data_nascita=data_nascita,
        luogo_nascita=(luogo_nascita or "").strip(), luogo_nascita_belfiore=belfiore,
        cittadinanza=cittadinanza, telefono=(telefono or "").strip(), email=email,
        codice_anagrafe=(codice_anagrafe or "").strip(),
        search_text=fold(f"{cognome} {nome}"),
    )
    try:
        with transaction.atomic():
            persona.save()
            if residenza:
                _indirizzo_open(persona, tipo=Indirizzo.Tipo.RESIDENZA, **residenza)
            _audit(actor, "persona.creata", persona, {"cf": bool(cf)})
    except IntegrityError as exc:
        raise DuplicateCodiceFiscale(
            _("Un'altra scheda con questo codice fiscale è stata appena registrata."),
            field="codice_fiscale",
        ) from exc
    return persona


EDITABLE = ("cognome", "nome", "sesso", "data_nascita", "codice_fiscale", "luogo_nascita",
            "cittadinanza", "telefono", "email")


def persona_update(*, actor: Actor, persona: Persona, **changes: Any) -> Persona:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("Campi non modificabili: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if persona.stato == Persona.Stato.UNITA:
        raise ValidationFailed(_("Questa scheda è stata unita a un'altra: modifica quella."))
    merged = {field: changes.get(field, getattr(persona, field)) for field in EDITABLE}
    cognome, nome, sesso, data_nascita, cf = _clean_identity(
        merged["cognome"], merged["nome"], merged["sesso"], merged["data_nascita"],
        merged["codice_fiscale"],
    )
    merged.update(cognome=cognome, nome=nome, sesso=sesso, data_nascita=data_nascita,
                  codice_fiscale=cf, email=_check_contacts(merged["email"]))
    if cf and Persona.objects.filter(codice_fiscale=cf, unita_in__isnull=True).exclude(
        pk=persona.pk
    ).exists():
        raise DuplicateCodiceFiscale(
            _("Il codice fiscale %(cf)s è già registrato per un'altra persona.") % {"cf": cf},
            field="codice_fiscale",
        )
    changed = [f for f in EDITABLE if getattr(persona, f) != merged[f]]
    if not changed:
        return persona
    with transaction.atomic():
        for field in changed:
            setattr(persona, field, merged[field])
        persona.search_text = fold(f"{persona.cognome} {persona.nome}")
        if "codice_fiscale" in changed and cf:
            persona.luogo_nascita_belfiore = birthplace_of(cf)[0]
            changed.append("luogo_nascita_belfiore")
        persona.save(update_fields=[*changed, "search_text", "updated_at"])
        _audit(actor, "persona.modificata", persona, {"campi": changed})
    return persona


# --- addresses ----------------------------------------------------------------------------


def _indirizzo_open(persona: Persona, *, tipo: str, via: str, comune: str, dal: date,
                    civico: str = "", cap: str = "", comune_istat: str = "",
                    provincia: str = "") -> Indirizzo:
    via = _required(via, "via", _("indirizzo"))
    comune = _required(comune, "comune", _("comune"))
    if cap and not (cap.isdigit() and len(cap) == 5):
        raise ValidationFailed(_("Il CAP è di 5 cifre."), field="cap")
    if comune_istat and not (comune_istat.isdigit() and len(comune_istat) == 6):
        raise ValidationFailed(_("Il codice ISTAT del comune è di 6 cifre."), field="comune_istat")
    return Indirizzo.objects.create(
        persona=persona, tipo=tipo, via=via, civico=(civico or "").strip(), cap=cap,
        comune=comune, comune_istat=comune_istat, provincia=(provincia or "").upper()[:2],
        dal=dal, search_text=fold(f"{via} {civico} {comune}"),
    )


def indirizzo_cambia(*, actor: Actor, persona: Persona, tipo: str, dal: date,
                     **address: Any) -> Indirizzo:
    """A new residence or domicile from ``dal``; the current one ends the day before."""
    if tipo not in Indirizzo.Tipo.values:
        raise ValidationFailed(_("Tipo di indirizzo non valido."), field="tipo")
    if dal is None:
        raise ValidationFailed(_("Indica da quando vale il nuovo indirizzo."), field="dal")
    with transaction.atomic():
        current = (Indirizzo.objects.select_for_update()
                   .filter(persona=persona, tipo=tipo, al__isnull=True).first())
        if current is not None:
            if dal <= current.dal:
                raise ValidationFailed(
                    _("Il nuovo indirizzo deve decorrere dopo il %(d)s, inizio di quello attuale.")
                    % {"d": current.dal.strftime("%d/%m/%Y")},
                    field="dal",
                )
            current.al = dal - timedelta(days=1)
            current.save(update_fields=["al", "updated_at"])
        nuovo = _indirizzo_open(persona, tipo=tipo, dal=dal, **address)
        _audit(actor, "persona.indirizzo_cambiato", persona, {"tipo": tipo})
    return nuovo


# --- social conditions --------------------------------------------------------------------


def condizione_registra(*, actor: Actor, persona: Persona, ambito: str, valore: str,
                        rilevata_il: date, fonte: str, note: str = "") -> CondizioneSociale:
    if ambito not in CondizioneSociale.Ambito.values:
        raise ValidationFailed(_("Ambito non valido."), field="ambito")
    if fonte not in CondizioneSociale.Fonte.values:
        raise ValidationFailed(_("Fonte non valida."), field="fonte")
    valore = _required(valore, "valore", _("condizione"))
    if rilevata_il is None or rilevata_il > timezone.localdate():
        raise ValidationFailed(_("La data di rilevazione non può essere nel futuro."),
                               field="rilevata_il")
    with transaction.atomic():
        condizione = CondizioneSociale.objects.create(
            persona=persona, ambito=ambito, valore=valore, rilevata_il=rilevata_il,
            fonte=fonte, note=note, registrata_da=getattr(actor.user, "pk", None),
        )
        _audit(actor, "persona.condizione_registrata", persona, {"ambito": ambito, "fonte": fonte})
    return condizione


# --- household ----------------------------------------------------------------------------


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


# --- reference persons --------------------------------------------------------------------


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


# --- life events --------------------------------------------------------------------------


def persona_decesso(*, actor: Actor, persona: Persona, data: date) -> Persona:
    if persona.stato == Persona.Stato.DECEDUTA:
        return persona
    if data < persona.data_nascita or data > timezone.localdate():
        raise ValidationFailed(_("La data di decesso non è plausibile."), field="data")
    with transaction.atomic():
        persona.stato = Persona.Stato.DECEDUTA
        persona.data_decesso = data
        persona.save(update_fields=["stato", "data_decesso", "updated_at"])
        MembroNucleo.objects.filter(persona=persona, al__isnull=True).update(al=data)
        _audit(actor, "persona.decesso", persona, {"data": data.isoformat()})
    return persona


def persona_emigrazione(*, actor: Actor, persona: Persona, data: date) -> Persona:
    if persona.stato == Persona.Stato.EMIGRATA:
        return persona
    with transaction.atomic():
        persona.stato = Persona.Stato.EMIGRATA
        persona.data_emigrazione = data
        persona.save(update_fields=["stato", "data_emigrazione", "updated_at"])
        Indirizzo.objects.filter(persona=persona, tipo=Indirizzo.Tipo.RESIDENZA,
                                 al__isnull=True, dal__lte=data).update(al=data)
        MembroNucleo.objects.filter(persona=persona, al__isnull=True, dal__lte=data).update(al=data)
        _audit(actor, "persona.emigrazione", persona, {"data": data.isoformat()})
    return persona


# --- merging duplicates -------------------------------------------------------------------

MergeHook = Callable[[Persona, Persona], int]
_merge_hooks: list[MergeHook] = []


def register_merge_hook(hook: MergeHook) -> MergeHook:
    """Other apps (case files, applications, ...) move their rows from the duplicate to the
    kept record here; each hook returns how many rows it moved."""
    _merge_hooks.append(hook)
    return hook


@register_merge_hook
def _move_registry_rows(tieni: Persona, elimina: Persona) -> int:
    moved = 0
    # Only one current address per type: the kept record's wins, the other is closed.
    for tipo in Indirizzo.Tipo.values:
        if Indirizzo.objects.filter(persona=tieni, tipo=tipo, al__isnull=True).exists():
            Indirizzo.objects.filter(persona=elimina, tipo=tipo, al__isnull=True).update(
                al=timezone.localdate())
    moved += Indirizzo.objects.filter(persona=elimina).update(persona=tieni)
    moved += CondizioneSociale.objects.filter(persona=elimina).update(persona=tieni)
    if MembroNucleo.objects.filter(persona=tieni, al__isnull=True).exists():
        MembroNucleo.objects.filter(persona=elimina, al__isnull=True).update(al=timezone.localdate())
    moved += MembroNucleo.objects.filter(persona=elimina).update(persona=tieni)
    moved += Riferimento.objects.filter(persona=elimina).exclude(riferimento=tieni).update(persona=tieni)
    moved += Riferimento.objects.filter(riferimento=elimina).exclude(persona=tieni).update(riferimento=tieni)
    return moved


def persona_unisci(*, actor: Actor, tieni: Persona, elimina: Persona) -> Persona:
    """Merge a duplicate into the kept record. The duplicate stays (state 'unita', pointing
    to the kept one) so its history and audit trail remain readable."""
    if tieni.pk == elimina.pk:
        raise ValidationFailed(_("Scegli due schede diverse."))
    if elimina.stato == Persona.Stato.UNITA or tieni.stato == Persona.Stato.UNITA:
        raise ValidationFailed(_("Una delle due schede è già stata unita a un'altra."))
    if (tieni.codice_fiscale and elimina.codice_fiscale
            and tieni.codice_fiscale != elimina.codice_fiscale):
        raise ValidationFailed(
            _("Le due schede hanno codici fiscali diversi: non sono la stessa persona."),
            field="codice_fiscale",
        )
    with transaction.atomic():
        moved = sum(hook(tieni, elimina) for hook in _merge_hooks)
        update = ["stato", "unita_in", "updated_at"]
        if not tieni.codice_fiscale and elimina.codice_fiscale:
            tieni.codice_fiscale = elimina.codice_fiscale
            tieni.luogo_nascita_belfiore = elimina.luogo_nascita_belfiore
        elimina.stato = Persona.Stato.UNITA
        elimina.unita_in = tieni
        elimina.save(update_fields=update)
        tieni.save(update_fields=["codice_fiscale", "luogo_nascita_belfiore", "updated_at"])
        _audit(actor, "persona.unita", tieni,
               {"duplicato": str(elimina.public_id), "righe_spostate": moved})
        _audit(actor, "persona.unita_in", elimina, {"in": str(tieni.public_id)})
    return tieni
