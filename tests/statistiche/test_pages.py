"""The zone's, the region's and a comune's pages against the roles, and what they show."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from services.core.models import AuditEntry
from tests.conftest import client_for
from zone import aggregation
from zone.statistiche.models import Aggiornamento, FattoIntervento
from zone.statistiche.tasks import refresh_zona

ZONA_PAGES = ["statistiche_zona", "statistiche_multicomune", "statistiche_attesa",
              "statistiche_aggiornamenti"]


def _url(name: str, urlconf: str) -> str:
    return reverse(name, urlconf=f"ambito.urls.{urlconf}")


@pytest.mark.parametrize("name", ZONA_PAGES)
def test_zone_pages_for_the_coordinator_only(cast, dati, name):
    refresh_zona.delay(cast.zona.pk)
    url = _url(name, "zona")
    assert client_for(cast.coordinatore, cast.zona.ente).get(url).status_code == 200
    for user in (cast.by_role["dirigente"], cast.outsider, cast.osservatore):
        assert client_for(user, cast.zona.ente).get(url).status_code == 404


def test_zone_report_shows_the_figures_and_exports_them(cast, dati):
    refresh_zona.delay(cast.zona.pk)
    c = client_for(cast.coordinatore, cast.zona.ente)
    url = _url("statistiche_zona", "zona")
    html = c.get(url, {"anno": 2025}).content.decode()
    assert 'data-figure="persone">3<' in html
    assert "2.284,66" in html
    assert "chart.umd.js" in html
    assert "Perugia" in html
    assert "Assisi" in html
    for p in dati.persone:
        assert p.codice_fiscale not in html
        # full names: a bare surname may also be the signed-in operator's, in the header
        assert f"{p.cognome} {p.nome}" not in html
        assert f"{p.nome} {p.cognome}" not in html
    response = c.get(url, {"anno": 2025, "formato": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["Per comune"].values)
    assert rows[0][0] == "Voce"
    assert {r[0] for r in rows[1:]} == {"Perugia", "Assisi"}


def test_multicomune_counts_the_shared_person_without_showing_the_hash(cast, dati):
    refresh_zona.delay(cast.zona.pk)
    html = client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_multicomune", "zona"), {"anno": 2025}).content.decode()
    assert 'data-figure="persone-multicomune">1<' in html  # the total stays exact
    # one person shared by the pair: a small cell, hidden
    assert '<td>Assisi</td><td>Perugia</td><td class="num" data-soppressa="primaria">&lt; 5</td>' in html
    for h in FattoIntervento.objects.values_list("persona_hash", flat=True):
        assert h not in html


def test_waiting_lists(cast, dati):
    refresh_zona.delay(cast.zona.pk)
    html = client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_attesa", "zona")).content.decode()
    assert "2 domande non ancora decise" in html  # P-1 presentata, B-1 istruttoria


def test_refresh_button_runs_the_refresh_and_reports(cast, dati, django_capture_on_commit_callbacks):
    c = client_for(cast.coordinatore, cast.zona.ente)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = c.post(_url("statistiche_aggiornamenti", "zona"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(queued) == 1
    html = response.content.decode()
    assert 'data-stato="in_coda"' in html
    assert 'hx-trigger="every 2s"' in html
    assert set(Aggiornamento.objects.values_list("stato", flat=True)) == {"completato"}
    html = c.get(_url("statistiche_aggiornamenti", "zona"), HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<div id="aggiornamenti"')
    assert "hx-trigger" not in html
    assert 'data-stato="completato"' in html
    with tenant_context(cast.zona.ente):
        entry = AuditEntry.objects.get(action="statistiche.aggiornamento_avviato")
    assert entry.actor_id == cast.coordinatore.pk
    assert entry.payload == {"enti": 3, "completo": False}  # two comuni and the zone
    assert client_for(cast.osservatore, cast.zona.ente).post(
        _url("statistiche_aggiornamenti", "zona")).status_code == 404


def test_region_page_for_the_observer_only(cast, dati):
    refresh_zona.delay(cast.zona.pk)
    url = _url("indicatori_regione", "regione")
    response = client_for(cast.osservatore, cast.regione.ente).get(url, {"anno": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    # 3 people in the zone: under the threshold, shown as "< 5", and its rate hidden too
    assert "&lt; 5" in html
    assert 'data-soppressa="primaria"' in html
    assert "2.284,66" in html  # money is not suppressed
    for user in (cast.coordinatore, cast.by_role["dirigente"], cast.outsider):
        assert client_for(user, cast.regione.ente).get(url).status_code == 404


def test_region_small_cells_threshold_is_a_setting(cast, dati, settings):
    settings.AMBITO_SMALL_CELL_THRESHOLD = 2
    refresh_zona.delay(cast.zona.pk)
    html = client_for(cast.osservatore, cast.regione.ente).get(
        _url("indicatori_regione", "regione"), {"anno": 2025}).content.decode()
    assert "&lt; 2" in html
    assert "&lt; 5" not in html


def test_comune_page_beside_the_zone_average(cast, dati, settings):
    settings.AMBITO_SMALL_CELL_THRESHOLD = 1  # nothing hidden: the figures are compared
    refresh_zona.delay(cast.zona.pk)
    url = _url("statistiche_comune", "comune")
    response = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(url, {"anno": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="persone">2<' in html
    assert 'data-figure="liquidato">1.834,56<' in html
    assert client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(url).status_code == 200
    assert client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(url).status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).get(url).status_code == 404
    assert client_for(cast.coordinatore, cast.comune_a.ente).get(url).status_code == 404


def test_a_failed_comune_shows_on_the_page(cast, dati, monkeypatch):
    real = aggregation.estrai_comune

    def flaky(*, since, residenza=False):
        from django.db import connection

        if connection.schema_name == cast.comune_b.ente.schema_name:
            raise TimeoutError
        return real(since=since, residenza=residenza)

    monkeypatch.setattr(aggregation, "estrai_comune", flaky)
    refresh_zona.delay(cast.zona.pk)
    html = client_for(cast.coordinatore, cast.zona.ente).get(
        _url("statistiche_aggiornamenti", "zona")).content.decode()
    assert f'data-comune="{cast.comune_b.istat_code}" data-stato="errore"' in html
    assert "Aggiornamento non riuscito (TimeoutError" in html
    assert f'data-comune="{cast.comune_a.istat_code}" data-stato="completato"' in html


def test_zone_report_query_count_does_not_grow_with_the_data(cast, dati,
                                                             django_assert_max_num_queries):
    from zone.statistiche.selectors import report_zona

    refresh_zona.delay(cast.zona.pk)
    # ~17 queries (two for the zone's own share), each preceded by django-tenants' SET search_path
    with django_assert_max_num_queries(34):
        report_zona(cast.zona, 2025)


def test_the_cached_report_follows_each_refresh(cast, dati):
    from services.interventi.models import Intervento

    refresh_zona.delay(cast.zona.pk)
    c = client_for(cast.coordinatore, cast.zona.ente)
    url = _url("statistiche_zona", "zona")
    assert 'data-figure="persone">3<' in c.get(url, {"anno": 2025}).content.decode()
    with tenant_context(cast.comune_b.ente):
        i = Intervento.objects.get(pk=dati.interventi["b2"].pk)
        i.stato = "annullato"
        i.save(update_fields=["stato", "updated_at"])
    # not refreshed yet: the store, and the page, still say 3
    assert 'data-figure="persone">3<' in c.get(url, {"anno": 2025}).content.decode()
    refresh_zona.delay(cast.zona.pk)
    assert 'data-figure="persone">2<' in c.get(url, {"anno": 2025}).content.decode()


def test_the_report_is_ready_in_cache_when_the_last_comune_is_refreshed(cast, dati):
    from django.core.cache import cache

    from zone.statistiche.selectors import CACHE_SHAPE, versione_zona

    refresh_zona.delay(cast.zona.pk)
    report = cache.get(f"statistiche:{CACHE_SHAPE}:5:zona:2025:{versione_zona(cast.zona)}")
    assert report is not None
    assert report.persone == 3
