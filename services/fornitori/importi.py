"""Euro amounts to the cent, and months as the first day of the month."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def euro(value: Decimal) -> str:
    """1234.5 -> '1.234,50 €' (Italian grouping, for messages)."""
    text = f"{cents(value):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"


def quantita(value: Decimal) -> str:
    """Days or hours without useless decimals, with the Italian comma: 12, 12,5."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")
    return text.replace(".", ",")


def primo_del_mese(day: date) -> date:
    return day.replace(day=1)


def ultimo_del_mese(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def giorni_del_mese(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]
