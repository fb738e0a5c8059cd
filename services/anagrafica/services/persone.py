"""The person: registration (refusing a codice fiscale already registered, asking to
confirm a namesake), corrections, the social conditions recorded, death and emigration."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.core.codice_fiscale import (
    birthplace_of,
    check_codice_fiscale_matches,
    normalize_codice_fiscale,
)
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.text import fold

from ..models import CondizioneSociale, Indirizzo, MembroNucleo, Persona
from .indirizzi import _indirizzo_open
from .scritture import Actor, _audit, _required


class PossibleDuplicate(AlreadyExists):
    """Same name and birth date as an existing person: the operator must confirm."""

    code = "possibile_duplicato"


class DuplicateCodiceFiscale(AlreadyExists):
    code = "codice_fiscale_duplicato"


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


def _lock_identity(search_text: str, data_nascita: date) -> None:
    """A transaction-level advisory lock on (schema, normalised name, birth date)."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    chiave = f"anagrafica.persona:{schema}:{search_text}:{data_nascita:%Y-%m-%d}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [chiave])


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
    search_text = fold(f"{cognome} {nome}")
    with transaction.atomic():
        # Two operators registering the same person at the same moment: the checks below
        # and the insert run one at a time for the same name and birth date, so the second
        # sees the first (a person without a codice fiscale has no unique key to stop it).
        _lock_identity(search_text, data_nascita)
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
                Persona.objects.filter(search_text=search_text,
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
            search_text=search_text,
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
