"""What every write of the referrals shares: labels, required texts, the audit entry."""

from __future__ import annotations

from typing import Any

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import Invio


def _label(user: Any) -> str:
    return (user.get_full_name() or user.email) if hasattr(user, "get_full_name") else str(user)


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _audit(actor: Actor, action: str, invio: Invio, payload: dict | None = None) -> None:
    # The case is the object: the readers' page and the case history show the referral.
    audit_log(action=action, actor=actor.user, obj=invio.cartella,
              payload={"invio": str(invio.public_id), "servizio": invio.servizio_label,
                       **(payload or {})}, ip_address=actor.ip_address)
