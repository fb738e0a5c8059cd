"""The registry pages as a front-office operator and a social worker use them."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.models import Indirizzo, MembroNucleo, Persona
from services.anagrafica.services import Actor, nucleo_crea, persona_create
from services.core.models import AuditEntry
from tests.conftest import client_for
from tests.factories import person


def _create_form(p, **extra):
    data = {"cognome": p.last_name, "nome": p.first_name, "sesso": p.sex,
            "data_nascita": p.birth_date.isoformat(), "codice_fiscale": p.codice_fiscale,
            "cittadinanza": "380", "via": "Via Roma", "civico": "3", "cap": "06100",
            "comune": "Perugia", "residenza_dal": "2020-01-01"}
    data.update(extra)
    return data


def test_front_office_registers_a_person(cast):
    p = person()
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post("/anagrafica/nuova/", _create_form(p))
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        persona = Persona.objects.get(codice_fiscale=p.codice_fiscale)
        assert response["Location"] == f"/anagrafica/{persona.public_id}/"
        assert persona.indirizzi.get().comune == "Perugia"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert p.codice_fiscale in page.content.decode()


def test_invalid_codice_fiscale_shows_the_error_and_saves_nothing(cast):
    p = person()
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    bad = p.codice_fiscale[:-1] + ("A" if p.codice_fiscale[-1] != "A" else "B")
    response = client.post("/anagrafica/nuova/", _create_form(p, codice_fiscale=bad))
    assert response.status_code == 200
    assert "non è valido" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Persona.objects.exists()


def test_duplicate_shows_the_existing_person(cast):
    p = person()
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    client.post("/anagrafica/nuova/", _create_form(p))
    again = client.post("/anagrafica/nuova/", _create_form(p, codice_fiscale=""))
    assert again.status_code == 200
    assert 'id="existing-person"' in again.content.decode()
    confirmed = client.post("/anagrafica/nuova/",
                            _create_form(p, codice_fiscale="", conferma_omonimia="on"))
    assert confirmed.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Persona.objects.count() == 2


def test_search_page_and_htmx_results(cast):
    with tenant_context(cast.comune_a.ente):
        persona_create(actor=Actor(cast.by_role["dirigente"]), cognome="Mancini",
                       nome="Ilaria", sesso="F", data_nascita=date(1988, 8, 8))
    client = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    full = client.get("/anagrafica/?q=mancin")
    assert "Mancini" in full.content.decode()
    partial = client.get("/anagrafica/?q=ilaria%20mancini", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "Mancini" in partial.content.decode()


def test_reading_a_person_is_audited(cast):
    with tenant_context(cast.comune_a.ente):
        persona = persona_create(actor=Actor(cast.by_role["dirigente"]), cognome="Neri",
                                 nome="Paolo", sesso="M", data_nascita=date(1950, 1, 1))
    client_for(cast.by_role["educatore"], cast.comune_a.ente).get(f"/anagrafica/{persona.public_id}/")
    with tenant_context(cast.comune_a.ente):
        entry = AuditEntry.objects.get(action="persona.letta", object_id=str(persona.public_id))
        assert entry.actor_label == cast.by_role["educatore"].email


def test_address_change_with_bad_date_changes_nothing(cast):
    with tenant_context(cast.comune_a.ente):
        persona = persona_create(
            actor=Actor(cast.by_role["dirigente"]), cognome="Neri", nome="Paolo", sesso="M",
            data_nascita=date(1950, 1, 1),
            residenza={"via": "Via Roma", "comune": "Perugia", "dal": date(2020, 1, 1)})
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post(f"/anagrafica/{persona.public_id}/indirizzo/", {
        "tipo": "residenza", "via": "Via Nuova", "comune": "Perugia", "dal": "2019-01-01"})
    assert response.status_code == 200
    assert "deve decorrere dopo" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert Indirizzo.objects.filter(persona=persona).count() == 1


def test_household_through_the_pages(cast):
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["dirigente"])
        madre = persona_create(actor=actor, cognome="Galli", nome="Sara", sesso="F",
                               data_nascita=date(1980, 4, 4))
        figlio = persona_create(actor=actor, cognome="Galli", nome="Luca", sesso="M",
                                data_nascita=date(2010, 9, 9))
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    assert client.post(f"/anagrafica/{madre.public_id}/nucleo/",
                       {"dal": "2010-01-01"}).status_code == 302
    assert client.post(f"/anagrafica/{madre.public_id}/nucleo/componente/",
                       {"persona": str(figlio.public_id), "relazione": "figlio",
                        "dal": "2010-09-09"}).status_code == 302
    page = client.get(f"/anagrafica/{madre.public_id}/").content.decode()
    assert "Galli Luca" in page
    with tenant_context(cast.comune_a.ente):
        assert MembroNucleo.objects.filter(persona=figlio, al__isnull=True).exists()


def test_merge_page_for_who_may_merge(cast):
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["dirigente"])
        a = persona_create(actor=actor, cognome="Fabbri", nome="Elena", sesso="F",
                           data_nascita=date(1960, 6, 6))
        b = persona_create(actor=actor, cognome="Fabbri", nome="Elena", sesso="F",
                           data_nascita=date(1960, 6, 6), conferma_omonimia=True)
        nucleo_crea(actor=actor, intestatario=b, dal=date(2000, 1, 1))
    assert client_for(cast.by_role["educatore"], cast.comune_a.ente).get(
        f"/anagrafica/{a.public_id}/unisci/").status_code == 403
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    assert client.get(f"/anagrafica/{a.public_id}/unisci/").status_code == 200
    assert client.post(f"/anagrafica/{a.public_id}/unisci/",
                       {"persona": str(b.public_id)}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        b.refresh_from_db()
        assert b.unita_in_id == a.pk
        assert MembroNucleo.objects.filter(persona=a).exists()


@pytest.mark.parametrize("path", ["/anagrafica/", "/anagrafica/nuova/"])
def test_other_comune_operator_gets_404(cast, path):
    assert client_for(cast.outsider, cast.comune_a.ente).get(path).status_code == 404


def test_a_person_of_comune_a_is_not_found_from_comune_b(cast):
    with tenant_context(cast.comune_a.ente):
        persona = persona_create(actor=Actor(cast.by_role["dirigente"]), cognome="Neri",
                                 nome="Paolo", sesso="M", data_nascita=date(1950, 1, 1))
    response = client_for(cast.outsider, cast.comune_b.ente).get(f"/anagrafica/{persona.public_id}/")
    assert response.status_code == 404
