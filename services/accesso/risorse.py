"""Resources of the territory (risorse): services and organisations the front office sends
people to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed
from services.core.text import fold

from .common import audit, full_clean
from .models import AreaTarget, Risorsa

RISORSA_FIELDS = ("nome", "tipo", "area_target", "descrizione", "ente_gestore", "indirizzo",
                  "telefono", "email", "sito", "orari", "attiva")


def _clean_risorsa(values: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if not values["nome"]:
        raise ValidationFailed(_("Il nome della risorsa è obbligatorio."), field="nome")
    if values["tipo"] not in Risorsa.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di risorsa."), field="tipo")
    if values["area_target"] and values["area_target"] not in AreaTarget.values:
        raise ValidationFailed(_("Area target non valida."), field="area_target")
    values["email"] = (values["email"] or "").lower()
    try:
        if values["email"]:
            validate_email(values["email"])
    except ValidationError as exc:
        raise ValidationFailed(_("L'indirizzo email non è valido."), field="email") from exc
    try:
        if values["sito"]:
            URLValidator(schemes=["http", "https"])(values["sito"])
    except ValidationError as exc:
        raise ValidationFailed(_("L'indirizzo del sito non è valido (https://...)."),
                               field="sito") from exc
    twins = Risorsa.objects.filter(nome__iexact=values["nome"], attiva=True)
    if exclude_pk is not None:
        twins = twins.exclude(pk=exclude_pk)
    if values["attiva"] and twins.exists():
        raise AlreadyExists(_("Esiste già una risorsa attiva di nome «%(n)s».")
                            % {"n": values["nome"]}, field="nome")
    return values


def _search_text(risorsa: Risorsa) -> str:
    return fold(f"{risorsa.nome} {risorsa.ente_gestore} {risorsa.descrizione}")[:600]


def risorsa_create(*, actor: Actor, nome: str, tipo: str, area_target: str = "",
                   descrizione: str = "", ente_gestore: str = "", indirizzo: str = "",
                   telefono: str = "", email: str = "", sito: str = "", orari: str = "",
                   attiva: bool = True) -> Risorsa:
    """Add a service or organisation of the territory the front office can send people to."""
    values = _clean_risorsa({
        "nome": nome, "tipo": tipo, "area_target": area_target, "descrizione": descrizione,
        "ente_gestore": ente_gestore, "indirizzo": indirizzo, "telefono": telefono,
        "email": email, "sito": sito, "orari": orari, "attiva": attiva,
    })
    risorsa = Risorsa(**values)
    risorsa.search_text = _search_text(risorsa)
    with transaction.atomic():
        full_clean(risorsa, validate_unique=False)
        risorsa.save()
        audit(actor, "risorsa.creata", risorsa)
    return risorsa


def risorsa_update(*, actor: Actor, risorsa: Risorsa, **changes: Any) -> Risorsa:
    unknown = set(changes) - set(RISORSA_FIELDS)
    if unknown:
        raise ValidationFailed(_("Campi non modificabili: %(f)s") % {"f": ", ".join(sorted(unknown))})
    merged = {f: changes.get(f, getattr(risorsa, f)) for f in RISORSA_FIELDS}
    merged = _clean_risorsa(merged, exclude_pk=risorsa.pk)
    changed = [f for f in RISORSA_FIELDS if getattr(risorsa, f) != merged[f]]
    if not changed:
        return risorsa
    with transaction.atomic():
        for f in changed:
            setattr(risorsa, f, merged[f])
        risorsa.search_text = _search_text(risorsa)
        full_clean(risorsa, validate_unique=False)
        risorsa.save(update_fields=[*changed, "search_text", "updated_at"])
        audit(actor, "risorsa.modificata", risorsa, {"campi": changed})
    return risorsa
