"""Shared pieces of the application tests: services of comune A, a registered person, an
application, a second social worker."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.domande.services import Dsu, domanda_create
from services.interventi.models import Servizio
from tenants.roles import Role
from tenants.services.members import membership_grant, user_create
from tests.cartella.conftest import new_persona
from tests.factories import PASSWORD, person


def new_servizio(nome: str, *, tipo: str = "economica", campi: list | None = None,
                 attivo: bool = True) -> Servizio:
    return Servizio.objects.create(nome=nome, tipo=tipo, area_target="poverta",
                                   carattere="occasionale", campi_domanda=campi or [],
                                   attivo=attivo)


@pytest.fixture
def in_a(cast):
    with tenant_context(cast.comune_a.ente):
        yield Actor(cast.by_role["amministrativo"], "10.1.1.2")


@pytest.fixture
def servizio(in_a):
    return new_servizio("Contributo affitto", campi=["dsu_protocollo", "isee_valore", "isee_tipo",
                                                     "importo_richiesto"])


@pytest.fixture
def persona(in_a):
    return new_persona(in_a)


@pytest.fixture
def domanda(in_a, persona, servizio):
    return domanda_create(actor=in_a, persona=persona, servizio=servizio,
                          numero_protocollo="1001", data_protocollo=date(2025, 3, 10),
                          dsu=Dsu(protocollo="INPS-ISEE-2025-000123456-00", anno=2025,
                                  data=date(2025, 2, 1), isee_valore=None))


@pytest.fixture
def altra_as(cast):
    """A second social worker of comune A."""
    p = person()
    user = user_create(email="as2@perugia.test", first_name="Anna", last_name="Bianchi",
                       password=PASSWORD, codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=cast.comune_a.ente, role=Role.ASSISTENTE_SOCIALE)
    return user
