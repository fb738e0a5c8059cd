"""An LSU service and project of comune A, a person available, a contract for this year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.interventi.models import Servizio
from services.lsu.services import contratto_crea, dichiarazione_registra, progetto_crea
from tests.cartella.conftest import new_persona


@pytest.fixture
def in_a(cast):
    with tenant_context(cast.comune_a.ente):
        yield Actor(cast.by_role["amministrativo"], "10.1.1.3")


@pytest.fixture
def servizio(in_a):
    return Servizio.objects.create(nome="Lavori socialmente utili", tipo="lsu",
                                   area_target="poverta", carattere="periodico")


def inizio_anno() -> date:
    return timezone.localdate().replace(month=1, day=1)


def fine_anno() -> date:
    return timezone.localdate().replace(month=12, day=31)


@pytest.fixture
def progetto(in_a):
    return progetto_crea(actor=in_a, nome="Cura del verde pubblico", settore="Lavori pubblici",
                         data_inizio=inizio_anno(), data_fine=fine_anno(), posti=5)


@pytest.fixture
def persona(in_a):
    return new_persona(in_a)


@pytest.fixture
def dichiarazione(in_a, persona):
    return dichiarazione_registra(actor=in_a, persona=persona, data=inizio_anno(),
                                  disponibilita="mattina", competenze="giardinaggio, muratura",
                                  ore_settimanali=Decimal("20"), patente=True)


@pytest.fixture
def contratto(in_a, persona, progetto, servizio, dichiarazione):
    return contratto_crea(actor=in_a, persona=persona, progetto=progetto, servizio=servizio,
                          data_inizio=inizio_anno(), data_fine=fine_anno(),
                          ore_settimanali=Decimal("20"), compenso_orario=Decimal("7.33"),
                          dichiarazione=dichiarazione)
