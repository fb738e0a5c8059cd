"""The segretariato's figures: contacts of a period by front office, channel, interlocutor,
need, service asked for, outcome and referral; the page, its chart data and the Excel."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from services.accesso.cifre import segretariato_cifre
from services.accesso.services import risorsa_create, scheda_close, scheda_create
from services.accesso.sportelli import sportello_create
from services.anagrafica.services import Actor
from tenants.roles import ROLE_CAPABILITIES, Role
from tests.conftest import client_for

from .conftest import nuova

COMUNE_ROLES = [r.value for r in Role if r not in (Role.COORDINATORE_ZONA,
                                                   Role.OSSERVATORE_REGIONALE)]


@pytest.fixture
def contatti(in_a, sportello):
    """Two front offices, four contacts this year (one without front office, as old data)
    and one of two years ago."""
    dirigente = Actor(in_a.by_role["dirigente"], None)
    centro = sportello_create(actor=dirigente, nome="Sportello centro")
    nord = sportello_create(actor=dirigente, nome="Sportello nord")
    casa = risorsa_create(actor=dirigente, nome="Centro diurno Il Girasole", tipo="cooperativa")
    now = timezone.now()
    a = scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono",
                      sportello=centro, area_bisogno="anziani", data=now)
    scheda_close(actor=sportello, scheda=a, esito="invio_servizio", risorse=[casa])
    b = scheda_create(actor=sportello, interlocutore_tipo="utente", canale="persona",
                      sportello=centro, utente=nuova(), consenso="concesso",
                      servizio_richiesto="Contributo economico", data=now)
    scheda_close(actor=sportello, scheda=b, esito="inoltro_as")
    scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="persona",
                  sportello=nord, data=now, servizio_richiesto="")
    scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="telefono", data=now)
    scheda_create(actor=sportello, interlocutore_tipo="anonimo", canale="email",
                  sportello=nord, data=now - timedelta(days=800))
    return {"centro": centro, "nord": nord}


def _tab(cifre, chiave):
    return dict(next(t for t in cifre.tabelle if t.chiave == chiave).righe)


def test_figures_by_every_breakdown(contatti):
    oggi = timezone.localdate()
    cifre = segretariato_cifre(dal=oggi.replace(month=1, day=1), al=oggi)
    assert cifre.totale == 4  # anonymous contacts count; the old one is out of the period
    assert _tab(cifre, "sportello") == {"Sportello centro": 2, "Sportello nord": 1,
                                        "Non indicato": 1}
    assert _tab(cifre, "canale") == {"Di persona": 2, "Telefono": 2}
    assert _tab(cifre, "interlocutore") == {"Contatto anonimo": 3,
                                            "La persona in stato di bisogno": 1}
    assert _tab(cifre, "bisogno") == {"Anziani": 1, "Non indicato": 3}
    assert _tab(cifre, "richiesta") == {"Contributo economico": 1, "Non indicato": 3}
    assert _tab(cifre, "esito") == {"Invio a un servizio / risorsa": 1,
                                    "Inoltro all'assistente sociale": 1, "Ancora aperta": 2}
    assert _tab(cifre, "invio") == {"Inoltro all'assistente sociale": 1,
                                    "Risorsa: Centro diurno Il Girasole": 1}
    assert cifre.incrocio["labels"] == ["Sportello centro", "Sportello nord", "Non indicato"]
    assert {d["canale"]: d["data"] for d in cifre.incrocio["datasets"]} == {
        "persona": [1, 1, 0], "telefono": [1, 0, 1]}


def test_figures_of_one_front_office(contatti):
    oggi = timezone.localdate()
    cifre = segretariato_cifre(dal=oggi - timedelta(days=1000), al=oggi,
                               sportello=contatti["nord"])
    assert cifre.totale == 2
    assert _tab(cifre, "canale") == {"Di persona": 1, "Email / PEC": 1}


def test_services_asked_for_group_regardless_of_case(in_a, sportello):
    for value in ("Contributo  economico", "contributo economico", "Pasti a domicilio"):
        scheda_create(actor=sportello, interlocutore_tipo="utente", canale="persona",
                      utente=nuova(), consenso="concesso", servizio_richiesto=value)
    oggi = timezone.localdate()
    assert _tab(segretariato_cifre(dal=oggi, al=oggi), "richiesta") == {
        "Contributo economico": 2, "Pasti a domicilio": 1}


@pytest.mark.parametrize("role", COMUNE_ROLES)
def test_page_by_role(cast, role):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get("/accesso/cifre/")
    caps = {"view_statistiche", "view_zone_reports"}
    assert response.status_code == (200 if caps & ROLE_CAPABILITIES[role] else 403)


def test_page_is_404_for_another_comune(cast):
    assert client_for(cast.outsider, cast.comune_a.ente).get("/accesso/cifre/").status_code == 404


def test_the_dirigente_reads_the_page_chart_and_excel(cast, contatti):
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = c.get("/accesso/cifre/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["cifre"].totale == 4
    assert 'id="segretariato-chart-data"' in html
    assert "js/segretariato-cifre.js" in html
    found = re.search(r'<script id="segretariato-chart-data" type="application/json">(.*?)'
                      r"</script>", html, re.S)
    assert found is not None
    chart = json.loads(found.group(1))
    assert chart["labels"] == ["Sportello centro", "Sportello nord", "Non indicato"]
    # The chart's code is the static file's, not an inline script of the page.
    assert "new window.Chart" not in html
    assert "Chart(" not in html
    xlsx = c.get("/accesso/cifre/?formato=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert "Per sportello" in wb.sheetnames
    rows = [tuple(r) for r in wb["Per sportello"].iter_rows(values_only=True)]
    assert rows == [("Per sportello", "Contatti"), ("Sportello centro", 2),
                    ("Sportello nord", 1), ("Non indicato", 1)]
    with tenant_context(cast.comune_a.ente):
        from services.core.models import AuditEntry

        download = AuditEntry.objects.filter(action="export.scaricato").latest("id")
    assert download.actor_id == cast.by_role["dirigente"].pk
    assert download.payload["formato"] == "xlsx"


def test_bad_period_or_foreign_front_office_is_a_clear_error(cast, contatti):
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    response = c.get("/accesso/cifre/?dal=2026-05-01&al=2026-04-01")
    assert response.status_code == 400
    assert "La data di inizio è successiva a quella di fine." in response.content.decode()
    with tenant_context(cast.comune_b.ente):
        altro = sportello_create(actor=Actor(cast.outsider, None), nome="Sportello di Assisi")
    response = c.get(f"/accesso/cifre/?sportello={altro.public_id}&formato=xlsx")
    assert response.status_code == 400
    assert "Scegli uno sportello di questo ente." in response.content.decode()


def test_the_coordinator_reads_the_districts_figures(cast):
    with tenant_context(cast.zona.ente):
        pua = sportello_create(actor=Actor(cast.coordinatore, None), nome="PUA di zona")
        scheda_create(actor=Actor(cast.coordinatore, None), interlocutore_tipo="anonimo",
                      canale="telefono", sportello=pua)
    page = client_for(cast.coordinatore, cast.zona.ente).get("/accesso/cifre/")
    assert page.status_code == 200
    assert _tab(page.context["cifre"], "sportello") == {"PUA di zona": 1}
