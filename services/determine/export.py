"""The committed / liquidated / remaining summary as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from services.core.export import Cell, Exporter

from .selectors import riepilogo_per_anno, riepilogo_per_determina, riepilogo_per_servizio


class RiepilogoDetermineExporter(Exporter):
    filename = "impegnato-liquidato"

    def __init__(self, esercizio: int | None = None) -> None:
        self.esercizio = esercizio

    def _determine(self) -> Iterable[Any]:
        """Determine annotated with impegnato, liquidato, residuo."""
        return riepilogo_per_determina(self.esercizio).iterator(chunk_size=2000)

    def tables(self) -> Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]:
        importi = [_("Impegnato"), _("Liquidato"), _("Residuo")]
        yield (_("Per determina"),
               [_("Determina"), _("Esercizio"), _("Data"), _("Oggetto"), _("Capitolo"),
                _("Servizio"), *importi],
               ((d.riferimento, d.esercizio, d.data_adozione, d.oggetto, d.capitolo,
                 d.servizio.nome if d.servizio else "", d.impegnato, d.liquidato, d.residuo)
                for d in self._determine()))
        yield (_("Per servizio"), [_("Servizio"), _("Determine"), *importi],
               ((r["servizio__nome"] or _("Senza servizio"), r["determine"], r["impegnato"],
                 r["liquidato"], r["residuo"]) for r in riepilogo_per_servizio(self.esercizio)))
        yield (_("Per anno"), [_("Esercizio"), _("Determine"), *importi],
               ((r["esercizio"], r["determine"], r["impegnato"], r["liquidato"], r["residuo"])
                for r in riepilogo_per_anno()))
