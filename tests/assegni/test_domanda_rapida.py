"""An assegno chosen in the applications' quick entry: the quick entry does not register an
application without its assegno, it hands what was typed to the assegni form, which creates
both (so the assegni list never misses one)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.assegni.models import Assegno
from services.domande.models import Domanda
from tests.conftest import client_for
from tests.domande.conftest import new_servizio


@pytest.fixture
def maternita(in_a):
    return new_servizio("Assegno di maternità dei comuni", tipo="maternita",
                        campi=["dsu_protocollo", "isee_valore", "isee_tipo"])


def _rapida(client, persona, servizio, **extra):
    return client.post("/domande/nuova/", {
        "persona": str(persona.public_id), "servizio": servizio.pk,
        "numero_protocollo": "Q-77", "data_protocollo": "2025-03-03",
        "isee_valore": "12.345,67", "isee_tipo": "ordinario", **extra})


def test_quick_entry_of_an_assegno_goes_to_the_assegni_form_with_what_was_typed(
        cast, persona, maternita):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _rapida(client, persona, maternita)
    assert response.status_code == 302
    assert response["Location"] == "/assegni/nuovo/"
    with tenant_context(cast.comune_a.ente):
        assert not Domanda.objects.exists()
    page = client.get("/assegni/nuovo/").content.decode()
    assert "completali qui" in page
    assert 'value="Q-77"' in page
    assert 'value="2025-03-03"' in page
    assert 'value="12.345,67"' in page
    assert f'value="{persona.public_id}"' in page
    assert persona.nome_completo in page
    assert f'<option value="{maternita.pk}" selected>' in page
    # Handed over once: the next empty form is empty.
    assert 'value="Q-77"' not in client.get("/assegni/nuovo/").content.decode()

    response = client.post("/assegni/nuovo/", {
        "persona": str(persona.public_id), "servizio": maternita.pk,
        "numero_protocollo": "Q-77", "data_protocollo": "2025-03-03",
        "isee_valore": "12.345,67", "isee_tipo": "ordinario",
        "figlio_cognome": "Rossi", "figlio_nome": "Sara", "figlio_data_nascita": "2025-02-10"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assegno = Assegno.objects.select_related("domanda").get()
        assert (assegno.domanda.numero_protocollo, assegno.domanda.persona, assegno.tipo,
                assegno.domanda.isee_valore) == ("Q-77", persona, "maternita",
                                                 Decimal("12345.67"))
        assert assegno.figlio_data_nascita == date(2025, 2, 10)
    elenco = client.get("/assegni/").content.decode()
    assert f"/assegni/{assegno.public_id}/" in elenco
    # The application's page leads to its assegno.
    detail = client.get(f"/domande/{assegno.domanda.public_id}/").content.decode()
    assert 'id="vai-assegno"' in detail


def test_quick_entry_of_another_service_registers_the_application(cast, persona, in_a):
    altro = new_servizio("Contributo affitto")
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _rapida(client, persona, altro)
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        domanda = Domanda.objects.get(numero_protocollo="Q-77")
        assert response["Location"] == f"/domande/{domanda.public_id}/"
        assert not Assegno.objects.exists()


@pytest.mark.parametrize("role", ["operatore_sportello", "educatore"])
def test_roles_without_manage_domande_are_refused_before_anything(cast, persona, maternita,
                                                                  role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    assert _rapida(client, persona, maternita).status_code == 403
