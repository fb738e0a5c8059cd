"""The pages of providers, invoices, home care and placements: every URL against every
role (the outsider of comune B gets 404), the invoice entry and its check through the page,
the dirigente's acceptance, and what social workers see of people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.cartella.services import cartella_apri
from services.domiciliare.models import Rendiconto
from services.domiciliare.services import piano_create, rendiconto_registra
from services.fornitori.models import Fattura, Fornitore
from services.fornitori.services import RigaInput, fattura_create
from services.ricoveri.models import Presenza
from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create
from tenants.roles import ROLE_CAPABILITIES, Role
from tests.conftest import client_for

from .conftest import IBAN, intervento, piva

D = Decimal
MARZO = date(2025, 3, 1)
COMUNE_ROLES = [r.value for r in Role if r not in (Role.COORDINATORE_ZONA,
                                                   Role.OSSERVATORE_REGIONALE)]


@pytest.fixture
def pieno(scena):
    """One of everything: a guest with presences and an invoice, a home-care plan with its
    statement."""
    struttura = struttura_create(actor=scena.actor, fornitore=scena.gestore,
                                 nome="RSA San Martino", posti=3)
    ricovero = ricovero_autorizza(actor=scena.actor, intervento=intervento(scena.actor, "ricovero"),
                                  struttura=struttura, contratto=scena.contratto_rsa,
                                  dal=date(2025, 2, 1), quota_utente=D("25"))
    presenze_registra(actor=scena.actor, ricovero=ricovero, mese=MARZO, giorni=20)
    fattura = fattura_create(
        actor=scena.actor, contratto=scena.contratto_rsa, numero="12", data=date(2025, 4, 5),
        competenza=MARZO, importo_totale=D("1260.00"),
        righe=[RigaInput(intervento=ricovero.intervento, quantita=D("21"), importo=D("1260.00"))])
    piano = piano_create(actor=scena.actor, intervento=intervento(scena.actor, "domiciliare"),
                         contratto=scena.contratto_sad, ore_mensili=D("30"), dal=date(2025, 2, 1))
    rendiconto = rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                                     ricevuto_il=date(2025, 4, 2), ore={piano: D("28")})
    return {"scena": scena, "ricovero": ricovero, "fattura": fattura, "piano": piano,
            "rendiconto": rendiconto, "struttura": struttura}


def _pages(p: dict) -> dict[str, str]:
    """GET pages -> the capability they declare."""
    s = p["scena"]
    return {
        "/fornitori/": "manage_fornitori",
        "/fornitori/nuovo/": "manage_fornitori",
        f"/fornitori/{s.coop.public_id}/": "manage_fornitori",
        f"/fornitori/{s.coop.public_id}/modifica/": "manage_fornitori",
        f"/fornitori/{s.gestore.public_id}/": "manage_fornitori",
        f"/fornitori/{s.coop.public_id}/contratti/nuovo/": "manage_fornitori",
        f"/fornitori/contratti/{s.contratto_rsa.public_id}/": "manage_fornitori",
        "/fornitori/fatture/": "manage_fornitori",
        "/fornitori/fatture/nuova/": "manage_fornitori",
        f"/fornitori/fatture/nuova/?contratto={s.contratto_rsa.public_id}": "manage_fornitori",
        f"/fornitori/fatture/{p['fattura'].public_id}/": "manage_fornitori",
        "/domiciliare/": "manage_fornitori|propose_intervento",
        "/domiciliare/?mese=2025-03": "manage_fornitori|propose_intervento",
        "/domiciliare/piani/nuovo/": "manage_fornitori|propose_intervento",
        "/domiciliare/rendiconti/nuovo/": "manage_fornitori",
        f"/domiciliare/rendiconti/nuovo/?contratto={s.contratto_sad.public_id}&mese=2025-04":
            "manage_fornitori",
        f"/domiciliare/rendiconti/{p['rendiconto'].public_id}/": "manage_fornitori",
        "/ricoveri/": "manage_fornitori|propose_intervento",
        "/ricoveri/strutture/nuova/": "manage_fornitori",
        "/ricoveri/autorizza/": "manage_fornitori",
        "/ricoveri/presenze/": "manage_fornitori",
        f"/ricoveri/presenze/?struttura={p['struttura'].public_id}&mese=2025-03":
            "manage_fornitori",
        f"/ricoveri/strutture/nuova/?fornitore={s.gestore.public_id}": "manage_fornitori",
    }


def _allowed(role: str, declared: str) -> bool:
    return any(cap in ROLE_CAPABILITIES[role] for cap in declared.split("|"))


@pytest.mark.parametrize("role", COMUNE_ROLES)
def test_every_page_against_every_role(cast, pieno, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for url, capability in _pages(pieno).items():
        expected = 200 if _allowed(role, capability) else 403
        assert client.get(url).status_code == expected, (role, url)


def test_the_outsider_of_comune_b_gets_404_everywhere(cast, pieno):
    client = client_for(cast.outsider, cast.comune_a.ente)
    urls = [*_pages(pieno),
            f"/ricoveri/{pieno['ricovero'].public_id}/"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    f = pieno["fattura"].public_id
    r = pieno["ricovero"].public_id
    for url in [f"/fornitori/fatture/{f}/accetta/", f"/fornitori/fatture/{f}/contesta/",
                f"/fornitori/fatture/{f}/ricontrolla/", f"/ricoveri/{r}/presenze/",
                f"/ricoveri/{r}/dimissione/"]:
        assert client.post(url, {"accetta-motivazione": "x", "giorni": "1"}).status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert Fattura.objects.get().stato == Fattura.Stato.CON_DISCREPANZE


def test_the_views_declare_what_the_menu_expects(cast):
    from django.urls import resolve, set_urlconf

    set_urlconf("ambito.urls.comune")
    try:
        assert resolve("/domiciliare/").func.required_capability == \
            "manage_fornitori|propose_intervento"
        assert resolve("/ricoveri/").func.required_capability == \
            "manage_fornitori|propose_intervento"
        assert resolve("/fornitori/").func.required_capability == "manage_fornitori"
        assert resolve("/fornitori/fatture/").func.required_capability == "manage_fornitori"
    finally:
        set_urlconf(None)


# --- providers ------------------------------------------------------------------------------


def test_a_provider_is_created_from_the_page_and_bad_data_is_shown(cast, scena):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    data = {"ragione_sociale": "Cooperativa Aurora", "tipo": "cooperativa",
            "codice_fiscale": piva(31337), "partita_iva": "01234567890", "iban": IBAN}
    response = client.post("/fornitori/nuovo/", data)
    assert response.status_code == 400
    assert "cifra di controllo" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Fornitore.objects.filter(ragione_sociale="Cooperativa Aurora").exists()
    data["partita_iva"] = piva(31337)
    response = client.post("/fornitori/nuovo/", data)
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        f = Fornitore.objects.get(ragione_sociale="Cooperativa Aurora")
    assert response["Location"] == f"/fornitori/{f.public_id}/"
    page = client.get("/fornitori/").content.decode()
    assert "Cooperativa Aurora" in page


# --- invoices -------------------------------------------------------------------------------


def _post_fattura(client, p, **changes):
    s, ricovero = p["scena"], p["ricovero"]
    pk = ricovero.intervento.pk
    data = {"numero": "13", "data": "2025-04-20", "competenza": "2025-03",
            "importo_totale": "1200,00", f"q_{pk}": "20", f"t_{pk}": "85,00",
            f"i_{pk}": "1200,00", "note": ""}
    data.update(changes)
    return client.post(f"/fornitori/fatture/nuova/?contratto={s.contratto_rsa.public_id}", data)


def test_an_invoice_entered_on_the_page_is_checked(cast, pieno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    form = client.get(
        f"/fornitori/fatture/nuova/?contratto={pieno['scena'].contratto_rsa.public_id}")
    assert pieno["ricovero"].intervento.persona.nome_completo in form.content.decode()
    response = _post_fattura(client, pieno)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Verificata" in page
    assert 'id="nessuna-discrepanza"' in page


def test_a_duplicate_number_on_the_page(cast, pieno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post_fattura(client, pieno, numero="12")
    assert response.status_code == 400
    assert "ha già una fattura n. 12 nel 2025" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert Fattura.objects.count() == 1


def test_a_half_filled_row_is_refused(cast, pieno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    pk = pieno["ricovero"].intervento.pk
    response = _post_fattura(client, pieno, **{f"i_{pk}": ""})
    assert response.status_code == 400
    assert "sia la quantità sia l&#x27;importo" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert Fattura.objects.count() == 1


def test_discrepancies_are_listed_and_the_dirigente_accepts(cast, pieno):
    url = f"/fornitori/fatture/{pieno['fattura'].public_id}/"
    amministrativo = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    page = amministrativo.get(url).content.decode()
    assert "fatturati 21 giorni, riscontrati 20" in page
    assert 'id="accetta-form"' not in page  # the dirigente's
    assert 'id="contesta-form"' in page
    assert amministrativo.post(url + "accetta/", {"accetta-motivazione": "ok"}).status_code == 403
    listing = amministrativo.get("/fornitori/fatture/").content.decode()
    assert "1 discrepanza" in listing

    dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert 'id="accetta-form"' in dirigente.get(url).content.decode()
    response = dirigente.post(url + "accetta/", {"accetta-motivazione": ""})
    assert response.status_code == 400
    with tenant_context(cast.comune_a.ente):
        assert Fattura.objects.get().stato == Fattura.Stato.CON_DISCREPANZE
    response = dirigente.post(url + "accetta/",
                              {"accetta-motivazione": "Rientro concordato il 31/03"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        f = Fattura.objects.get()
    assert f.stato == Fattura.Stato.ACCETTATA
    assert f.motivazione == "Rientro concordato il 31/03"
    # No longer among those to check.
    assert "1 discrepanza" not in amministrativo.get("/fornitori/fatture/").content.decode()


def test_the_invoice_list_has_a_fixed_number_of_queries(cast, pieno,
                                                        django_assert_max_num_queries):
    s = pieno["scena"]
    with tenant_context(cast.comune_a.ente):
        for n in range(5):
            fattura_create(
                actor=s.actor, contratto=s.contratto_rsa, numero=f"X{n}", data=date(2025, 4, 6),
                competenza=MARZO, importo_totale=D("60.00"),
                righe=[RigaInput(intervento=pieno["ricovero"].intervento, quantita=D("1"),
                                 importo=D("60.00"))])
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    client.get("/fornitori/fatture/")
    with django_assert_max_num_queries(20):
        response = client.get("/fornitori/fatture/?stato=tutte")
    assert response.content.decode().count("/fornitori/fatture/") >= 6


# --- home care and placements ----------------------------------------------------------------


def test_a_monthly_statement_entered_on_the_page(cast, pieno):
    s = pieno["scena"]
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/domiciliare/rendiconti/nuovo/?contratto={s.contratto_sad.public_id}&mese=2025-04"
    form = client.get(url).content.decode()
    assert pieno["piano"].intervento.persona.nome_completo in form
    bad = client.post(url, {"ricevuto_il": "2025-05-02", f"ore_{pieno['piano'].pk}": "-3"})
    assert bad.status_code == 400
    ok = client.post(url, {"ricevuto_il": "2025-05-02", f"ore_{pieno['piano'].pk}": "31,5"})
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        r = Rendiconto.objects.get(mese=date(2025, 4, 1))
        assert r.righe.get().ore == D("31.50")
    page = client.get("/domiciliare/?mese=2025-04").content.decode()
    assert "31,50" in page or "31.50" in page


def test_social_workers_see_only_the_people_of_their_cases(cast, pieno):
    s = pieno["scena"]
    assistente = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    nome_sad = pieno["piano"].intervento.persona.nome_completo
    nome_rsa = pieno["ricovero"].intervento.persona.nome_completo
    assert nome_sad not in assistente.get("/domiciliare/?mese=2025-03").content.decode()
    ricovero_url = f"/ricoveri/{pieno['ricovero'].public_id}/"
    assert assistente.get(ricovero_url).status_code == 404
    with tenant_context(cast.comune_a.ente):
        from services.anagrafica.services import Actor

        worker = Actor(cast.by_role["assistente_sociale"])
        for persona in (pieno["piano"].intervento.persona, pieno["ricovero"].intervento.persona):
            cartella_apri(actor=worker, persona=persona, area_target="anziani",
                          data=date(2025, 1, 5))
    assert nome_sad in assistente.get("/domiciliare/?mese=2025-03").content.decode()
    page = assistente.get("/ricoveri/").content.decode()
    assert nome_rsa in page
    assert 'id="occupazione-table"' not in page
    detail = assistente.get(ricovero_url).content.decode()
    assert nome_rsa in detail
    assert 'id="presenze-form"' not in detail
    assert assistente.post(ricovero_url + "presenze/",
                           {"mese": "2025-04", "giorni": "3"}).status_code == 403
    assert s.coop  # the scene is shared


def test_occupancy_and_presences_on_the_pages(cast, pieno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    page = client.get("/ricoveri/").content.decode()
    assert "RSA San Martino" in page
    assert pieno["ricovero"].intervento.persona.nome_completo in page
    assert client.get(f"/ricoveri/{pieno['ricovero'].public_id}/").status_code == 200
    url = f"/ricoveri/{pieno['ricovero'].public_id}/"
    bad = client.post(url + "presenze/", {"mese": "2025-02", "giorni": "30"})
    assert bad.status_code == 400
    assert "I giorni di presenza vanno da 0 a 28" in bad.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Presenza.objects.filter(mese=date(2025, 2, 1)).exists()
    assert client.post(url + "presenze/", {"mese": "2025-02", "giorni": "27"}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Presenza.objects.get(mese=date(2025, 2, 1)).giorni == 27


def test_authorising_a_placement_on_the_page(cast, pieno):
    s = pieno["scena"]
    with tenant_context(cast.comune_a.ente):
        nuovo = intervento(s.actor, "ricovero")
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    form = client.get("/ricoveri/autorizza/").content.decode()
    assert nuovo.persona.nome_completo in form
    data = {"intervento": str(nuovo.public_id), "struttura": str(pieno["struttura"].public_id),
            "contratto": str(s.contratto_rsa.public_id), "dal": "2025-03-01",
            "tariffa_giornaliera": "", "quota_utente": "90"}
    bad = client.post("/ricoveri/autorizza/", data)
    assert bad.status_code == 400
    assert "quota dell&#x27;utente" in bad.content.decode()
    data["quota_utente"] = "20"
    assert client.post("/ricoveri/autorizza/", data).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert nuovo.ricovero.quota_ente == D("65.00")


def test_monthly_presences_on_the_page(cast, pieno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    r = pieno["ricovero"]
    url = f"/ricoveri/presenze/?struttura={pieno['struttura'].public_id}&mese=2025-03"
    page = client.get(url).content.decode()
    assert r.intervento.persona.nome_completo in page
    assert 'value="20"' in page  # March already recorded
    assert client.post(url, {f"giorni_{r.pk}": "40"}).status_code == 400
    assert client.post(url, {f"giorni_{r.pk}": "21"}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Presenza.objects.get(ricovero=r, mese=MARZO).giorni == 21
