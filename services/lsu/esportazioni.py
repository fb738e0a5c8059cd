"""The extraction of available people as a CSV file for Italian Excel (an exporter of
``services.core.export``: ``;``, BOM, text that could be a formula neutralised)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from services.core.export import Exporter, Table

from .models import Dichiarazione


class EstrazioneCsv(Exporter):
    filename = "estrazione_lsu"
    csv_titles = False

    def __init__(self, dichiarazioni: Iterable[Dichiarazione]) -> None:
        self.dichiarazioni = dichiarazioni

    def intestazione(self) -> list[str]:
        return [_("Cognome"), _("Nome"), _("Codice fiscale"), _("Telefono"),
                _("Data della dichiarazione"), _("Disponibilità"), _("Ore settimanali"),
                _("Patente"), _("Competenze")]

    def righe(self) -> Iterator[list[Any]]:
        for d in self.dichiarazioni:
            p = d.persona
            yield [p.cognome, p.nome, p.codice_fiscale, p.telefono, d.data,
                   d.get_disponibilita_display(), d.ore_settimanali,
                   _("sì") if d.patente else _("no"), " ".join(d.competenze.split())]

    def tables(self) -> Iterator[Table]:
        yield _("Disponibili"), self.intestazione(), self.righe()
