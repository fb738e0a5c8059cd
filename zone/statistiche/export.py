"""Excel export of the zone's report (an exporter of ``services.core.export``): the same
suppressed figures as the page, with the exact totals on a sheet of their own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.utils.translation import gettext as _

from services.core.export import Cell, Exporter

from .selectors import ReportZona, Riga


class ReportZonaExporter(Exporter):
    def __init__(self, report: ReportZona, zona_code: str) -> None:
        self.report = report
        self.filename = f"statistiche-{zona_code}-{report.anno or 'tutti'}"

    def _rows(self, righe: list[Riga]) -> Iterator[Sequence[Cell]]:
        """The rows as the page shows them: a suppressed row says why, in place of its
        people, interventions and money (the selector has already dropped the values)."""
        for r in righe:
            if r.soppressa:
                segno = f"< {self.report.soglia}" if r.soppressa == "primaria" else "•"
                yield (r.etichetta, segno, "•", "•")
            else:
                yield (r.etichetta, r.persone, r.interventi, r.liquidato)

    def tables(self) -> Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]:
        header = (_("Voce"), _("Persone"), _("Interventi"), _("Liquidato (€)"))
        yield _("Totale"), header, [(_("Ambito"), self.report.persone, self.report.interventi,
                                     self.report.liquidato)]
        yield _("Per servizio"), header, self._rows(self.report.per_codice)
        yield _("Per area"), header, self._rows(self.report.per_area)
        yield _("Per comune"), header, self._rows(self.report.per_comune)
        if self.report.per_mese:
            yield _("Per mese"), header, self._rows(self.report.per_mese)
        associata = self.report.gestione_associata
        if associata is not None and (associata.soppressa or associata.interventi
                                      or associata.liquidato):
            yield _("Gestione associata"), header, self._rows([associata])
