"""The end-of-period summary of a plan (rendiconto), as an Excel workbook and as a PDF.

An exporter of ``services.core.export`` yields sheets of rows, which the base writes as
xlsx. The PDF is a template (``templates/piano/print/rendiconto.html``) rendered by WeasyPrint.
Both are built inline: a plan has tens of lines, the work takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from services.core.export import Exporter

from .models import ModelloRendiconto, Piano
from .selectors import compila_modello, modelli_per_zona
from .spesa import (
    REGOLA_FONTI,
    Importi,
    Prospetto,
    fondi_nazionali,
    prospetto,
    righe_comuni,
    righe_fonti,
)

Sheet = tuple[str, list[str], Iterator[list[Any]]]


def _imp(i: Importi) -> list[Decimal]:
    return [i.programmato, i.impegnato, i.liquidato, i.disponibile]


class RendicontoExporter(Exporter):
    def __init__(self, piano: Piano, *, esercizio: int | None = None) -> None:
        self.piano = piano
        self.p: Prospetto = prospetto(piano, esercizio=esercizio)
        self.modelli: list[ModelloRendiconto] = list(modelli_per_zona(piano.zona))
        suffix = f"-{self.p.esercizio}" if self.p.esercizio else ""
        self.filename = f"rendiconto-piano-{piano.anno_inizio}-{piano.anno_fine}{suffix}"


    def tables(self) -> Iterator[Sheet]:  # type: ignore[override]
        importi = [_("Programmato"), _("Impegnato"), _("Liquidato"), _("Disponibile")]
        yield (_("Voci"), [_("Voce"), _("Descrizione"), _("Area target"),
                           _("Codice prestazione"), *importi], self._voci())
        yield (_("Fonti"), [_("Fonte"), _("Tipo"), *importi],
               ([f.nome, f.get_tipo_display(), *_imp(i)] for f, i in righe_fonti(self.p)))
        yield (_("Comuni"), [_("Comune"), _("Quota versata"), _("Quota assegnata"),
                             _("Impegnato"), _("Liquidato"), _("Disponibile")],
               ([c.name, contributo, i.programmato, i.impegnato, i.liquidato, i.disponibile]
                for c, contributo, i in righe_comuni(self.p)))
        yield (_("Fondi nazionali"), [_("Fondo"), _("Area target"), *importi], self._fondi())
        for modello in self.modelli:
            titolo = modello.titolo + (f" — {_('struttura di esempio')}" if modello.esempio else "")
            yield (modello.codice[:31], [_("Sezione"), _("Voce del modello"), _("Importo")],
                   self._modello(modello, titolo))

    def _voci(self) -> Iterator[list[Any]]:
        for r in self.p.righe:
            v = r.voce
            yield [v.codice, v.descrizione, v.get_area_target_display(),
                   v.codice_prestazione.codice if v.codice_prestazione else "", *_imp(r.totale)]
        yield [_("Totale"), "", "", "", *_imp(self.p.totale)]
        yield []
        yield [str(REGOLA_FONTI)]

    def _fondi(self) -> Iterator[list[Any]]:
        for nome, totale, aree in fondi_nazionali(self.p):
            yield [nome, _("Totale"), *_imp(totale)]
            for area, i in aree:
                yield [nome, area, *_imp(i)]

    def _modello(self, modello: ModelloRendiconto, titolo: str) -> Iterator[list[Any]]:
        yield [titolo, "", ""]
        for c in compila_modello(modello, self.p):
            yield [c.riga.sezione, c.riga.etichetta, c.importo]

    def to_pdf(self) -> bytes:
        from weasyprint import HTML

        html = render_to_string("piano/print/rendiconto.html", {
            "piano": self.piano, "p": self.p, "fonti": righe_fonti(self.p),
            "comuni": righe_comuni(self.p), "fondi": fondi_nazionali(self.p),
            "modelli": [(m, compila_modello(m, self.p)) for m in self.modelli],
            "regola": REGOLA_FONTI,
        })
        return HTML(string=html).write_pdf()
