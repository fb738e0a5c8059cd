"""A zone's plan line whose text looks like a formula is text in the rendiconto xlsx."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import client_for
from zone.piano.models import VocePiano

LINK = '=HYPERLINK("https://evil.example/";"Dettaglio")'


def test_a_formula_in_a_line_is_text_in_the_workbook(cast, spesa):
    VocePiano.objects.filter(pk=spesa.anziani.pk).update(descrizione=LINK)
    r = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/rendiconto.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    riga = next(row for row in wb["Voci"].iter_rows(min_row=2) if row[0].value == "1.1")
    assert riga[1].data_type == "s"
    assert riga[1].value == "'" + LINK
    assert riga[4].data_type == "n"  # the amounts stay numbers
