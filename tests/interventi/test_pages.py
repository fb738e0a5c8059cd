"""The intervention pages against every role, the proposal from a domanda, the decision
list, and no leak of a case file the reader may not see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.cartella.services import cartella_apri
from services.domande.models import Domanda
from services.interventi.models import Intervento
from services.pai.models import Notifica
from tests.conftest import client_for
from tests.interventi.conftest import approvato, una_tantum

READERS = {"assistente_sociale", "dirigente", "amministrativo"}
ROLES = ["assistente_sociale", "dirigente", "amministrativo", "educatore", "psicologo",
         "operatore_sportello"]


def _c(cast, role):
    return client_for(cast.by_role[role], cast.comune_a.ente)


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_by_role(cast, a, persona, servizio, role):
    i = una_tantum(a, persona, servizio)
    c = _c(cast, role)
    expected = 200 if role in READERS else 403
    for url in ["/servizi/interventi/", f"/servizi/interventi/{i.public_id}/",
                "/servizi/pagamenti/"]:
        assert c.get(url).status_code == expected, url
    propose = 200 if role == "assistente_sociale" else 403
    assert c.get("/servizi/interventi/nuovo/").status_code == propose
    decide = 200 if role == "dirigente" else 403
    assert c.get("/servizi/interventi/da-decidere/").status_code == decide


def test_the_outsider_gets_404_everywhere(cast, a, persona, servizio):
    i = una_tantum(a, persona, servizio)
    c = client_for(cast.outsider, cast.comune_a.ente)
    for url in ["/servizi/interventi/", f"/servizi/interventi/{i.public_id}/",
                "/servizi/interventi/nuovo/", "/servizi/interventi/da-decidere/"]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/servizi/interventi/{i.public_id}/decisione/",
                  {"decisione": "approva"}).status_code == 404
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.PROPOSTO


def test_a_missing_intervention_is_404(cast, a):
    c = _c(cast, "dirigente")
    assert c.get("/servizi/interventi/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_list_filters_and_its_query_count_is_pinned(cast, a, persona, servizio,
                                                         servizio_periodico):
    for n in range(5):
        una_tantum(a, persona, servizio, importo=f"{100 + n}.00")
    approvato(a, persona, servizio, data_inizio=date(2024, 2, 1))
    c = _c(cast, "dirigente")
    c.get("/servizi/interventi/")  # warm up (session, membership caches)
    with CaptureQueriesContext(connection) as few:
        r = c.get("/servizi/interventi/")
    assert r.status_code == 200
    assert r.content.decode().count("/servizi/interventi/") > 6
    for _n in range(10):
        una_tantum(a, persona, servizio_periodico, importo="0", importo_mensile=Decimal("10"))
    with CaptureQueriesContext(connection) as many:
        c.get("/servizi/interventi/")
    assert len(many) == len(few)
    assert "1 intervento" in c.get("/servizi/interventi/?anno=2024").content.decode()
    assert "5 interventi" in c.get(
        f"/servizi/interventi/?stato=proposto&servizio={servizio.public_id}").content.decode()
    assert "16 interventi" in c.get(
        f"/servizi/interventi/?persona={persona.cognome}").content.decode()
    assert "Nessun intervento" in c.get("/servizi/interventi/?persona=zzzzzz").content.decode()


def test_proposal_from_a_domanda_is_prefilled_and_saved(cast, a, persona, servizio):
    d = Domanda.objects.create(numero_protocollo="77/2025", data_protocollo=date(2025, 3, 1),
                               persona=persona, servizio=servizio,
                               importo_richiesto=Decimal("450.00"))
    c = _c(cast, "assistente_sociale")
    page = c.get(f"/servizi/interventi/nuovo/?domanda={d.public_id}").content.decode()
    assert persona.nome_completo in page
    assert "77/2025" in page
    assert 'value="450,00"' in page
    r = c.post(f"/servizi/interventi/nuovo/?domanda={d.public_id}", {
        "servizio": servizio.public_id, "data_inizio": "2025-03-15", "importo_totale": "450.00",
        "quota_ente": "400", "quota_utente": "50", "motivazione": "Bolletta arretrata"})
    assert r.status_code == 302
    i = Intervento.objects.get(domanda=d)
    assert (i.persona, i.importo_totale, i.stato) == (persona, Decimal("450.00"), "proposto")


def test_bad_proposal_says_why_and_saves_nothing(cast, a, persona, servizio):
    c = _c(cast, "assistente_sociale")
    r = c.post(f"/servizi/interventi/nuovo/?persona={persona.public_id}", {
        "servizio": servizio.public_id, "data_inizio": "2025-03-15", "importo_totale": "100",
        "quota_ente": "30", "quota_utente": "30"})
    assert r.status_code == 200
    assert "devono dare l&#x27;importo totale" in r.content.decode()
    assert not Intervento.objects.exists()


def test_choosing_the_person_by_search(cast, a, persona):
    c = _c(cast, "assistente_sociale")
    page = c.get(f"/servizi/interventi/nuovo/?q={persona.cognome}").content.decode()
    assert f"?persona={persona.public_id}" in page
    assert c.get("/servizi/interventi/nuovo/?persona=nonuuid").status_code == 404


def test_the_dirigente_decides_from_the_list(cast, a, persona, servizio):
    i = una_tantum(a, persona, servizio)
    c = _c(cast, "dirigente")
    assert persona.nome_completo in c.get("/servizi/interventi/da-decidere/").content.decode()
    r = c.post(f"/servizi/interventi/{i.public_id}/decisione/",
               {"decisione": "respingi", "motivazione": "", "next": "da_decidere"}, follow=True)
    assert "indica la motivazione" in r.content.decode()
    i.refresh_from_db()
    assert i.stato == "proposto"
    c.post(f"/servizi/interventi/{i.public_id}/decisione/",
           {"decisione": "approva", "next": "da_decidere"})
    i.refresh_from_db()
    assert i.stato == "approvato"
    assert Notifica.objects.filter(destinatario_id=cast.by_role["assistente_sociale"].pk).exists()
    assert "Nessuna proposta" in c.get("/servizi/interventi/da-decidere/").content.decode()
    # The social worker cannot decide.
    j = una_tantum(a, persona, servizio)
    assert _c(cast, "assistente_sociale").post(
        f"/servizi/interventi/{j.public_id}/decisione/", {"decisione": "approva"}).status_code == 403


def test_the_case_file_is_linked_only_for_who_may_read_it(cast, a, persona, servizio):
    caso = cartella_apri(actor=a.assistente_sociale, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")
    i = una_tantum(a, persona, servizio)
    assert i.cartella == caso
    assert i.presa_in_carico
    url = f"/servizi/interventi/{i.public_id}/"
    assert caso.numero in _c(cast, "assistente_sociale").get(url).content.decode()
    page = _c(cast, "amministrativo").get(url).content.decode()
    assert caso.numero not in page
    assert str(caso.public_id) not in page


def test_conclude_and_cancel_forms(cast, a, persona, servizio):
    i = approvato(a, persona, servizio)
    c = _c(cast, "assistente_sociale")
    r = c.post(f"/servizi/interventi/{i.public_id}/annulla/", {"motivo": ""})
    assert r.status_code == 400
    r = c.post(f"/servizi/interventi/{i.public_id}/annulla/", {"motivo": "Rinuncia"})
    assert r.status_code == 302
    i.refresh_from_db()
    assert i.stato == "annullato"
    assert i.pagamenti.get().stato == "annullato"
    assert _c(cast, "amministrativo").post(f"/servizi/interventi/{i.public_id}/annulla/",
                                           {"motivo": "x"}).status_code == 403


def test_the_case_history_page_lists_interventions_and_totals(cast, a, persona, servizio):
    caso = cartella_apri(actor=a.assistente_sociale, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")
    i = approvato(a, persona, servizio, importo="1234.50")
    page = _c(cast, "assistente_sociale").get(f"/cartelle/{caso.public_id}/storia/")
    text = page.content.decode()
    assert page.status_code == 200
    assert servizio.nome in text
    assert f"/servizi/interventi/{i.public_id}/" in text
    assert "Totale interventi 2025: 1.234,50 €" in text


def test_the_payments_list(cast, a, persona, servizio):
    approvato(a, persona, servizio, importo="80.00")
    c = _c(cast, "amministrativo")
    page = c.get("/servizi/pagamenti/").content.decode()
    assert persona.nome_completo in page
    assert "80,00 €" in page
    assert persona.nome_completo not in c.get("/servizi/pagamenti/?stato=liquidato").content.decode()


POSTS = {  # action -> roles allowed
    "decisione/": {"dirigente"},
    "concludi/": {"dirigente", "assistente_sociale"},
    "annulla/": {"dirigente", "assistente_sociale"},
    "determina/": {"dirigente", "amministrativo"},
    "pagamenti/": {"dirigente", "amministrativo"},
}


@pytest.mark.parametrize("role", ROLES)
def test_actions_by_role(cast, a, persona, servizio, role):
    """Refused roles get 403 and change nothing; allowed roles reach the action (a bad or
    empty form is a 400 or a redirect with a message, never a 403)."""
    i = approvato(a, persona, servizio)
    c = _c(cast, role)
    for action, allowed in POSTS.items():
        r = c.post(f"/servizi/interventi/{i.public_id}/{action}", {})
        if role in allowed:
            assert r.status_code in (302, 400), action
        else:
            assert r.status_code == 403, action
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.APPROVATO
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    for action in POSTS:
        assert outsider.post(f"/servizi/interventi/{i.public_id}/{action}",
                             {}).status_code == 404
