"""Form fields every app shares: amounts in euro and quantities (hours, days) typed the
way Italian offices type them.

The reading rule, in one place (``parse_numero``):

* Spaces around the number and a euro sign (``€``, ``EUR``, ``Euro``) before or after it
  are ignored; a ``-`` or ``+`` may come first (the field's ``min_value`` then decides).
* A **comma** is the decimal mark, and there may be only one: ``2500,5``, ``0,75``.
* The digits before the decimal mark may be grouped by thousands with **one** kind of
  separator, used consistently: a dot, a space (also the non-breaking ones) or an
  apostrophe — ``2.500,00``, ``1 200,00``, ``1'200,00``, ``1.234.567``. Every group after
  the first has exactly three digits and the first group does not start with 0.
* Without a comma, a **dot** is read as thousands separator when the number is correctly
  grouped by dots (``2.500`` is two thousand five hundred, ``1.234.567`` too); otherwise a
  single dot is the decimal mark (``2500.00``, ``2.5``, ``0.125``, ``1 200.50``).
* Anything else is refused rather than guessed: two commas (``12,34,5``), mixed or
  misplaced separators (``1.2345,00``, ``1,234.56``, ``1.234.56``), letters, nothing after
  the decimal mark (``12,``).

After reading, the usual ``DecimalField`` checks apply (``max_digits``,
``decimal_places``, ``min_value``/``max_value``), so ``2,505`` in a money field is refused for
its third decimal, never rounded. Values the form starts with are shown the same way
(``2.500,00``: grouped by dots, decimal comma, the field's decimal places), which the rule
reads back unchanged.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext_lazy as _

# Thousands separators: dot, space, no-break space, narrow no-break space, apostrophes.
_GROUP_SEPARATORS = (".", " ", "\u00a0", "\u202f", "'", "\u2019")
_CURRENCY_BEFORE = re.compile(r"^(?:€|eur(?:o)?(?![a-z]))\s*", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"\s*(?:€|(?<![a-z])eur(?:o)?)$", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_FIRST_GROUP = re.compile(r"[1-9][0-9]{0,2}")
_GROUP = re.compile(r"[0-9]{3}")


class NumeroNonLeggibile(ValueError):
    """The text is not a number under the rule of this module."""


def _without_currency(text: str) -> str:
    return _CURRENCY_AFTER.sub("", _CURRENCY_BEFORE.sub("", text.strip())).strip()


def _integer_part(text: str) -> str | None:
    """The digits of an integer part, plain (``12500``) or grouped by thousands with one
    separator used throughout (``12.500``, ``12 500``); None if it is neither."""
    if _DIGITS.fullmatch(text):
        return text
    for sep in _GROUP_SEPARATORS:
        if sep in text:
            first, *rest = text.split(sep)
            if _FIRST_GROUP.fullmatch(first) and all(_GROUP.fullmatch(g) for g in rest):
                return "".join([first, *rest])
            return None
    return None


def parse_numero(text: str) -> Decimal:
    """Read a number typed the Italian way (see the module docstring for the rule).
    Raises NumeroNonLeggibile (a ValueError) when the text is not one."""
    value = _without_currency(text)
    sign = ""
    if value[:1] in ("+", "-"):  # before or after the euro sign: "-€ 5", "€ -5"
        sign = "-" if value[0] == "-" else ""
        value = _without_currency(value[1:])
    if "," in value:
        integer, mark, fraction = value.partition(",")
    elif "." in value and _integer_part(value) is None:
        integer, mark, fraction = value.rpartition(".")
    else:
        integer, mark, fraction = value, "", ""
    digits = _integer_part(integer) if integer else ("0" if fraction else None)
    if mark == "." and "." in integer:  # "1.234.56": grouped by dots, then a dot decimal
        raise NumeroNonLeggibile(text)
    if digits is None or (mark and not _DIGITS.fullmatch(fraction)):
        raise NumeroNonLeggibile(text)
    return Decimal(f"{sign}{digits}.{fraction}" if mark else f"{sign}{digits}")


def formatta_numero(value: Decimal | float | int, decimal_places: int | None = None) -> str:
    """A number as Italians write it, for an input's value: ``2500`` -> ``2.500,00`` with two
    decimal places. Values with more decimals than asked keep them (nothing is rounded)."""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    places = decimal_places
    exponent = value.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        places = None
    return number_format(value, ",", places, 3, ".", force_grouping=True, use_l10n=False)


class NumeroItalianoField(forms.DecimalField):
    """A DecimalField that reads and shows numbers the Italian way (``parse_numero``).

    Error messages may be overridden as for any field (``error_messages={"invalid": ...}``).
    """

    default_error_messages = {
        "invalid": _("Scrivi un numero, ad esempio 12,5."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return parse_numero(value)
            except NumeroNonLeggibile:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        """Initial values (Decimals from the database) in Italian format; what the operator
        typed comes back untouched."""
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            if isinstance(value, Decimal) and not value.is_finite():
                return value
            return formatta_numero(value, self.decimal_places)
        return value


class EuroField(NumeroItalianoField):
    """An amount in euro: two decimals, 12 digits, not negative unless told otherwise."""

    default_error_messages = {
        "invalid": _("Scrivi l'importo in euro, ad esempio 1.250,00."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


class QuantitaField(NumeroItalianoField):
    """Hours, days or other quantities: two decimals, not negative unless told otherwise."""

    default_error_messages = {
        "invalid": _("Scrivi la quantità come numero, ad esempio 12,5."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
