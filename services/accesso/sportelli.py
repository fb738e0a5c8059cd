"""Front offices (sportelli) of the ente: where contacts are taken, when they are open and
who works there (seed 003: "una rete di sportelli unificati per l'accesso")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed

from .common import audit, full_clean
from .models import Sportello

SPORTELLO_FIELDS = ("nome", "indirizzo", "orari", "telefono", "email", "operatori_ids")


def membri_ente() -> list[Any]:
    """Active memberships of the ente whose schema is active: who may work at its front
    offices, by name."""
    from tenants.models import Membership

    tenant = getattr(connection, "tenant", None)
    return list(Membership.objects.filter(ente_id=getattr(tenant, "pk", 0), is_active=True)
                .select_related("user").order_by("user__last_name", "user__first_name"))


def _operatori(values: Iterable[Any], *, prima: Iterable[int] = ()) -> list[int]:
    """The members chosen to work at a front office. Someone listed before (``prima``) whose
    membership has since ended drops out of the list instead of blocking the change."""
    try:
        ids = sorted({int(v) for v in values})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("Uno degli operatori scelti non è valido."),
                               field="operatori_ids") from exc
    membri = {m.user_id for m in membri_ente()}
    ids = [i for i in ids if i in membri or i not in set(prima)]
    if any(i not in membri for i in ids):
        raise ValidationFailed(_("Uno degli operatori scelti non è abilitato in questo ente."),
                               field="operatori_ids")
    return ids


def _clean(values: dict[str, Any], *, exclude_pk: int | None = None,
           prima: Iterable[int] = ()) -> dict[str, Any]:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if not values["nome"]:
        raise ValidationFailed(_("Il nome dello sportello è obbligatorio."), field="nome")
    if len(values["nome"]) > 200:
        raise ValidationFailed(_("Il nome dello sportello è al massimo di 200 caratteri."),
                               field="nome")
    values["email"] = (values["email"] or "").lower()
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError as exc:
            raise ValidationFailed(_("L'indirizzo email non è valido."), field="email") from exc
    values["operatori_ids"] = _operatori(values["operatori_ids"] or (), prima=prima)
    twins = Sportello.objects.filter(nome__iexact=values["nome"], attivo=True)
    if exclude_pk is not None:
        twins = twins.exclude(pk=exclude_pk)
    if twins.exists():
        raise AlreadyExists(_("Esiste già uno sportello attivo di nome «%(n)s».")
                            % {"n": values["nome"]}, field="nome")
    return values


def sportello_create(*, actor: Actor, nome: str, indirizzo: str = "", orari: str = "",
                     telefono: str = "", email: str = "",
                     operatori_ids: Iterable[int] = ()) -> Sportello:
    """Open a front office of the ente, with the members who work there."""
    values = _clean({"nome": nome, "indirizzo": indirizzo, "orari": orari,
                     "telefono": telefono, "email": email,
                     "operatori_ids": list(operatori_ids)})
    sportello = Sportello(**values)
    with transaction.atomic():
        full_clean(sportello, validate_unique=False, validate_constraints=False)
        sportello.save()
        audit(actor, "sportello.creato", sportello,
              {"nome": sportello.nome, "operatori": sportello.operatori_ids})
    return sportello


def sportello_update(*, actor: Actor, sportello: Sportello, **changes: Any) -> Sportello:
    """Change a front office's data or who works there (only the fields given)."""
    unknown = set(changes) - set(SPORTELLO_FIELDS)
    if unknown:
        raise ValidationFailed(_("Campi non modificabili: %(f)s")
                               % {"f": ", ".join(sorted(unknown))})
    if not sportello.attivo:
        raise ValidationFailed(_("Lo sportello «%(n)s» non è più attivo.")
                               % {"n": sportello.nome})
    merged = {f: changes.get(f, getattr(sportello, f)) for f in SPORTELLO_FIELDS}
    merged = _clean(merged, exclude_pk=sportello.pk, prima=sportello.operatori_ids)
    changed = [f for f in SPORTELLO_FIELDS if getattr(sportello, f) != merged[f]]
    if not changed:
        return sportello
    with transaction.atomic():
        for f in changed:
            setattr(sportello, f, merged[f])
        full_clean(sportello, validate_unique=False, validate_constraints=False)
        sportello.save(update_fields=[*changed, "updated_at"])
        audit(actor, "sportello.modificato", sportello, {"campi": changed})
    return sportello


def sportello_deactivate(*, actor: Actor, sportello: Sportello) -> Sportello:
    """Close a front office: it takes no new contacts; its schede keep it (history)."""
    with transaction.atomic():
        sportello = Sportello.objects.select_for_update().get(pk=sportello.pk)
        if not sportello.attivo:
            raise ValidationFailed(_("Lo sportello «%(n)s» è già stato disattivato.")
                                   % {"n": sportello.nome})
        sportello.attivo = False
        sportello.save(update_fields=["attivo", "updated_at"])
        audit(actor, "sportello.disattivato", sportello)
    return sportello
