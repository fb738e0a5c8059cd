"""Reading the CSV files the imports receive, row by row, so that one broken row is
refused with its reason and the others go on.

The ``csv`` module refuses a field over 128 kB (``field_size_limit``) with an exception
that stops the whole reading: a file that passed the upload check then failed its job
with a generic error. Here the limit is raised to the largest file we accept, so such a
field is read whole (a quoted field spanning lines included) and ``campo_troppo_lungo``
tells the import to reject that row alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

CAMPO_MASSIMO = 128 * 1024  # characters: no column of any layout comes near it
_LETTURA_MASSIMA = 64 * 1024 * 1024  # above every import's file size limit

csv.field_size_limit(max(csv.field_size_limit(), _LETTURA_MASSIMA))


def righe_csv(testo: str, *, separatore: str) -> Iterator[list[str]]:
    """The records of a CSV text, as lists of fields."""
    return csv.reader(io.StringIO(testo, newline=""), delimiter=separatore)


def riga_csv(riga: str, *, separatore: str) -> list[str]:
    """One stored raw row, as its fields again."""
    return next(csv.reader([riga], delimiter=separatore), [])


def campo_troppo_lungo(campi: Sequence[str]) -> str | None:
    """Why the row is refused if one of its fields is over ``CAMPO_MASSIMO``, else None."""
    for posizione, campo in enumerate(campi, start=1):
        if len(campo) > CAMPO_MASSIMO:
            return _("Il campo n. %(n)s della riga è lungo %(kb)s kB, oltre il massimo di "
                     "%(max)s kB: forse manca una virgoletta di chiusura. La riga non è stata "
                     "importata.") % {"n": posizione, "kb": len(campo) // 1024,
                                      "max": CAMPO_MASSIMO // 1024}
    return None
