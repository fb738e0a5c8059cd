"""The statistics of the assegni as an Excel sheet: the exporter yields rows, ``xlsx`` writes
them with openpyxl's write-only workbook (money stays Decimal, shown with cents)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .selectors import RigaStatistica, assegni_elenco


class StatisticheExporter:
    nome_file = "assegni-statistiche.xlsx"
    righe_scritte = 0  # data rows of the last workbook written, for the audit

    def __init__(self, righe: list[RigaStatistica]) -> None:
        self.righe = righe

    def fogli(self) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
        yield (_("Per anno ed esito"),
               [_("Anno"), _("Tipo di assegno"), _("Esito"), _("Domande"), _("Importo complessivo (€)")],
               ([r.anno, r.tipo_label, r.esito_label, r.domande, r.importo_totale] for r in self.righe))
        yield (_("Domande"),
               [_("Protocollo"), _("Data"), _("Tipo di assegno"), _("Esito"), _("Data esito"),
                _("Trasmessa all'INPS il"), _("Importo mensile (€)"), _("Importo complessivo (€)")],
               self._domande())

    def _domande(self) -> Iterator[list[Any]]:
        for a in assegni_elenco().iterator(chunk_size=2000):
            d = a.domanda
            yield [d.numero_protocollo, d.data_protocollo, a.get_tipo_display(), d.get_stato_display(),
                   d.esito_il, a.trasmessa_inps_il, a.importo_mensile, a.importo_totale]


def xlsx(exporter: StatisticheExporter) -> bytes:
    wb = Workbook(write_only=True)
    exporter.righe_scritte = 0
    for titolo, intestazione, righe in exporter.fogli():
        ws = wb.create_sheet(title=str(titolo)[:31])
        ws.append([str(h) for h in intestazione])
        for riga in righe:
            celle = []
            for valore in riga:
                cella = WriteOnlyCell(ws, value=valore)
                if hasattr(valore, "quantize"):
                    cella.number_format = "#,##0.00"
                elif hasattr(valore, "isoformat"):
                    cella.number_format = "DD/MM/YYYY"
                celle.append(cella)
            ws.append(celle)
            exporter.righe_scritte += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
