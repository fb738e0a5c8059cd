"""LSU pages: who reaches them, the new contract from an extracted declaration, the
monthly hours form with its refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from services.lsu.models import Compenso, Contratto, Dichiarazione, Progetto
from tests.conftest import client_for

from .conftest import fine_anno, inizio_anno

ALLOWED = ["assistente_sociale", "amministrativo", "dirigente"]
FORBIDDEN = ["operatore_sportello", "educatore", "psicologo"]


def _urls(contratto, dichiarazione) -> list[tuple[str, str]]:
    c = f"/lsu/{contratto.public_id}/"
    return [
        ("get", "/lsu/"),
        ("get", "/lsu/nuovo/"),
        ("get", "/lsu/dichiarazioni/"),
        ("get", "/lsu/dichiarazioni/nuova/"),
        ("get", "/lsu/progetti/"),
        ("get", c),
        ("post", c + "compensi/"),
        ("post", c + "cessa/"),
        ("post", f"/lsu/dichiarazioni/{dichiarazione.public_id}/ritira/"),
    ]


def _hit(client, method, url):
    connection.set_schema_to_public()
    return getattr(client, method)(url)


@pytest.mark.parametrize("role", ALLOWED)
def test_pages_open_for_allowed_roles(cast, contratto, dichiarazione, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for method, url in _urls(contratto, dichiarazione):
        if method == "get":
            assert _hit(client, method, url).status_code == 200, url


@pytest.mark.parametrize("role", FORBIDDEN)
def test_pages_forbidden_to_other_roles(cast, contratto, dichiarazione, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for method, url in _urls(contratto, dichiarazione):
        assert _hit(client, method, url).status_code == 403, url


def test_outsider_gets_404(cast, contratto, dichiarazione):
    client = client_for(cast.outsider, cast.comune_a.ente)
    for method, url in _urls(contratto, dichiarazione):
        assert _hit(client, method, url).status_code == 404, url


def test_lists_pin_queries(cast, in_a, contratto, progetto, servizio,
                           django_assert_max_num_queries):
    from services.lsu.services import contratto_crea, dichiarazione_registra
    from tests.cartella.conftest import new_persona

    for _n in range(4):
        persona = new_persona(in_a)
        dichiarazione_registra(actor=in_a, persona=persona, data=inizio_anno(),
                               disponibilita="intera")
        contratto_crea(actor=in_a, persona=persona, progetto=progetto, servizio=servizio,
                       data_inizio=inizio_anno(), data_fine=fine_anno(),
                       ore_settimanali=Decimal("10"), compenso_orario=Decimal("7"))
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    with django_assert_max_num_queries(20):
        page = client.get("/lsu/")
    assert contratto.numero in page.content.decode()
    with django_assert_max_num_queries(20):
        page = client.get("/lsu/dichiarazioni/")
    assert page.content.decode().count("?dichiarazione=") == 5


def test_contract_from_declaration(cast, in_a, dichiarazione, progetto, servizio):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    form = client.get(f"/lsu/nuovo/?dichiarazione={dichiarazione.public_id}").content.decode()
    assert dichiarazione.persona.codice_fiscale in form
    data = {"persona": dichiarazione.persona.codice_fiscale, "progetto": progetto.pk,
            "servizio": servizio.pk, "data_inizio": fine_anno().isoformat(),
            "data_fine": inizio_anno().isoformat(), "ore_settimanali": "20",
            "compenso_orario": "7,50", "dichiarazione": str(dichiarazione.public_id)}
    bad = client.post("/lsu/nuovo/", data)
    assert bad.status_code == 400
    assert "precede l&#x27;inizio" in bad.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Contratto.objects.exists()
    ok = client.post("/lsu/nuovo/", {**data, "data_inizio": inizio_anno().isoformat(),
                                     "data_fine": fine_anno().isoformat()})
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        contratto = Contratto.objects.get()
        assert contratto.dichiarazione == dichiarazione
        assert contratto.compenso_orario == Decimal("7.50")


def test_hours_form(cast, in_a, contratto):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/lsu/{contratto.public_id}/compensi/"
    mese = inizio_anno().strftime("%Y-%m")
    bad = client.post(url, {"mese": mese, "ore": "-4"})
    assert bad.status_code == 400
    assert "più di zero" in bad.content.decode()
    ok = client.post(url, {"mese": mese, "ore": "12,25"})
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        compenso = Compenso.objects.get()
        assert compenso.importo == Decimal("89.79")  # 12.25 × 7.33 = 89.7925
    page = client.get(f"/lsu/{contratto.public_id}/").content.decode()
    assert "89,79" in page or "89.79" in page


def test_declaration_and_project_pages(cast, in_a, persona):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    bad = client.post("/lsu/dichiarazioni/nuova/", {"persona": "XXXXXX00X00X000X",
                                                     "data": inizio_anno().isoformat(),
                                                     "disponibilita": "mattina"})
    assert bad.status_code == 400
    assert "Nessuna persona in anagrafica" in bad.content.decode()
    ok = client.post("/lsu/dichiarazioni/nuova/", {"persona": persona.codice_fiscale.lower(),
                                                    "data": inizio_anno().isoformat(),
                                                    "disponibilita": "mattina",
                                                    "competenze": "archivio"})
    assert ok.status_code == 302
    assert persona.cognome in client.get("/lsu/dichiarazioni/?competenze=archivio").content.decode()
    assert client.post("/lsu/progetti/", {"nome": "Archivio", "data_inizio": "2026-03-01",
                                          "data_fine": "2026-02-01"}).status_code == 400
    assert client.post("/lsu/progetti/", {"nome": "Archivio", "data_inizio": "2026-03-01"}
                       ).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Dichiarazione.objects.count() == 1
        assert Progetto.objects.filter(nome="Archivio").exists()


def test_extraction_csv(cast, in_a, dichiarazione):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    page = client.get("/lsu/dichiarazioni/?competenze=giardinaggio").content.decode()
    assert "competenze=giardinaggio&amp;formato=csv" in page
    resp = client.get("/lsu/dichiarazioni/?competenze=giardinaggio&formato=csv")
    assert resp["Content-Type"].startswith("text/csv")
    lines = resp.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Cognome;Nome;Codice fiscale")
    assert len(lines) == 2
    assert dichiarazione.persona.codice_fiscale in lines[1]
    assert ";20,00;" in lines[1]
    empty = client.get("/lsu/dichiarazioni/?competenze=idraulica&formato=csv")
    assert len(empty.content.decode("utf-8-sig").splitlines()) == 1
