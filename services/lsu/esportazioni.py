"""The extraction of available people as a CSV file for Italian Excel (``;``, BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from .models import Dichiarazione


class EstrazioneCsv:
    filename = "estrazione_lsu.csv"

    def intestazione(self) -> list[str]:
        return [_("Cognome"), _("Nome"), _("Codice fiscale"), _("Telefono"),
                _("Data della dichiarazione"), _("Disponibilità"), _("Ore settimanali"),
                _("Patente"), _("Competenze")]

    def righe(self, dichiarazioni: Iterable[Dichiarazione]) -> Iterator[list[str]]:
        for d in dichiarazioni:
            p = d.persona
            yield [p.cognome, p.nome, p.codice_fiscale, p.telefono, f"{d.data:%d/%m/%Y}",
                   d.get_disponibilita_display(),
                   str(d.ore_settimanali).replace(".", ",") if d.ore_settimanali else "",
                   _("sì") if d.patente else _("no"), " ".join(d.competenze.split())]

    def render(self, dichiarazioni: Iterable[Dichiarazione]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.intestazione())
        writer.writerows(self.righe(dichiarazioni))
        return "\ufeff" + out.getvalue()
