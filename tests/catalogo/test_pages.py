"""The catalogue pages against the roles."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.roles import Role
from tests.conftest import client_for
from zone.catalogo.models import Edizione, VoceListino
from zone.catalogo.services import edizione_carica, listino_adotta, listino_voce_create

from .conftest import actor

ZONA_PAGES = ["/catalogo/", "/catalogo/?tipo=inps&q=A1&in_vigore=on", "/catalogo/listino/",
              "/catalogo/listino/nuova/"]


@pytest.mark.parametrize("path", ZONA_PAGES)
def test_the_coordinator_sees_the_zone_pages(cast, path):
    assert client_for(cast.coordinatore, cast.zona.ente).get(path).status_code == 200


@pytest.mark.parametrize("path", ZONA_PAGES)
@pytest.mark.parametrize("who", ["dirigente", "outsider", "osservatore"])
def test_others_get_404_on_the_zone_host(cast, path, who):
    user = {"dirigente": cast.by_role[Role.DIRIGENTE], "outsider": cast.outsider,
            "osservatore": cast.osservatore}[who]
    assert client_for(user, cast.zona.ente).get(path).status_code == 404


def test_retired_codes_are_marked(cast):
    edizione_carica(tipo="inps", codice="inps-2027", data=b"code\nA1.09\n",
                    in_vigore_dal=datetime.date(2027, 1, 1))
    html = client_for(cast.coordinatore, cast.zona.ente).get("/catalogo/?q=A1.0").content.decode()
    assert "Ritirato in inps-2027" in html
    assert "A1.09" in html


def test_the_list_shows_who_adopted_and_pins_queries(cast, voce_listino):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listino_adotta(actor=actor(cast.by_role["dirigente"]), voce=voce_listino, comune=cast.comune_a)
    c = client_for(cast.coordinatore, cast.zona.ente)
    with CaptureQueriesContext(connection) as one:
        html = c.get("/catalogo/listino/").content.decode()
    assert voce_listino.nome in html
    assert "Perugia" in html
    for n in range(3):
        voce = listino_voce_create(actor=actor(cast.coordinatore), zona=cast.zona,
                                   nome=f"Servizio {n}", tipo="altro", area_target="anziani",
                                   carattere="occasionale")
        listino_adotta(actor=actor(cast.outsider), voce=voce, comune=cast.comune_b)
    with CaptureQueriesContext(connection) as four:
        html = c.get("/catalogo/listino/").content.decode()
    assert html.count("Assisi") == 3
    assert len(four) == len(one)


def test_the_coordinator_adds_an_entry(cast):
    c = client_for(cast.coordinatore, cast.zona.ente)
    r = c.post("/catalogo/listino/nuova/", {
        "nome": "Trasporto sociale", "tipo": "altro", "area_target": "disabili",
        "carattere": "periodico", "tariffa": "3,50", "unita_tariffa": "prestazione",
        "attivo": "on"})
    assert r.status_code == 302, r.context["form"].errors
    assert VoceListino.objects.get(zona=cast.zona, nome="Trasporto sociale").tariffa is not None
    r = c.post("/catalogo/listino/nuova/", {"nome": "Senza unità", "tipo": "altro",
               "area_target": "disabili", "carattere": "periodico", "tariffa": "3"})
    assert r.status_code == 200
    assert "unità della tariffa" in r.content.decode()


def test_the_platform_admin_uploads_an_edition(cast):
    c = client_for(cast.superuser)
    assert c.get("/catalogo/").status_code == 200
    data = {"tipo": "nomenclatore", "codice": "n-2027", "titolo": "Prova",
            "in_vigore_dal": "2027-01-01",
            "file": SimpleUploadedFile("n.csv", b"code,name\nA1,Segretariato\n")}
    assert c.post("/catalogo/", data).status_code == 302
    assert Edizione.objects.filter(codice="n-2027").exists()
    bad = {**data, "codice": "n-2028", "in_vigore_dal": "2028-01-01",
           "file": SimpleUploadedFile("n.csv", b"code\nA1\nA1\n")}
    r = c.post("/catalogo/", bad)
    assert r.status_code == 200
    assert "ripetuto" in r.content.decode()
    assert not Edizione.objects.filter(codice="n-2028").exists()


@pytest.mark.parametrize("who", ["coordinatore", "dirigente", None])
def test_the_admin_page_is_404_for_everyone_else(cast, who):
    user = {"coordinatore": cast.coordinatore, "dirigente": cast.by_role["dirigente"],
            None: None}[who]
    r = client_for(user).get("/catalogo/")
    assert r.status_code in (404, 302) if user is None else r.status_code == 404
