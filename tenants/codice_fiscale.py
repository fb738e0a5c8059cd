"""Codice fiscale validation through python-codicefiscale (check character, omocodia)."""

from __future__ import annotations

from codicefiscale import codicefiscale
from django.utils.translation import gettext as _

from services.core.errors import ValidationFailed


def normalize_codice_fiscale(value: str) -> str:
    cf = (value or "").strip().upper().replace(" ", "")
    if not codicefiscale.is_valid(cf):
        raise ValidationFailed(
            _("Il codice fiscale «%(cf)s» non è valido: controlla lettere, cifre e carattere di controllo.")
            % {"cf": cf},
            field="codice_fiscale",
        )
    return cf
