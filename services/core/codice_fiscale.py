"""Codice fiscale validation through python-codicefiscale (check character, omocodia)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from codicefiscale import codicefiscale
from django.utils.translation import gettext as _

from services.core.errors import ValidationFailed


@lru_cache(maxsize=4096)
def _decode(cf: str) -> dict[str, Any]:
    """Decoding builds every omocodia variant (about 0.5 ms): done once per code."""
    return codicefiscale.decode(cf)


@lru_cache(maxsize=4096)
def _is_valid(cf: str) -> bool:
    return bool(codicefiscale.is_valid(cf))


def clean_codice_fiscale_input(value: str | None) -> str:
    """What the operator typed or pasted, without spaces anywhere (a code copied from a
    card or a PDF often carries them) and in capitals."""
    return "".join((value or "").split()).upper()


def normalize_codice_fiscale(value: str) -> str:
    cf = clean_codice_fiscale_input(value)
    if len(cf) == 11 and cf.isdigit():
        raise ValidationFailed(
            _("«%(cf)s» è un codice fiscale di 11 cifre: appartiene a una società o a un ente "
              "(come la partita IVA), non a una persona. Per una persona il codice fiscale ha "
              "16 caratteri.") % {"cf": cf},
            field="codice_fiscale",
        )
    if not _is_valid(cf):
        raise ValidationFailed(
            _("Il codice fiscale «%(cf)s» non è valido: controlla lettere, cifre e carattere di controllo.")
            % {"cf": cf},
            field="codice_fiscale",
        )
    return cf


def check_codice_fiscale_matches(
    cf: str, *, cognome: str, nome: str, sesso: str, data_nascita: date
) -> None:
    """The code must agree with the person's data (omocodia variants decode the same)."""
    decoded = _decode(cf)
    problems = []
    if decoded["birthdate"].date() != data_nascita:
        problems.append(_("data di nascita"))
    if decoded["gender"] != sesso:
        problems.append(_("sesso"))
    raw = decoded["raw"]
    if cognome and raw["lastname"] != codicefiscale.encode_lastname(cognome):
        problems.append(_("cognome"))
    if nome and raw["firstname"] != codicefiscale.encode_firstname(nome):
        problems.append(_("nome"))
    if problems:
        raise ValidationFailed(
            _("Il codice fiscale %(cf)s non corrisponde a: %(what)s.")
            % {"cf": cf, "what": ", ".join(str(p) for p in problems)},
            field="codice_fiscale",
        )


def birthplace_of(cf: str) -> tuple[str, str]:
    """(Belfiore code, place name) encoded in a codice fiscale."""
    decoded = _decode(cf)
    place = decoded.get("birthplace") or {}
    # With omocodia the raw digits are letters (G4T8): the decoded place has the real code.
    return str(place.get("code") or decoded["raw"]["birthplace"]), str(place.get("name", ""))


def sesso_of(cf: str) -> str:
    """The sex ("M" or "F") encoded in a valid codice fiscale."""
    return str(_decode(cf)["gender"])
