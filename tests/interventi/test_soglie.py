"""Impossible amounts: a proposal of 999.999.999 € or a request of 9.999.999.999 € is not
registered as typed. Each service has a ceiling (``Servizio.soglia_conferma``, 10.000 € unless
the comune sets another): above it the form asks for an explicit confirmation, which the audit
trail keeps; beyond the field's digits the amount is refused outright."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from services.domande.models import Domanda
from services.domande.services import domanda_create
from services.interventi.models import Intervento
from services.interventi.services import (
    intervento_modifica_proposta,
    intervento_propose,
    servizio_update,
)
from tests.conftest import client_for

from .conftest import una_tantum

D = Decimal


def test_a_proposal_above_the_ceiling_needs_an_explicit_confirmation(a, persona, servizio):
    assert servizio.soglia_conferma == D("10000.00")
    with pytest.raises(ValidationFailed, match="supera la soglia") as exc:
        una_tantum(a, persona, servizio, "999999999.00")
    assert exc.value.field == "conferma_importo"
    assert not Intervento.objects.exists()
    i = una_tantum(a, persona, servizio, "12000.00", conferma_importo=True)
    entry = AuditEntry.objects.get(action="intervento.proposto", object_id=str(i.public_id))
    assert entry.payload["importo_confermato_oltre_soglia"] is True
    assert entry.payload["soglia_conferma"] == "10000.00"


def test_the_ceiling_is_the_services_and_applies_to_a_corrected_proposal(a, persona, servizio):
    servizio_update(actor=a.dirigente, servizio=servizio, soglia_conferma=D("500.00"))
    i = una_tantum(a, persona, servizio, "400.00")
    with pytest.raises(ValidationFailed, match="500,00"):
        intervento_modifica_proposta(actor=a.assistente_sociale, intervento=i,
                                     data_inizio=i.data_inizio, importo_totale=D("800.00"))
    i.refresh_from_db()
    assert i.importo_totale == D("400.00")
    with pytest.raises(ValidationFailed) as exc:
        servizio_update(actor=a.dirigente, servizio=servizio, soglia_conferma=D("0"))
    assert exc.value.field == "soglia_conferma"


def test_a_periodic_proposal_is_bounded_per_month(a, persona, servizio_periodico):
    """A placement of 2.850 € a month for a year is not above a 10.000 € ceiling; a monthly
    amount above it, or a total beyond ceiling × months, is."""
    i = intervento_propose(actor=a.assistente_sociale, persona=persona,
                           servizio=servizio_periodico, data_inizio=date(2025, 1, 1),
                           data_fine=date(2025, 12, 31), importo_mensile=D("2850.00"))
    assert i.importo_totale == D("34200.00")
    with pytest.raises(ValidationFailed, match="supera la soglia"):
        intervento_propose(actor=a.assistente_sociale, persona=persona,
                           servizio=servizio_periodico, data_inizio=date(2025, 1, 1),
                           data_fine=date(2025, 2, 28), importo_mensile=D("100.00"),
                           importo_totale=D("999999999.00"))


def test_the_proposal_form_asks_for_the_confirmation(cast, a, persona, servizio):
    c = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    url = f"/servizi/interventi/nuovo/?persona={persona.public_id}"
    data = {"servizio": servizio.public_id, "data_inizio": "2025-03-15",
            "importo_totale": "999.999.999,00", "motivazione": "Errore di battitura"}
    r = c.post(url, data)
    page = r.content.decode()
    assert r.status_code == 200
    assert "supera la soglia" in page
    assert 'name="conferma_importo"' in page
    # Beyond the field's twelve digits nothing is accepted, confirmed or not.
    r = c.post(url, {**data, "importo_totale": "99.999.999.999,00", "conferma_importo": "on"})
    assert r.status_code == 200
    with tenant_context(cast.comune_a.ente):
        assert not Intervento.objects.exists()
    assert c.post(url, {**data, "importo_totale": "15.000,00",
                        "conferma_importo": "on"}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Intervento.objects.get().importo_totale == D("15000.00")
    connection.set_schema_to_public()


def test_a_request_above_the_ceiling_needs_a_confirmation(a, persona, servizio):
    with pytest.raises(ValidationFailed, match="supera la soglia") as exc:
        domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                       numero_protocollo="91/2025", data_protocollo=date(2025, 3, 1),
                       importo_richiesto=D("9999999999.00"))
    assert exc.value.field == "conferma_importo"
    assert not Domanda.objects.exists()
    d = domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                       numero_protocollo="91/2025", data_protocollo=date(2025, 3, 1),
                       importo_richiesto=D("25000.00"), conferma_importo=True)
    entry = AuditEntry.objects.get(action="domanda.registrata", object_id=str(d.public_id))
    assert entry.payload["importo_confermato_oltre_soglia"] is True
