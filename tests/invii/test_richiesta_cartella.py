"""Gestione associata: the zone's social worker opens, in the zone's own schema, the case file
of a person a comune referred to a service the zone runs itself. The comune keeps its own
case file and sees only the request's state and answer."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella
from services.cartella.services import cartella_apri
from services.core.codice_fiscale import sesso_of
from services.core.errors import NotAllowed, NotFound, ValidationFailed
from services.core.models import AuditEntry
from services.invii import services as svc
from services.trasferimenti.models import RichiestaZonale, ServizioZonale
from tenants.models import User, Zona
from tenants.roles import Role
from tenants.services.members import membership_grant, user_create
from tests.conftest import client_for
from tests.factories import PASSWORD, person


def _user(email: str) -> User:
    p = person()
    return user_create(email=email, first_name=p.first_name, last_name=p.last_name,
                       password=PASSWORD, codice_fiscale=p.codice_fiscale)


@pytest.fixture
def assistente_ambito(cast) -> User:
    """The social worker of the ufficio di piano (a case-work role given in the zone)."""
    user = _user("as@ufficiodipiano.test")
    membership_grant(user=user, ente=cast.zona.ente, role=Role.ASSISTENTE_SOCIALE)
    return user


@pytest.fixture
def richiesta(cast, in_a, caso) -> RichiestaZonale:
    """A request of comune A to the zone's job-placement service, accepted by the office."""
    with tenant_context(cast.zona.ente):
        sil = svc.servizio_zonale_crea(actor=Actor(cast.coordinatore),
                                       nome="Servizio inserimento lavorativo",
                                       tipo="inserimento_lavorativo")
    svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil,
                          quesito="Tirocinio di inclusione " + "lungo " * 80,
                          consenso_data=date(2025, 3, 1), consenso_modalita="scritto")
    richiesta = RichiestaZonale.objects.get()
    with tenant_context(cast.zona.ente):
        svc.richiesta_zonale_gestisci(actor=Actor(cast.coordinatore),
                                      public_id=richiesta.public_id, esito="accolta")
    richiesta.refresh_from_db()
    return richiesta


def _apri(cast, user, richiesta) -> Cartella:
    with tenant_context(cast.zona.ente):
        return svc.richiesta_zonale_apri_cartella(actor=Actor(user), public_id=richiesta.public_id)


def _in_zona(cast, fn):
    with tenant_context(cast.zona.ente):
        return fn()


def test_opening_registers_the_person_and_opens_the_case_in_the_zone_only(
        cast, caso, richiesta, assistente_ambito):
    persone_comune = Persona.objects.count()
    cartella = _apri(cast, assistente_ambito, richiesta)
    with tenant_context(cast.zona.ente):
        persona = Persona.objects.get()
        assert (persona.codice_fiscale, persona.cognome) == (richiesta.codice_fiscale,
                                                             richiesta.cognome)
        assert persona.sesso == sesso_of(richiesta.codice_fiscale) == caso.persona.sesso
        stored = Cartella.objects.get()
        assert stored.public_id == cartella.public_id
        assert stored.persona == persona
        assert stored.area_target == richiesta.area_target
        assert stored.responsabile_id == assistente_ambito.pk
        motivo = stored.movimenti.get().motivo
        assert motivo.startswith("Invio da ")
        assert cast.comune_a.ente.name in motivo
        assert "Tirocinio di inclusione" in motivo
        assert len(motivo) < 300
        assert AuditEntry.objects.filter(action="ambito.richiesta_cartella_aperta").count() == 1
    richiesta.refresh_from_db()
    assert richiesta.cartella_ambito == cartella.public_id
    # Nothing new in the comune's schema: its case file stays the only one.
    assert Persona.objects.count() == persone_comune
    assert list(Cartella.objects.values_list("public_id", flat=True)) == [caso.public_id]


def test_a_second_call_returns_the_same_case(cast, richiesta, assistente_ambito):
    first = _apri(cast, assistente_ambito, richiesta)
    again = _apri(cast, assistente_ambito, richiesta)
    assert again.public_id == first.public_id
    with tenant_context(cast.zona.ente):
        assert Cartella.objects.count() == 1
        assert AuditEntry.objects.filter(action="ambito.richiesta_cartella_aperta").count() == 1


def test_a_person_already_registered_in_the_zone_is_reused(cast, richiesta, assistente_ambito):
    actor = Actor(assistente_ambito)
    cf = richiesta.codice_fiscale

    def register():
        return persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                              sesso=sesso_of(cf), data_nascita=richiesta.data_nascita,
                              codice_fiscale=cf)

    persona = _in_zona(cast, register)
    cartella = _apri(cast, assistente_ambito, richiesta)
    with tenant_context(cast.zona.ente):
        assert Persona.objects.count() == 1
        assert Cartella.objects.get(public_id=cartella.public_id).persona_id == persona.pk


def test_without_codice_fiscale_the_name_and_birth_date_find_the_person(
        cast, richiesta, assistente_ambito):
    RichiestaZonale.objects.filter(pk=richiesta.pk).update(codice_fiscale="")
    actor = Actor(assistente_ambito)
    # Not registered: the sex is unknown, the operator registers the person first.
    with pytest.raises(ValidationFailed) as exc:
        _apri(cast, assistente_ambito, richiesta)
    assert exc.value.field == "persona_da_registrare"
    assert "registra prima la persona" in str(exc.value)
    richiesta.refresh_from_db()
    assert richiesta.cartella_ambito is None

    def register(**extra):
        return persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                              sesso="F", data_nascita=richiesta.data_nascita, **extra)

    persona = _in_zona(cast, register)
    twin = _in_zona(cast, lambda: register(conferma_omonimia=True))
    with pytest.raises(ValidationFailed) as exc:
        _apri(cast, assistente_ambito, richiesta)
    assert exc.value.field == "persona_doppia"
    with tenant_context(cast.zona.ente):
        assert not Cartella.objects.exists()
        Persona.objects.filter(pk=twin.pk).delete()
    cartella = _apri(cast, assistente_ambito, richiesta)
    with tenant_context(cast.zona.ente):
        assert Cartella.objects.get(public_id=cartella.public_id).persona_id == persona.pk


def test_an_open_case_of_the_person_is_linked_not_duplicated(cast, richiesta, assistente_ambito):
    actor = Actor(assistente_ambito)
    cf = richiesta.codice_fiscale

    def open_case():
        persona = persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                                 sesso=sesso_of(cf), data_nascita=richiesta.data_nascita,
                                 codice_fiscale=cf)
        return cartella_apri(actor=actor, persona=persona, area_target="disabili",
                             data=date(2025, 2, 1), motivo="Già seguito dall'ambito")

    esistente = _in_zona(cast, open_case)
    cartella = _apri(cast, assistente_ambito, richiesta)
    assert cartella.public_id == esistente.public_id
    with tenant_context(cast.zona.ente):
        assert Cartella.objects.count() == 1
        assert Cartella.objects.get().area_target == "disabili"
    richiesta.refresh_from_db()
    assert richiesta.cartella_ambito == esistente.public_id


def test_refused_when_not_accepted_of_another_zone_or_without_the_capability(
        cast, richiesta, assistente_ambito):
    RichiestaZonale.objects.filter(pk=richiesta.pk).update(stato=RichiestaZonale.Stato.INVIATA)
    with pytest.raises(ValidationFailed, match="presa in carico"):
        _apri(cast, assistente_ambito, richiesta)
    RichiestaZonale.objects.filter(pk=richiesta.pk).update(stato=RichiestaZonale.Stato.ACCOLTA)
    # The coordinator handles requests but does not do case work.
    with pytest.raises(NotAllowed):
        _apri(cast, cast.coordinatore, richiesta)
    # A request to another zone's service is not found from this zone.
    altra = Zona.objects.create(code="ZS-TR", name="Zona sociale Terni",
                                regione=cast.regione, ente=cast.regione.ente)
    servizio = ServizioZonale.objects.create(zona=altra, nome="Affidi", tipo="affidi")
    RichiestaZonale.objects.filter(pk=richiesta.pk).update(servizio=servizio)
    with pytest.raises(NotFound):
        _apri(cast, assistente_ambito, richiesta)
    richiesta.refresh_from_db()
    assert richiesta.cartella_ambito is None
    with tenant_context(cast.zona.ente):
        assert not Persona.objects.exists()
        assert not Cartella.objects.exists()


def test_the_zone_social_worker_opens_the_case_from_the_request_page(
        cast, caso, richiesta, assistente_ambito):
    url = f"/invii/{richiesta.public_id}/"
    worker = client_for(assistente_ambito, cast.zona.ente)
    assert worker.get("/invii/").status_code == 200
    page = worker.get(url).content.decode()
    assert "Apri la cartella nell&#x27;ambito" in page or "Apri la cartella nell'ambito" in page
    assert 'id="esito-form"' not in page
    # Read-only for the social worker: the coordinator accepts and answers.
    assert worker.post(url, {"esito": "conclusa", "testo": "Fatto"}).status_code == 403
    assert worker.post("/invii/", {"nome": "Altro", "tipo": "altro"}).status_code == 403
    response = worker.post(f"{url}cartella/")
    richiesta.refresh_from_db()
    assert response.status_code == 302
    assert response.url == f"/cartelle/{richiesta.cartella_ambito}/"
    assert worker.get(response.url).status_code == 200
    page = worker.get(url).content.decode()
    assert f"/cartelle/{richiesta.cartella_ambito}/" in page
    assert 'id="apri-cartella-form"' not in page
    # The comune's social worker never reaches the zone's case file.
    comune = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert comune.get(f"/cartelle/{richiesta.cartella_ambito}/").status_code == 404
    assert str(richiesta.cartella_ambito) not in comune.get(
        f"/cartelle/{caso.public_id}/").content.decode()


def test_the_page_links_to_the_registry_when_the_person_must_be_registered(
        cast, richiesta, assistente_ambito):
    RichiestaZonale.objects.filter(pk=richiesta.pk).update(codice_fiscale="")
    worker = client_for(assistente_ambito, cast.zona.ente)
    response = worker.post(f"/invii/{richiesta.public_id}/cartella/")
    assert response.status_code == 400
    assert 'href="/anagrafica/nuova/"' in response.content.decode()


def test_the_coordinator_still_accepts_and_does_not_open_cases(cast, in_a, caso,
                                                                assistente_ambito):
    with tenant_context(cast.zona.ente):
        sil = svc.servizio_zonale_crea(actor=Actor(cast.coordinatore), nome="SIL",
                                       tipo="inserimento_lavorativo")
    svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil, quesito="Tirocinio",
                          consenso_data=date(2025, 3, 1), consenso_modalita="verbale")
    richiesta = RichiestaZonale.objects.get()
    coordinatore = client_for(cast.coordinatore, cast.zona.ente)
    url = f"/invii/{richiesta.public_id}/"
    assert coordinatore.post(url, {"esito": "accolta"}).status_code == 302
    richiesta.refresh_from_db()
    assert richiesta.stato == RichiestaZonale.Stato.ACCOLTA
    assert 'id="apri-cartella-form"' not in coordinatore.get(url).content.decode()
    assert coordinatore.post(f"{url}cartella/").status_code == 403
    # Before acceptance the social worker sees no button.
    worker = client_for(assistente_ambito, cast.zona.ente)
    assert 'id="apri-cartella-form"' in worker.get(url).content.decode()


def test_who_takes_the_referral_is_enabled_on_a_colleagues_open_case(
        cast, richiesta, assistente_ambito):
    """The person already has a case in the zone, followed by a colleague: it is linked, and
    whoever opened it from the referral is enabled on it, so the link leads somewhere."""
    collega = _user("collega@ambito.test")
    membership_grant(user=collega, ente=cast.zona.ente, role=Role.ASSISTENTE_SOCIALE)
    cf = richiesta.codice_fiscale

    def open_case():
        actor = Actor(collega)
        persona = persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                                 sesso=sesso_of(cf), data_nascita=richiesta.data_nascita,
                                 codice_fiscale=cf)
        return cartella_apri(actor=actor, persona=persona, area_target="disabili",
                             data=date(2025, 2, 1), motivo="Seguito dal collega")

    esistente = _in_zona(cast, open_case)
    client = client_for(assistente_ambito, cast.zona.ente)
    assert client.get(f"/cartelle/{esistente.public_id}/").status_code == 404
    cartella = _apri(cast, assistente_ambito, richiesta)
    assert cartella.public_id == esistente.public_id
    assert client.get(f"/cartelle/{esistente.public_id}/").status_code == 200
