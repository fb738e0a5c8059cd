"""The plan from a comune's side (seed: "sia che si tratti di un comune capofila che no"):
each comune sees its own share of the piano di zona and nothing of the others'."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.conftest import client_for
from tests.piano.conftest import actor, fatto
from zone.piano.services import quota_set
from zone.piano.spesa import quota_del_comune

D = Decimal


def _shares(cast, plan):
    a = actor(cast.coordinatore)
    quota_set(actor=a, voce=plan.anziani, fonte=plan.fnps, comune=cast.comune_a,
              contributo="2000.00", assegnato="6000.00")
    quota_set(actor=a, voce=plan.anziani, fonte=plan.fnps, comune=cast.comune_b,
              contributo="500.00", assegnato="4000.00")
    quota_set(actor=a, voce=plan.minori, fonte=plan.comuni, comune=cast.comune_a,
              contributo="1000.00", assegnato="1500.00")


def test_a_comune_share_per_line_with_what_it_committed_and_what_remains(cast, spesa):
    _shares(cast, spesa)
    q = quota_del_comune(spesa.piano, cast.comune_a)
    righe = {r.voce.codice: r for r in q.righe}
    assert set(righe) == {"1.1", "1.2"}  # 1.3 has neither a share nor spending of A
    assert righe["1.1"].contributo == D("2000.00")
    assert righe["1.1"].importi.programmato == D("6000.00")
    assert righe["1.1"].importi.impegnato == D("1000.01")
    assert righe["1.1"].importi.disponibile == D("4999.99")
    assert q.contributo == D("3000.00")
    assert q.totale.programmato == D("7500.00")
    assert q.totale.impegnato == D("1100.01")
    assert q.totale.liquidato == D("533.33")
    # Comune B: its own share only; its 2027 spending on 1.1, its 50 € on the unfunded 1.3.
    b = quota_del_comune(spesa.piano, cast.comune_b)
    assert {r.voce.codice: r.importi.impegnato for r in b.righe} == {
        "1.1": D("200.00"), "1.3": D("50.00")}
    assert quota_del_comune(spesa.piano, cast.comune_b, esercizio=2026).totale.impegnato == D("50.00")


def test_the_page_on_the_comune_host_for_those_who_handle_its_money(cast, spesa):
    _shares(cast, spesa)
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get("/piano-di-zona/")
    assert page.status_code == 200
    html = page.content.decode()
    table = re.search(r'<table class="table ambito-table" id="quota-voci">.*?</table>', html, re.S)
    assert table is not None
    assert "Assistenza domiciliare" in table.group(0)
    assert "6.000,00" in table.group(0)
    assert "4.999,99" in table.group(0)
    assert "Pronto intervento" not in table.group(0)
    # B's share (4.000,00 assigned) is nowhere on A's page.
    assert "4.000,00" not in html
    assert client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        "/piano-di-zona/").status_code == 200
    assert client_for(cast.by_role["educatore"], cast.comune_a.ente).get(
        "/piano-di-zona/").status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).get("/piano-di-zona/").status_code == 404


def test_a_plan_in_preparation_is_not_shown_to_the_comuni(cast):
    from zone.piano.models import Piano
    from zone.piano.services import piano_create

    piano_create(actor=actor(cast.coordinatore), zona=cast.zona, titolo="Bozza 2029",
                 anno_inizio=2029, anno_fine=2031, stato=Piano.Stato.BOZZA)
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get("/piano-di-zona/")
    assert "Bozza 2029" not in page.content.decode()
    assert 'id="nessun-piano"' in page.content.decode()


def test_the_capofila_is_told_its_figures_include_the_zones_own_determine(cast, spesa):
    fatto(cast.comune_a, spesa.anziani, "300.00", "0.00", gestore=cast.zona.ente)
    q = quota_del_comune(spesa.piano, cast.comune_a)
    assert q.gestione_associata is not None
    assert q.gestione_associata.impegnato == D("300.00")
    assert quota_del_comune(spesa.piano, cast.comune_b).gestione_associata is None
