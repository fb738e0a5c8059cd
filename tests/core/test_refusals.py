"""Refused attempts reach the audit trail (who, what, from where) without telling the user
anything, and the dirigente sees them, repeated ones highlighted."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.cartella.services import cartella_apri
from services.core.letture import REFUSED
from services.core.models import AuditEntry
from tests.cartella.conftest import new_persona
from tests.conftest import client_for

IP = "192.0.2.88"


@pytest.fixture
def caso(cast):
    with tenant_context(cast.comune_a.ente):
        worker = Actor(cast.by_role["assistente_sociale"], "10.1.1.1")
        return cartella_apri(actor=worker, persona=new_persona(worker), area_target="poverta",
                             data=date(2025, 1, 15))


def _refusals(ente) -> list[AuditEntry]:
    with tenant_context(ente):
        return list(AuditEntry.objects.filter(action=REFUSED).order_by("id"))


def test_front_office_opening_a_case_gets_403_and_it_is_recorded(cast, caso):
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    url = f"/cartelle/{caso.public_id}/"
    assert client.get(url, REMOTE_ADDR=IP).status_code == 403
    [entry] = _refusals(cast.comune_a.ente)
    assert entry.actor_id == cast.by_role["operatore_sportello"].pk
    assert entry.ip_address == IP
    assert entry.payload == {"percorso": url, "metodo": "GET", "esito": 403,
                             "motivo": "capacità view_cartella"}


def test_a_case_not_enabled_on_is_a_404_recorded_with_its_id(cast, caso):
    client = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    response = client.get(f"/cartelle/{caso.public_id}/", REMOTE_ADDR=IP)
    assert response.status_code == 404
    assert caso.persona.codice_fiscale not in response.content.decode()
    [entry] = _refusals(cast.comune_a.ente)
    assert (entry.object_type, entry.object_id) == ("cartella.cartella", str(caso.public_id))
    assert entry.actor_id == cast.by_role["educatore"].pk
    with tenant_context(cast.comune_a.ente):
        assert not AuditEntry.objects.filter(action="cartella.letta").exists()


def test_a_missing_document_of_a_readable_case_is_recorded(cast, caso):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    doc = uuid.uuid4()
    url = f"/cartelle/{caso.public_id}/documenti/{doc}/"
    assert client.get(url, REMOTE_ADDR=IP).status_code == 404
    [entry] = _refusals(cast.comune_a.ente)
    assert (entry.object_type, entry.object_id) == ("cartella.documento", str(doc))
    assert entry.payload["percorso"] == url


def test_a_post_refused_is_recorded_and_changes_nothing(cast, caso):
    client = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    url = f"/cartelle/{caso.public_id}/chiudi/"
    response = client.post(url, {"data": "2025-02-01", "motivo": "x"}, REMOTE_ADDR=IP)
    assert response.status_code in (403, 404)
    [entry] = _refusals(cast.comune_a.ente)
    assert entry.payload["metodo"] == "POST"
    with tenant_context(cast.comune_a.ente):
        caso.refresh_from_db()
        assert caso.stato == "aperta"


def test_refusals_appear_on_the_case_readers_page(cast, caso):
    client_for(cast.by_role["psicologo"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/", REMOTE_ADDR=IP)
    page = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/letture/?azione=negati")
    html = page.content.decode()
    assert page.status_code == 200
    assert cast.by_role["psicologo"].email in html
    assert IP in html
    modifiche = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/letture/?azione=modifiche").content.decode()
    assert cast.by_role["psicologo"].email not in modifiche


def test_an_outsider_probing_a_comune_is_recorded_in_that_comune(cast, caso):
    """Written into the trail of the ente asked (its dirigente must know), not into the
    outsider's own comune; the outsider still gets the plain 404."""
    client = client_for(cast.outsider, cast.comune_a.ente)
    url = f"/cartelle/{caso.public_id}/"
    response = client.get(url, REMOTE_ADDR=IP)
    assert response.status_code == 404
    assert caso.persona.cognome not in response.content.decode()
    [entry] = _refusals(cast.comune_a.ente)
    assert entry.actor_id == cast.outsider.pk
    assert entry.payload == {"percorso": url, "metodo": "GET", "esito": 404,
                             "motivo": "non abilitato sull'ente"}
    assert entry.object_id == ""  # nothing looked up for an outsider
    assert _refusals(cast.comune_b.ente) == []


def test_anonymous_and_ordinary_404s_are_not_refusals(cast):
    client_for(None, cast.comune_a.ente).get("/api/v1/me/")
    client_for(cast.by_role["dirigente"], cast.comune_a.ente).get("/pagina-che-non-esiste/")
    assert _refusals(cast.comune_a.ente) == []


def _refuse(cast, role, times):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for _ in range(times):
        assert client.get("/determine/", REMOTE_ADDR=IP).status_code == 403


def test_the_dirigente_sees_repeated_attempts_highlighted(cast):
    _refuse(cast, "educatore", 3)
    _refuse(cast, "psicologo", 1)
    response = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        "/ente/registro/negati/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('id="negati-gruppi"')[1].split("</table>")[0].split("<tr")[2:]
    assert len(rows) == 2
    assert "ambito-ripetuti" in rows[0]
    assert cast.by_role["educatore"].email in rows[0]
    assert "ambito-ripetuti" not in rows[1]
    assert cast.by_role["psicologo"].email in rows[1]
    only = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        f"/ente/registro/negati/?utente={cast.by_role['psicologo'].pk}").content.decode()
    voci = only.split('id="negati-voci"')[1]
    assert cast.by_role["psicologo"].email in voci
    assert cast.by_role["educatore"].email not in voci


def test_grouping_counts(cast):
    from services.core.letture import tentativi_negati_per_utente

    _refuse(cast, "educatore", 4)
    with tenant_context(cast.comune_a.ente):
        [group] = tentativi_negati_per_utente()
    assert (group["actor_id"], group["totale"], group["recenti"], group["ripetuti"]) == (
        cast.by_role["educatore"].pk, 4, 4, True)
    assert group["indirizzi"] == [IP]


@pytest.mark.parametrize("role", ["operatore_sportello", "assistente_sociale", "educatore",
                                  "amministrativo"])
def test_the_attempts_page_needs_the_audit_capability(cast, role):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get("/ente/registro/negati/")
    assert response.status_code == 403


def test_the_attempts_page_is_404_for_an_outsider(cast):
    response = client_for(cast.outsider, cast.comune_a.ente).get("/ente/registro/negati/")
    assert response.status_code == 404
