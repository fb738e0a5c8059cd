"""Small helpers shared by the segretariato's write modules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed


def label_of(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def text(value: str | None) -> str:
    return (value or "").strip()


def full_clean(obj: Any, **kwargs: Any) -> None:
    """Model validation, reported as a domain error on the first field at fault."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(" ".join(messages),
                               field=None if field == "__all__" else field) from exc
