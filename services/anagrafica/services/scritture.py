"""Who acts (carried into every audit entry) and what every write on the registry shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from services.core.audit import audit_log
from services.core.errors import ValidationFailed


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
