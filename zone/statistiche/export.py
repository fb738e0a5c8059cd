"""Excel export of the zone's report: an exporter yields sheets of rows, the base writes
them with openpyxl in write-only mode."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .selectors import ReportZona, Riga

Sheet = tuple[str, Sequence[str], Iterator[Sequence[Any]]]


class XlsxExporter:
    filename = "export.xlsx"

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def render(self) -> bytes:
        wb = Workbook(write_only=True)
        for title, header, rows in self.sheets():
            ws = wb.create_sheet(title=title[:31])
            ws.append(list(header))
            for row in rows:
                ws.append(list(row))
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


class ReportZonaExporter(XlsxExporter):
    def __init__(self, report: ReportZona, zona_code: str) -> None:
        self.report = report
        self.filename = f"statistiche-{zona_code}-{report.anno or 'tutti'}.xlsx"

    @staticmethod
    def _rows(righe: list[Riga]) -> Iterator[Sequence[Any]]:
        for r in righe:
            yield (r.etichetta, r.persone, r.interventi, r.liquidato)

    def sheets(self) -> Iterator[Sheet]:
        header = (_("Voce"), _("Persone"), _("Interventi"), _("Liquidato (€)"))
        yield _("Per servizio"), header, self._rows(self.report.per_codice)
        yield _("Per area"), header, self._rows(self.report.per_area)
        yield _("Per comune"), header, self._rows(self.report.per_comune)
        if self.report.per_mese:
            yield _("Per mese"), header, self._rows(self.report.per_mese)
