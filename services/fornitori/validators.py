"""Identifiers of a provider: partita IVA (with its check digit), codice fiscale of a company
or of a person, IBAN (ISO 13616, mod 97). Each returns the normalised value or raises
``ValidationFailed`` with an Italian message on the field it concerns."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from services.core.codice_fiscale import normalize_codice_fiscale
from services.core.errors import ValidationFailed

IBAN_LENGTHS = {"IT": 27, "SM": 27, "VA": 22, "DE": 22, "FR": 27, "AT": 20, "CH": 21, "ES": 24}


def partita_iva_valida(value: str) -> bool:
    """Eleven digits, the last one the check digit of the Italian algorithm (Luhn-like:
    digits in odd places summed, digits in even places doubled, 9 taken off above 9)."""
    if not re.fullmatch(r"\d{11}", value):
        return False
    total = 0
    for i, ch in enumerate(value[:10]):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(value[10])


def normalize_partita_iva(value: str, *, field: str = "partita_iva") -> str:
    piva = (value or "").strip().upper().replace(" ", "")
    if piva.startswith("IT"):
        piva = piva[2:]
    if not partita_iva_valida(piva):
        raise ValidationFailed(
            _("La partita IVA «%(v)s» non è valida: servono 11 cifre con la cifra di controllo "
              "corretta.") % {"v": value},
            field=field,
        )
    return piva


def normalize_codice_fiscale_fornitore(value: str) -> str:
    """A company's codice fiscale is numeric (11 digits, like a partita IVA); a sole
    trader's is a person's (16 characters)."""
    cf = (value or "").strip().upper().replace(" ", "")
    if not cf:
        raise ValidationFailed(_("Indica il codice fiscale."), field="codice_fiscale")
    if cf.isdigit():
        return normalize_partita_iva(cf, field="codice_fiscale")
    return normalize_codice_fiscale(cf)


def iban_valido(iban: str) -> bool:
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def normalize_iban(value: str) -> str:
    iban = (value or "").strip().upper().replace(" ", "")
    if not iban_valido(iban):
        raise ValidationFailed(
            _("L'IBAN «%(v)s» non è valido: controlla paese, lunghezza e cifre di controllo.")
            % {"v": value},
            field="iban",
        )
    return iban
