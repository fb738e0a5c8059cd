"""Small cells on the zone's pages, its Excel export, its charts and a comune's page: a count
of people under the threshold is hidden with the money and interventions of its row, and
further rows are hidden so that none can be worked out from the exact totals."""

from __future__ import annotations

import io
import random
import re
import uuid
from decimal import Decimal

from openpyxl import load_workbook

from tests.conftest import client_for
from tests.statistiche.test_pages import _url
from zone.statistiche import selectors
from zone.statistiche.models import FattoIntervento, FattoLiquidazione
from zone.statistiche.suppression import LINEA, TOTALE, sopprimi_elenco
from zone.statistiche.tasks import refresh_zona


def _servito(comune, persona: str, *, codice="A1.04.01", area="poverta", mese=3) -> None:
    FattoIntervento.objects.create(
        gestore=comune.ente, comune=comune, origine_id=uuid.uuid4(), codice_prestazione=codice,
        area_target=area, anno=2025, mese=mese, persona_hash=persona, stato="in_corso",
        importo_totale=Decimal("100.00"))


def _pagato(comune, persona: str, importo: str, *, codice="A1.04.01", area="poverta",
            mese=3) -> None:
    FattoLiquidazione.objects.create(
        gestore=comune.ente, comune=comune, origine_id=uuid.uuid4(), codice_prestazione=codice,
        area_target=area, anno=2025, mese=mese, persona_hash=persona,
        importo=Decimal(importo))


def _zona_piccola(cast) -> None:
    """Perugia (comune A): ten people paid 100 € each; Assisi (comune B): one person, 1,040 €
    (the "Cerreto Guidi: 1 persona, 1.040 €" of the report)."""
    for i in range(10):
        _servito(cast.comune_a, f"a{i}")
        _pagato(cast.comune_a, f"a{i}", "100.00")
    _servito(cast.comune_b, "b0", codice="A2.01.02", area="anziani", mese=5)
    _pagato(cast.comune_b, "b0", "1040.00", codice="A2.01.02", area="anziani", mese=5)


def test_a_list_never_leaves_one_hidden_entry_beside_its_total():
    rng = random.Random(7)
    for _ in range(300):
        celle = {k: rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 40]) for k in range(rng.randint(2, 9))}
        t = sopprimi_elenco(celle, 5)
        assert (LINEA, TOTALE) not in t.nascoste  # the total stays shown
        assert {(LINEA, k) for k, v in celle.items() if 0 < v < 5} <= t.primarie
        # one equation (the total): an entry is recoverable iff it is the only one hidden
        assert len(t.nascoste) != 1, celle
    # hidden for another reason than its count (an amount paid to few people)
    t = sopprimi_elenco({"a": 10, "b": 20, "c": 30}, 5, anche=["b"])
    assert (LINEA, "b") in t.primarie
    assert len(t.nascoste) == 2
    # the partner of a small count is not a zero while another entry will do: a small count
    # is at least 1, so beside a hidden zero the total minus the rest would still give it
    t = sopprimi_elenco({"gen": 0, "mar": 10, "mag": 1}, 5)
    assert t.nascoste == {(LINEA, "mar"), (LINEA, "mag")}


def test_zone_report_hides_the_small_comune_with_its_money_and_a_partner(cast):
    _zona_piccola(cast)
    report = selectors.report_zona(cast.zona, 2025)
    # totals stay exact
    assert (report.persone, report.interventi, report.liquidato) == (11, 11, Decimal("2040.00"))
    per_comune = {r.chiave: r for r in report.per_comune}
    assisi, perugia = per_comune[cast.comune_b.pk], per_comune[cast.comune_a.pk]
    assert assisi.soppressa == "primaria"
    assert (assisi.persone, assisi.interventi, assisi.liquidato) == (None, None, None)
    # 11 - 10 would give Assisi's 1 person and 2040 - 1000 its 1,040 €: Perugia is hidden too
    assert perugia.soppressa == "secondaria"
    assert (perugia.persone, perugia.liquidato) == (None, None)
    for righe in (report.per_codice, report.per_area, report.per_mese):
        nascoste = [r for r in righe if r.soppressa]
        assert len(nascoste) != 1
        assert all(r.persone is None and r.liquidato is None for r in nascoste)
    mesi = {r.chiave: r for r in report.per_mese}
    assert mesi[5].soppressa == "primaria"  # May: Assisi's one person


def test_money_paid_to_one_person_is_hidden_even_where_many_are_served(cast):
    for i in range(6):
        _servito(cast.comune_a, f"a{i}")
        _servito(cast.comune_b, f"b{i}")
    _pagato(cast.comune_a, "a0", "1040.00")  # only one of Perugia's six was paid
    for i in range(6):
        _pagato(cast.comune_b, f"b{i}", "10.00")
    per_comune = {r.chiave: r for r in selectors.report_zona(cast.zona, 2025).per_comune}
    assert per_comune[cast.comune_a.pk].soppressa == "primaria"
    assert per_comune[cast.comune_a.pk].liquidato is None
    assert per_comune[cast.comune_b.pk].soppressa == "secondaria"


def test_zone_page_excel_and_charts_show_no_small_cell(cast):
    _zona_piccola(cast)
    c = client_for(cast.coordinatore, cast.zona.ente)
    url = _url("statistiche_zona", "zona")
    html = c.get(url, {"anno": 2025}).content.decode()
    assert 'data-figure="persone">11<' in html
    assert "2.040,00" in html  # the total
    assert "1.040,00" not in html
    assert "1.000,00" not in html
    tab = html[html.index('id="tab-comune"'):]
    tab = tab[:tab.index("</table>")]
    assert tab.count('data-soppressa="primaria"') >= 1
    assert tab.count('data-soppressa="secondaria"') >= 1
    assert "&lt; 5" in tab
    # the charts read data-persone / data-liquidato: a hidden row carries neither
    for row in re.findall(r"<tr [^>]*data-soppressa=[^>]*>", html):
        assert "data-persone" not in row
        assert "data-liquidato" not in row
    assert 'data-liquidato="1040.00"' not in html
    assert 'data-persone="1"' not in html
    wb = load_workbook(io.BytesIO(c.get(url, {"anno": 2025, "formato": "xlsx"}).content))
    rows = {r[0]: r[1:] for r in list(wb["Per comune"].values)[1:]}
    assert rows["Assisi"] == ("< 5", "•", "•")
    assert rows["Perugia"] == ("•", "•", "•")
    assert list(wb["Totale"].values)[1][1:] == (11, 11, 2040)
    valori = {v for ws in wb.worksheets if ws.title != "Totale"
              for r in ws.values for v in r[1:]}
    assert not valori & {1, 1040, 1000, 10}


def test_comune_page_beside_the_average_suppresses_as_the_zone_does(cast):
    _zona_piccola(cast)
    # Perugia's 10 are shown on the zone's page? No: hidden to protect Assisi's 1; the
    # comune's page hides them the same way, while the average (the zone's sum) stays.
    confronto = selectors.confronto_comune(cast.comune_a, 2025)
    assert confronto.comune.soppressa == "secondaria"
    assert confronto.comune.persone is None
    assert confronto.comune.liquidato is None
    assert confronto.media_zona.liquidato == Decimal("1020.00")
    aree = {a: (mio, media) for a, mio, media in confronto.per_area}
    anziani = aree[selectors.AREE["anziani"]]
    # Assisi's one person in the area: the average (1 / 2 comuni) would give it back
    assert anziani[1]["valore"] is None
    html = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        _url("statistiche_comune", "comune"), {"anno": 2025}).content.decode()
    assert 'data-figure="persone"' not in html
    assert "1.000,00" not in html
    assert "1.020,00" in html
    assert 'data-soppressa="secondaria"' in html


def test_zone_pages_with_the_real_refresh_hide_small_counts(cast, dati):
    refresh_zona.delay(cast.zona.pk)
    c = client_for(cast.coordinatore, cast.zona.ente)
    html = c.get(_url("statistiche_zona", "zona"), {"anno": 2025}).content.decode()
    assert 'data-figure="persone">3<' in html  # the total stays exact
    assert "2.284,66" in html
    assert "1.834,56" not in html
    assert "450,10" not in html
    html = c.get(_url("statistiche_attesa", "zona")).content.decode()
    assert "2 domande non ancora decise" in html
    tab = html[html.index('id="tab-attesa"'):]
    # one application waiting in each comune: each row a small cell, its days hidden too
    assert tab.count('<tr data-soppressa="primaria">') == 2
    assert "&lt; 5" in tab
