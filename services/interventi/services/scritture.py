"""What every write on services and interventions shares: the audit entry, the actor's
label, ``full_clean()`` as a ValidationFailed, and the locks taken in their order."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import Intervento


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def _label(user: Any) -> str:
    full = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return full or getattr(user, "email", "") or str(user)


def _clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    """full_clean(), its first message as a ValidationFailed on its field."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=None if field == "__all__" else field) from exc


def _lock_determina_of(intervento: Intervento) -> None:
    """Locks go determina first, then intervention (as in liquidazione_create, which marks
    interventions in progress under the determina's lock): never the other way round."""
    from services.determine.models import Determina

    determina_id = (Intervento.objects.filter(pk=intervento.pk)
                    .values_list("determina_id", flat=True).first())
    if determina_id is not None:
        Determina.objects.select_for_update().filter(pk=determina_id).first()


def _lock(intervento: Intervento) -> Intervento:
    return Intervento.objects.select_for_update().select_related("servizio", "persona").get(
        pk=intervento.pk)
