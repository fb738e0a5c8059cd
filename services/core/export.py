"""Exports are small classes: an exporter names its columns and yields rows; the base
writes them as xlsx (openpyxl, write-only, so large tables stream) or as CSV with ``;``
(what Italian Excel opens without asking)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | Decimal | date | None


class Exporter:
    """Subclass: set ``filename`` (without extension; a property when it depends on the
    data) and implement ``tables``."""

    filename: str = "export"
    # Data rows written by the last to_xlsx / to_csv (headers not counted), for the audit.
    rows_written: int = 0

    def tables(self) -> Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]:
        """(sheet title, header, rows) for each sheet."""
        raise NotImplementedError

    def to_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        wb = Workbook(write_only=True)
        bold = Font(bold=True)
        self.rows_written = 0
        for title, header, rows in self.tables():
            ws = wb.create_sheet(title=str(title)[:31])
            cells = []
            for h in header:
                cell = WriteOnlyCell(ws, value=str(h))
                cell.font = bold
                cells.append(cell)
            ws.append(cells)
            for row in rows:
                ws.append([_xlsx_cell(v) for v in row])
                self.rows_written += 1
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        self.rows_written = 0
        for title, header, rows in self.tables():
            writer.writerow([str(title)])
            writer.writerow([str(h) for h in header])
            for row in rows:
                writer.writerow([_csv_cell(v) for v in row])
                self.rows_written += 1
            writer.writerow([])
        return out.getvalue()

    def response(self, fmt: str = "xlsx", *, actor: Any = None,
                 filtro: dict | None = None) -> HttpResponse:
        """The file as a download; with ``actor`` (an ``Actor``) one audit entry says who
        downloaded what, with which filter and how many rows."""
        if fmt == "csv":
            resp = HttpResponse(self.to_csv(), content_type="text/csv; charset=utf-8")
        else:
            fmt = "xlsx"
            resp = HttpResponse(self.to_xlsx(), content_type=XLSX)
        resp["Content-Disposition"] = f'attachment; filename="{self.filename}.{fmt}"'
        if actor is not None:
            from .letture import audit_export

            audit_export(user=actor.user, ip_address=actor.ip_address, export=self.filename,
                         formato=fmt, filtro=filtro or {}, righe=self.rows_written)
        return resp


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, int | Decimal | date):
        return value
    return str(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
