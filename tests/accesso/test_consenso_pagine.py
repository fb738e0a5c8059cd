"""Consent on the pages: what the operator is told after a refusal, and the person's page
showing the answer in force (with a form to record a new one)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tenants.utils import tenant_context

from services.accesso.models import Consenso, SchedaAccesso
from services.accesso.selectors import consenso_attuale
from services.accesso.services import consenso_registra, scheda_create
from services.anagrafica.services import Actor
from tests.conftest import client_for

from .conftest import nuova, registered


def _ag(actor: Actor) -> SchedaAccesso:
    return scheda_create(actor=actor, interlocutore_tipo="autorita_giudiziaria",
                         canale="lettera", utente=nuova(),
                         interlocutore_ente="Tribunale per i minorenni di Firenze",
                         provvedimento_numero="77/2026", provvedimento_data=date(2026, 1, 5))


def test_refusal_after_a_court_order_says_the_service_goes_on(cast):
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["operatore_sportello"], "10.0.0.1")
        minore = _ag(actor).utente
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/accesso/nuova/", {
        "data_contatto": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "canale": "persona", "interlocutore_tipo": "utente", "consenso": "negato",
        "consenso_modalita": "verbale", "utente_id": str(minore.public_id),
        "bisogno_espresso": "Colloquio dopo il decreto"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "non ferma il servizio" in text
    assert "77/2026" in text
    assert "non può attivare aiuti" not in text
    with tenant_context(cast.comune_a.ente):
        scheda = SchedaAccesso.objects.filter(utente=minore).order_by("-id").first()
        assert scheda.interlocutore_tipo == "utente"
        assert scheda.consenso.stato == Consenso.Stato.NEGATO


def test_person_page_shows_the_refusal_in_force(cast):
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["operatore_sportello"], "10.0.0.1")
        known = registered(actor)
        consenso_registra(actor=actor, persona=known, stato="concesso", data=date(2025, 1, 1))
        scheda_create(actor=actor, interlocutore_tipo="utente", canale="persona",
                      utente=known, consenso="negato")
    page = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(
        f"/anagrafica/{known.public_id}/").content.decode()
    start = page.index('id="consenso-in-vigore"')
    assert "Negato" in page[start:start + 300]
    assert 'id="consenso-storia"' in page


def test_recording_a_refusal_from_the_person_page(cast):
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["operatore_sportello"], "10.0.0.1")
        known = registered(actor)
        consenso_registra(actor=actor, persona=known, stato="concesso", data=date(2025, 1, 1))
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    url = f"/accesso/consenso/{known.public_id}/"
    bad = client.post(url, {"stato": "negato", "data": "2999-01-01", "modalita": "scritto"})
    assert bad.status_code == 200
    assert "non può essere nel futuro" in bad.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert consenso_attuale(known).stato == Consenso.Stato.CONCESSO
    done = client.post(url, {"stato": "negato", "data": timezone.localdate().isoformat(),
                             "modalita": "verbale"}, follow=True)
    assert "Negato registrato" in done.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert consenso_attuale(known).stato == Consenso.Stato.NEGATO


def test_recording_a_refusal_after_a_court_order_says_the_service_goes_on(cast):
    with tenant_context(cast.comune_a.ente):
        minore = _ag(Actor(cast.by_role["operatore_sportello"], "10.0.0.1")).utente
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    done = client.post(f"/accesso/consenso/{minore.public_id}/", {
        "stato": "negato", "data": timezone.localdate().isoformat(), "modalita": "scritto"},
        follow=True)
    assert "non ferma il servizio" in done.content.decode()


def test_only_the_operators_who_collect_consent_record_it(cast):
    with tenant_context(cast.comune_a.ente):
        known = registered(Actor(cast.by_role["operatore_sportello"], "10.0.0.1"))
    url = f"/accesso/consenso/{known.public_id}/"
    data = {"stato": "negato", "data": timezone.localdate().isoformat(), "modalita": "scritto"}
    assert client_for(cast.by_role["educatore"], cast.comune_a.ente).post(url, data
                                                                         ).status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).post(url, data).status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert consenso_attuale(known) is None
