"""A case follows the person to another comune: requested by A, accepted by B, in B's own
schema; A keeps its history read-only; neither reads the other's other cases."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404
from django_tenants.utils import tenant_context

from services.anagrafica.models import CondizioneSociale, Persona
from services.anagrafica.services import Actor, condizione_registra, persona_create
from services.cartella.models import Cartella, MovimentoCartella
from services.cartella.selectors import get_cartella_for_user
from services.cartella.services import cartella_apri, cartella_sospendi
from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.trasferimenti.models import Trasferimento
from services.trasferimenti.services import trasferimento_richiedi
from tests.conftest import client_for
from tests.factories import person


@pytest.fixture
def two_cases(cast):
    """In A: the case that moves, and another case that must stay in A."""
    worker = cast.by_role["assistente_sociale"]
    with tenant_context(cast.comune_a.ente):
        actor = Actor(worker)
        p = person()
        mover = persona_create(actor=actor, cognome=p.last_name, nome=p.first_name, sesso=p.sex,
                               data_nascita=p.birth_date, codice_fiscale=p.codice_fiscale)
        condizione_registra(actor=actor, persona=mover, ambito="lavoro", valore="Disoccupato",
                            rilevata_il=date(2025, 1, 5), fonte="verificata")
        moving = cartella_apri(actor=actor, persona=mover, area_target="poverta",
                               data=date(2025, 1, 10), motivo="Primo colloquio")
        other = persona_create(actor=actor, cognome="Segreti", nome="Maria", sesso="F",
                               data_nascita=date(1944, 4, 4))
        staying = cartella_apri(actor=actor, persona=other, area_target="anziani",
                                data=date(2025, 2, 1))
    return moving, staying


def _request(cast, cartella, client=None):
    client = client or client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    return client.post(f"/trasferimenti/nuovo/{cartella.public_id}/", {
        "destinatario": cast.comune_b.istat_code, "motivo": "Cambio di residenza ad Assisi",
        "consenso_data": "2025-05-01", "consenso_modalita": "scritto"})


def test_transfer_from_a_to_b(cast, two_cases):
    moving, staying = two_cases
    response = _request(cast, moving)
    assert response.status_code == 302
    t = Trasferimento.objects.get(cartella_origine=moving.public_id)
    # B sees only the summary, and decides.
    b_client = client_for(cast.outsider, cast.comune_b.ente)
    listing = b_client.get("/trasferimenti/").content.decode()
    assert moving.persona.cognome in listing
    assert "Segreti" not in listing
    accepted = b_client.post(f"/trasferimenti/{t.public_id}/accetta/")
    assert accepted.status_code == 302

    t.refresh_from_db()
    assert t.stato == Trasferimento.Stato.ACCETTATO
    with tenant_context(cast.comune_b.ente):
        nuova = Cartella.objects.get(public_id=t.cartella_destinazione)
        assert nuova.persona.codice_fiscale == moving.persona.codice_fiscale
        assert nuova.responsabile_id == cast.outsider.pk
        tipi = list(nuova.movimenti.values_list("tipo", flat=True))
        assert MovimentoCartella.Tipo.TRASFERIMENTO_INGRESSO in tipi
        assert nuova.movimenti.filter(motivo__contains="Primo colloquio").exists()
        assert CondizioneSociale.objects.filter(persona=nuova.persona, valore="Disoccupato").exists()
        # Nothing else of A came along.
        assert not Persona.objects.filter(cognome="Segreti").exists()
        assert Cartella.objects.count() == 1
        assert AuditEntry.objects.filter(action="cartella.ricevuta").exists()
    with tenant_context(cast.comune_a.ente):
        moving.refresh_from_db()
        assert moving.sola_lettura
        assert moving.movimenti.filter(tipo=MovimentoCartella.Tipo.TRASFERIMENTO_USCITA).exists()
        # A still reads its history, but can no longer change it.
        worker = cast.by_role["assistente_sociale"]
        assert get_cartella_for_user(worker, moving.public_id) == moving
        with pytest.raises(NotAllowed):
            cartella_sospendi(actor=Actor(worker), cartella=moving, data=date(2025, 6, 1),
                              motivo="x")
        staying.refresh_from_db()
        assert not staying.sola_lettura


def test_b_cannot_read_a_cases_even_after_a_transfer(cast, two_cases):
    moving, staying = two_cases
    _request(cast, moving)
    t = Trasferimento.objects.get(cartella_origine=moving.public_id)
    client_for(cast.outsider, cast.comune_b.ente).post(f"/trasferimenti/{t.public_id}/accetta/")
    # A's host is closed to B's operator; in B's schema A's case ids mean nothing.
    assert client_for(cast.outsider, cast.comune_a.ente).get("/").status_code == 404
    with tenant_context(cast.comune_b.ente), pytest.raises(Http404):
        get_cartella_for_user(cast.outsider, staying.public_id)


def test_rejection_needs_a_reason_and_changes_nothing(cast, two_cases):
    moving, _ = two_cases
    _request(cast, moving)
    t = Trasferimento.objects.get(cartella_origine=moving.public_id)
    b_client = client_for(cast.outsider, cast.comune_b.ente)
    no_reason = b_client.post(f"/trasferimenti/{t.public_id}/respingi/", {"motivazione": " "})
    assert no_reason.status_code == 200
    t.refresh_from_db()
    assert t.stato == Trasferimento.Stato.RICHIESTO
    b_client.post(f"/trasferimenti/{t.public_id}/respingi/",
                  {"motivazione": "La persona non risulta residente"})
    t.refresh_from_db()
    assert t.stato == Trasferimento.Stato.RESPINTO
    with tenant_context(cast.comune_b.ente):
        assert not Cartella.objects.exists()
    with tenant_context(cast.comune_a.ente):
        moving.refresh_from_db()
        assert not moving.sola_lettura


def test_request_needs_consent_and_another_comune(cast, two_cases):
    moving, _ = two_cases
    with tenant_context(cast.comune_a.ente):
        actor = Actor(cast.by_role["assistente_sociale"])
        with pytest.raises(ValidationFailed, match="consenso"):
            trasferimento_richiedi(actor=actor, cartella=moving,
                                   destinatario_istat=cast.comune_b.istat_code, motivo="x",
                                   consenso_data=None, consenso_modalita="scritto")
        with pytest.raises(ValidationFailed, match="diverso"):
            trasferimento_richiedi(actor=actor, cartella=moving,
                                   destinatario_istat=cast.comune_a.istat_code, motivo="x",
                                   consenso_data=date(2025, 5, 1), consenso_modalita="scritto")
    assert not Trasferimento.objects.exists()


def test_only_who_may_write_the_case_can_request(cast, two_cases):
    moving, _ = two_cases
    educatore = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    assert _request(cast, moving, educatore).status_code in (403, 404)
    assert not Trasferimento.objects.exists()


def test_a_third_comune_sees_nothing(cast, two_cases):
    moving, _ = two_cases
    _request(cast, moving)
    t = Trasferimento.objects.get(cartella_origine=moving.public_id)
    # The dirigente of A (sender) can see it; nobody of B but the receiver's operators.
    a_dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert a_dirigente.get(f"/trasferimenti/{t.public_id}/").status_code == 200
    # A's educator (not enabled on the case, no manage capability) gets 403.
    assert client_for(cast.by_role["educatore"], cast.comune_a.ente).get(
        f"/trasferimenti/{t.public_id}/").status_code == 403
