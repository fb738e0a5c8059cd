"""The statistics of the assegni as an Excel workbook (an exporter of
``services.core.export``: money stays Decimal, shown with cents; dates stay dates)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from services.core.export import Exporter, Table

from .selectors import RigaStatistica, assegni_elenco


class StatisticheExporter(Exporter):
    filename = "assegni-statistiche"

    def __init__(self, righe: list[RigaStatistica]) -> None:
        self.righe = righe

    def tables(self) -> Iterator[Table]:
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
