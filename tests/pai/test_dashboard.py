"""The dashboard figures and the overdue reviews, on a small dataset whose numbers are known.

Cases of comune A (AS = the social worker, ED = the educator, DIR = the dirigente):

    c1  scheda 01/01/2025 -> opened 10/01 by AS (9 days)   closed 11/03 (60 days)
    c2  scheda 05/02/2025 -> opened 10/02 by AS (5 days)   closed 10/04 (59 days)
    c3  scheda 01/02/2025 -> opened 01/03 by AS (28 days)  open, ED enabled, PAI by AS
                                                           review due 01/06/2025 (overdue)
    c4  no scheda,           opened 01/04 by AS            suspended, PAI by AS, review in
                                                           the future
    c5  no scheda,           opened 01/05 by DIR           open, PAI by DIR, review due
                                                           01/07/2025 (overdue)
    two more schede forwarded to the social workers, one closed by the front office.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.cartella.services import cartella_chiudi, cartella_sospendi, operatore_abilita
from services.pai import selectors
from services.pai.services import verifica_schedule
from tests.conftest import client_for

from .conftest import actor, altro_operatore, nuova_cartella, nuova_scheda, pai_in_vigore, rome

URLCONF = "ambito.urls.comune"
ANNO = {"dal": date(2025, 1, 1), "al": date(2025, 12, 31)}


@pytest.fixture
def dataset(cast, a):
    AS, ED, DIR = (cast.by_role[r] for r in ("assistente_sociale", "educatore", "dirigente"))
    c1 = nuova_cartella(AS, data=date(2025, 1, 10), scheda=nuova_scheda(AS, quando=rome(2025, 1, 1)))
    c2 = nuova_cartella(AS, data=date(2025, 2, 10), scheda=nuova_scheda(AS, quando=rome(2025, 2, 5)))
    # Midnight in Rome is still 31 January in UTC: the contact day is Rome's.
    c3 = nuova_cartella(AS, data=date(2025, 3, 1),
                        scheda=nuova_scheda(AS, quando=rome(2025, 2, 1, 0)))
    c4 = nuova_cartella(AS, data=date(2025, 4, 1))
    c5 = nuova_cartella(DIR, data=date(2025, 5, 1))
    cartella_chiudi(actor=actor(AS), cartella=c1, data=date(2025, 3, 11), motivo="Fine",
                    approvata=True)
    cartella_chiudi(actor=actor(AS), cartella=c2, data=date(2025, 4, 10), motivo="Fine",
                    approvata=True)
    operatore_abilita(actor=actor(AS), cartella=c3, user=ED, ruolo="Educatore", dal=date(2025, 3, 2))
    p3 = pai_in_vigore(AS, c3, data_inizio=date(2025, 3, 1))
    verifica_schedule(actor=actor(AS), pai=p3, data_prevista=date(2025, 6, 1))
    p4 = pai_in_vigore(AS, c4, data_inizio=date(2025, 4, 1))
    verifica_schedule(actor=actor(AS), pai=p4,
                      data_prevista=timezone.localdate() + timedelta(days=30))
    cartella_sospendi(actor=actor(AS), cartella=c4, data=date(2025, 5, 1), motivo="Ricovero")
    p5 = pai_in_vigore(DIR, c5, data_inizio=date(2025, 5, 1))
    verifica_schedule(actor=actor(DIR), pai=p5, data_prevista=date(2025, 7, 1))
    nuova_scheda(AS, quando=rome(2025, 6, 1))
    nuova_scheda(AS, quando=rome(2025, 6, 2))
    nuova_scheda(AS, quando=rome(2025, 6, 3), stato=SchedaAccesso.Stato.CHIUSA)
    return {"AS": AS, "ED": ED, "DIR": DIR, "p3": p3, "p4": p4, "p5": p5, "c3": c3, "c5": c5}


def test_time_indicators_are_exact(cast, dataset):
    DIR = dataset["DIR"]
    presa = selectors.tempi_presa_in_carico(DIR, **ANNO)
    assert (presa.casi, presa.media, presa.mediana) == (3, 14.0, 9.0)
    chiusura = selectors.tempi_chiusura(DIR, **ANNO)
    assert (chiusura.casi, chiusura.media, chiusura.mediana) == (2, 59.5, 59.5)
    # Only the period asked for.
    primo_trimestre = selectors.tempi_presa_in_carico(DIR, dal=date(2025, 1, 1),
                                                      al=date(2025, 2, 28))
    assert (primo_trimestre.casi, primo_trimestre.media) == (2, 7.0)
    # Who sees only their cases counts only those.
    assert selectors.tempi_presa_in_carico(dataset["ED"], **ANNO).casi == 1


def test_caseload_per_operator(cast, dataset):
    rows = {r["user_id"]: (r["aperte"], r["sospese"], r["totale"])
            for r in selectors.carico_per_operatore(dataset["DIR"])}
    assert rows == {dataset["AS"].pk: (1, 1, 2), dataset["ED"].pk: (1, 0, 1),
                    dataset["DIR"].pk: (1, 0, 1)}
    assert selectors.carico_di(dataset["AS"]).count() == 2
    assert selectors.schede_in_attesa() == 2


def test_overdue_reviews_per_operator(cast, dataset):
    p3, p5 = dataset["p3"], dataset["p5"]

    def of(user, **kw):
        return [v.pai_id for v in selectors.verifiche_scadute(user, **kw)]

    assert of(dataset["AS"]) == [p3.pk]  # responsible and enabled; c5 is not theirs
    assert of(dataset["ED"]) == [p3.pk]  # enabled on c3
    assert of(dataset["DIR"]) == [p3.pk, p5.pk]  # the whole comune, oldest first
    assert of(dataset["DIR"], solo_mie=True) == [p5.pk]
    assert of(cast.by_role["psicologo"]) == []
    assert of(altro_operatore(cast)) == []


def test_overdue_page_per_operator(cast, dataset):
    url = reverse("pai_overdue", urlconf=URLCONF)
    as_page = client_for(dataset["AS"], cast.comune_a.ente).get(url).content.decode()
    assert str(dataset["p3"].public_id) in as_page
    assert str(dataset["p5"].public_id) not in as_page
    dir_page = client_for(dataset["DIR"], cast.comune_a.ente).get(url).content.decode()
    assert str(dataset["p3"].public_id) in dir_page
    assert str(dataset["p5"].public_id) in dir_page
    mine = client_for(dataset["DIR"], cast.comune_a.ente).get(url + "?mie=1").content.decode()
    assert str(dataset["p3"].public_id) not in mine
    # The outsider of comune B: 404.
    assert client_for(cast.outsider, cast.comune_a.ente).get(url).status_code == 404


def _figure(html: str, name: str) -> str:
    marker = f'data-figure="{name}">'
    start = html.index(marker) + len(marker)
    return html[start:html.index("<", start)].strip()


def test_dashboard_pages(cast, dataset):
    url = reverse("cartella_dashboard", urlconf=URLCONF)
    html = client_for(dataset["AS"], cast.comune_a.ente).get(url).content.decode()
    assert _figure(html, "carico") == "2"
    assert _figure(html, "mie_scadute") == "1"
    assert _figure(html, "schede_in_attesa") == "2"
    assert 'id="cruscotto-dirigente"' not in html

    r = client_for(dataset["DIR"], cast.comune_a.ente).get(url, {"dal": "2025-01-01",
                                                                 "al": "2025-12-31"})
    html = r.content.decode()
    assert _figure(html, "carico") == "1"
    assert _figure(html, "mie_scadute") == "1"
    assert _figure(html, "pai_in_vigore") == "3"
    assert 'id="per-operatore-table"' in html
    assert 'id="carico-chart"' in html
    assert r.context["tempi_presa_in_carico"].mediana == 9.0
    assert r.context["tempi_chiusura"].media == 59.5
    assert "vendor/chartjs/chart.umd.js" in html

    # The educator sees their own figures, without the comune-wide part.
    html = client_for(dataset["ED"], cast.comune_a.ente).get(url).content.decode()
    assert _figure(html, "carico") == "1"
    assert 'id="cruscotto-dirigente"' not in html
    # Roles without case files: 403; other comune: 404.
    assert client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(url).status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).get(url).status_code == 404


def test_list_pages_take_the_same_queries_for_more_rows(cast, dataset):
    """Query counts do not grow with the rows (pinned by comparison, not by number)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    DIR = dataset["DIR"]
    c = client_for(DIR, cast.comune_a.ente)
    overdue = reverse("pai_overdue", urlconf=URLCONF)

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(path).status_code == 200
        return len(ctx.captured_queries)

    before = queries(overdue)
    with tenant_context(cast.comune_a.ente):
        for day in (2, 3):
            cartella = nuova_cartella(DIR, data=date(2025, 5, day))
            pai = pai_in_vigore(DIR, cartella, data_inizio=date(2025, 5, day))
            verifica_schedule(actor=actor(DIR), pai=pai, data_prevista=date(2025, 8, day))
    assert queries(overdue) == before
