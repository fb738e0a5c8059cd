"""A label that looks like a formula (a comune names its own services) is text in the
zone's statistics workbook."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from zone.statistiche.export import ReportZonaExporter
from zone.statistiche.selectors import ReportZona, Riga


def test_a_formula_in_a_label_is_text_in_the_workbook():
    riga = Riga(chiave="X", etichetta="@SUM(1)", persone=3, interventi=4,
                liquidato=Decimal("10.50"))
    report = ReportZona(anno=2025, anni=[2025], persone=3, interventi=4,
                        liquidato=Decimal("10.50"), per_codice=[riga], per_area=[riga],
                        per_comune=[riga], per_mese=[])
    wb = load_workbook(io.BytesIO(ReportZonaExporter(report, "ZD").to_xlsx()))
    celle = next(wb["Per servizio"].iter_rows(min_row=2))
    assert celle[0].data_type == "s"
    assert celle[0].value == "'@SUM(1)"
    assert [c.value for c in celle[1:]] == [3, 4, 10.5]
