"""The layout of a catalogue file: a CSV (``,`` or ``;``, UTF-8) with a header row.

Columns: ``code`` (or ``codice``), and optionally ``name``/``denominazione``,
``macro_area``, ``description``/``descrizione``, ``area_target`` (nomenclature only: one of
the ISTAT target areas, by our key or by the ISTAT code such as ``FAM``). Pure parsing, no
database: the loader and the data migration that ships the reference file both use it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

INPS = "inps"
NOMENCLATORE = "nomenclatore"

# SIUSS CodicePrestazione: 5 to 10 characters (INPS spec v2.0.1).
_CODICE = {
    INPS: re.compile(r"^[A-Z0-9][A-Z0-9.]{4,9}$"),
    NOMENCLATORE: re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$"),
}
_ALIASES = {
    "code": "codice", "codice": "codice",
    "name": "nome", "nome": "nome", "denominazione": "nome",
    "macro_area": "macro_area", "macroarea": "macro_area",
    "description": "descrizione", "descrizione": "descrizione",
    "area_target": "area_target", "area": "area_target",
}
# ISTAT CATEG_OF_BENEFICIARIES codes, as an alternative spelling of our keys.
_AREE_ISTAT = {
    "FAM": "famiglia_minori", "DIS": "disabili", "ADD": "dipendenze", "ELD": "anziani",
    "IMMNOM": "immigrati", "POV": "poverta", "MULBEN": "multiutenza",
}
_AREE = set(_AREE_ISTAT.values())
MAX_LEN = {"nome": 255, "macro_area": 80}


@dataclass(frozen=True)
class Riga:
    """One code. A field is None when the file has no such column: the loader keeps what
    it had."""

    codice: str
    nome: str | None = None
    macro_area: str | None = None
    descrizione: str | None = None
    area_target: str | None = None


@dataclass(frozen=True)
class Scarto:
    riga: int
    motivo: str

    def __str__(self) -> str:
        return _("riga %(n)d: %(motivo)s") % {"n": self.riga, "motivo": self.motivo}


def leggi(data: bytes | str, tipo: str) -> tuple[list[Riga], list[Scarto]]:
    """Parse a whole file; return the valid rows and the rejected ones with their reasons."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [Scarto(0, _("il file non è in codifica UTF-8"))]
    else:
        text = data.lstrip("\ufeff")
    if not text.strip():
        return [], [Scarto(0, _("il file è vuoto"))]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_ALIASES.get(h.strip().lower(), "") for h in next(reader)]
    if "codice" not in header:
        return [], [Scarto(1, _("manca la colonna «code» (o «codice») nell'intestazione"))]
    if tipo == INPS and "area_target" in header:
        header = [h if h != "area_target" else "" for h in header]

    righe: list[Riga] = []
    scarti: list[Scarto] = []
    visti: dict[str, int] = {}
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            scarti.append(Scarto(n, _("più colonne dell'intestazione")))
            continue
        campi = {k: "" for k in header if k}
        campi.update({k: v.strip() for k, v in zip(header, values, strict=False) if k})
        codice = campi.get("codice", "").upper()
        if not codice:
            scarti.append(Scarto(n, _("codice mancante")))
            continue
        if not _CODICE[tipo].match(codice):
            scarti.append(Scarto(n, _("codice «%(c)s» non valido per questo elenco") % {"c": codice}))
            continue
        if codice in visti:
            scarti.append(Scarto(n, _("codice «%(c)s» ripetuto (già alla riga %(p)d)")
                                 % {"c": codice, "p": visti[codice]}))
            continue
        troppo_lungo = [k for k, limit in MAX_LEN.items() if len(campi.get(k, "")) > limit]
        if troppo_lungo:
            scarti.append(Scarto(n, _("campo «%(f)s» troppo lungo") % {"f": troppo_lungo[0]}))
            continue
        area = campi.get("area_target")
        if area is not None:
            area = _AREE_ISTAT.get(area.upper(), area.lower())
        if area and area not in _AREE:
            scarti.append(Scarto(n, _("area target «%(a)s» sconosciuta") % {"a": campi["area_target"]}))
            continue
        visti[codice] = n
        righe.append(Riga(codice=codice, nome=campi.get("nome"),
                          macro_area=campi.get("macro_area"),
                          descrizione=campi.get("descrizione"), area_target=area))
    if not righe and not scarti:
        scarti.append(Scarto(0, _("il file non contiene codici")))
    return righe, scarti
