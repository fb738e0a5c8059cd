"""The piano pages against the roles, the edit flows and the exports."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tenants.roles import Role
from tests.conftest import client_for
from zone.piano.models import (
    FonteFinanziamento,
    ModelloRendiconto,
    Piano,
    QuotaComune,
    Stanziamento,
    VocePiano,
)


def pages(plan):
    pid = plan.piano.public_id
    modello = ModelloRendiconto.objects.get(regione_istat=plan.piano.zona.regione.istat_code)
    return [
        "/piano/", "/piano/nuovo/", "/piano/rendicontazione/", f"/piano/{pid}/",
        f"/piano/{pid}/modifica/", f"/piano/{pid}/fonti/nuova/", f"/piano/{pid}/voci/nuova/",
        f"/piano/{pid}/voci/{plan.anziani.public_id}/", f"/piano/{pid}/quote/",
        f"/piano/{pid}/spesa/", f"/piano/{pid}/spesa/?esercizio=2027", f"/piano/{pid}/fondi-nazionali/",
        f"/piano/{pid}/modelli/{modello.public_id}/",
        f"/piano/{pid}/rendiconto.xlsx", f"/piano/{pid}/rendiconto.pdf",
    ]


def test_the_coordinator_sees_every_page(cast, spesa):
    c = client_for(cast.coordinatore, cast.zona.ente)
    for path in pages(spesa):
        assert c.get(path).status_code == 200, path


@pytest.mark.parametrize("who", ["dirigente", "amministrativo", "outsider", "osservatore"])
def test_comune_users_and_the_observer_get_404_on_the_zone_host(cast, plan, who):
    user = {"dirigente": cast.by_role[Role.DIRIGENTE],
            "amministrativo": cast.by_role[Role.AMMINISTRATIVO],
            "outsider": cast.outsider, "osservatore": cast.osservatore}[who]
    c = client_for(user, cast.zona.ente)
    for path in pages(plan):
        assert c.get(path).status_code == 404, path


def test_an_unknown_plan_or_format_is_404(cast, plan):
    c = client_for(cast.coordinatore, cast.zona.ente)
    assert c.get("/piano/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert c.get(f"/piano/{plan.piano.public_id}/rendiconto.csv").status_code == 404


def test_the_spending_page_shows_the_rule_and_the_figures(cast, spesa):
    html = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/spesa/").content.decode()
    assert "in proporzione" in html
    assert "1.200,01" in html  # committed on the line, Italian format
    assert "13.799,99" in html  # available on the line


def test_the_workbook_opens_and_adds_up(cast, spesa):
    r = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/rendiconto.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:4] == ["Voci", "Fonti", "Comuni", "Fondi nazionali"]
    voci = list(wb["Voci"].iter_rows(values_only=True))
    totale = next(row for row in voci if row[0] == "Totale")
    assert [Decimal(str(v)) for v in totale[4:8]] == [
        Decimal("25000.00"), Decimal("1350.01"), Decimal("633.33"), Decimal("23649.99")]
    fonti = {row[0]: row for row in wb["Fonti"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(fonti["FNPS 2026"][3])) == Decimal("833.34")  # 800.01 + 33.33
    # the unfunded line's spending has its own row, so the sources add up to the total
    assert Decimal(str(fonti["Voci senza finanziamento"][3])) == Decimal("50.00")
    assert sum(Decimal(str(row[3])) for row in fonti.values()) == Decimal("1350.01")
    assert any("esempio" in str(row[0]) for row in wb.worksheets[4].iter_rows(values_only=True))


def test_the_pdf_is_a_pdf(cast, spesa):
    r = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/rendiconto.pdf?esercizio=2026")
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_the_coordinator_builds_a_plan_through_the_pages(cast):
    c = client_for(cast.coordinatore, cast.zona.ente)
    r = c.post("/piano/nuovo/", {"titolo": "Piano 2027", "anno_inizio": "2027", "anno_fine": "2027",
                                 "stato": "bozza"})
    assert r.status_code == 302
    piano = Piano.objects.get(zona=cast.zona, titolo="Piano 2027")
    base = f"/piano/{piano.public_id}"
    assert c.post(f"{base}/fonti/nuova/", {"tipo": "dopo_di_noi", "nome": ""}).status_code == 302
    fonte = FonteFinanziamento.objects.get(piano=piano)
    r = c.post(f"{base}/voci/nuova/", {"codice": "2.1", "descrizione": "Dopo di noi",
                                       "area_target": "disabili", f"fonte_{fonte.pk}": "1.234,56"})
    assert r.status_code == 302, r.context["form"].errors
    voce = VocePiano.objects.get(piano=piano)
    assert Stanziamento.objects.get(voce=voce).importo == Decimal("1234.56")
    r = c.post(f"{base}/quote/", {"voce": voce.pk, "fonte": fonte.pk, "comune": cast.comune_a.pk,
                                  "contributo": "0", "assegnato": "2000"})
    assert r.status_code == 200
    assert "stanziati" in r.content.decode()
    assert not QuotaComune.objects.filter(voce=voce).exists()
    r = c.post(f"{base}/quote/", {"voce": voce.pk, "fonte": fonte.pk, "comune": cast.comune_a.pk,
                                  "contributo": "100", "assegnato": "1000"})
    assert r.status_code == 302
    html = c.get(f"{base}/").content.decode()
    assert "1.234,56" in html
    r = c.post(f"{base}/modifica/", {"titolo": "Piano 2027", "anno_inizio": "2027",
                                     "anno_fine": "2031", "stato": "bozza"})
    assert r.status_code == 200
    assert "tre anni" in r.content.decode()


def test_the_detail_page_query_count_does_not_grow_with_lines(cast, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zone.piano.services import voce_create

    from .conftest import actor
    c = client_for(cast.coordinatore, cast.zona.ente)
    with CaptureQueriesContext(connection) as before:
        c.get(f"/piano/{plan.piano.public_id}/")
    for n in range(5):
        voce_create(actor=actor(cast.coordinatore), piano=plan.piano, codice=f"3.{n}",
                    descrizione="x", area_target="anziani", importi={plan.fnps: "1"})
    with CaptureQueriesContext(connection) as after:
        c.get(f"/piano/{plan.piano.public_id}/")
    assert len(after) == len(before)
