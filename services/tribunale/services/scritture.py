"""What every write on the proceedings shares: the actor's label, the audit entry on the
proceeding, required text, and the check that the proceeding is still open."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import Procedimento


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, procedimento: Procedimento,
           payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=procedimento, payload=payload or {},
              ip_address=actor.ip_address)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def ensure_aperto(procedimento: Procedimento) -> None:
    if procedimento.stato != Procedimento.Stato.APERTO:
        raise ValidationFailed(_("Il procedimento è chiuso: non si può più modificare."))
