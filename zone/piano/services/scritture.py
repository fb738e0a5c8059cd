"""What the writes on plans and on reporting forms share: the audit entry, amounts in
euro, setting the fields that changed."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import ZERO

if TYPE_CHECKING:
    from services.anagrafica.services import Actor


def _audit(actor: Actor, action: str, obj: Any, payload: dict) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload,
              ip_address=actor.ip_address)


def _importo(value: Any, field: str) -> Decimal:
    value = ZERO if value in (None, "") else Decimal(value)
    if value < 0:
        raise ValidationFailed(_("Gli importi non possono essere negativi."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Gli importi hanno al massimo due decimali."), field=field)
    return value.quantize(Decimal("0.01"))


def euro(value: Decimal) -> str:
    """1234.5 -> "1.234,50", for messages."""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def _set(obj: Any, dati: dict[str, Any], campi: tuple[str, ...]) -> list[str]:
    cambiati = [k for k in campi if k in dati and getattr(obj, k) != dati[k]]
    for k in cambiati:
        setattr(obj, k, dati[k])
    return cambiati
