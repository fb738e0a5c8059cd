"""Fixtures of the segretariato tests: the front-office operator and the social worker of
comune A acting inside A's schema, and people for the schede."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from services.accesso.models import Consenso, SchedaAccesso
from services.accesso.services import NuovaPersona
from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from tests.factories import person


@pytest.fixture
def in_a(cast):
    with tenant_context(cast.comune_a.ente):
        yield cast

@pytest.fixture
def sportello(in_a) -> Actor:
    return Actor(in_a.by_role["operatore_sportello"], "10.2.0.1")

@pytest.fixture
def assistente(in_a) -> Actor:
    return Actor(in_a.by_role["assistente_sociale"], "10.2.0.2")

def nuova(**overrides) -> NuovaPersona:
    """A person typed in at the front office, with a valid codice fiscale."""
    p = person()
    values = {"cognome": p.last_name, "nome": p.first_name, "sesso": p.sex,
              "data_nascita": p.birth_date, "codice_fiscale": p.codice_fiscale}
    values.update(overrides)
    return NuovaPersona(**values)

def registered(actor: Actor, **overrides) -> Persona:
    p = person()
    values = {"cognome": p.last_name, "nome": p.first_name, "sesso": p.sex,
              "data_nascita": p.birth_date, "codice_fiscale": p.codice_fiscale}
    values.update(overrides)
    return persona_create(actor=actor, **values)

def counts() -> tuple[int, int, int]:
    """Rows a refused request must leave untouched."""
    return SchedaAccesso.objects.count(), Persona.objects.count(), Consenso.objects.count()

