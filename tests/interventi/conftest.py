"""Shared pieces of the money tests: the catalogue rows (public schema), a comune's
services, a person, a determina, and an Actor per role of comune A."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context, tenant_context

from services.anagrafica.services import Actor
from services.determine.services import determina_create
from services.interventi.services import intervento_decide, intervento_propose, servizio_create
from tests.cartella.conftest import new_persona
from zone.catalogo.models import CodicePrestazione, Edizione, VoceNomenclatore


class Attori(dict):
    def __getattr__(self, role: str) -> Actor:
        return self[role]


@pytest.fixture
def catalogo(cast):
    with schema_context("public"):
        inps = Edizione.objects.create(tipo="inps", codice="T-2024", titolo="Codici INPS",
                                       in_vigore_dal=date(2024, 1, 1))
        nom = Edizione.objects.create(tipo="nomenclatore", codice="T-2013", titolo="Nomenclatore",
                                      in_vigore_dal=date(2013, 1, 1))
        # A1.02 ships with the reference edition loaded by the catalogue's data migration.
        codice = CodicePrestazione.objects.get(codice="A1.02")
        ritirato = CodicePrestazione.objects.create(codice="A9.99", nome="Vecchio",
                                                    introdotto_in=inps, ritirato_in=inps)
        voce = VoceNomenclatore.objects.create(codice="IC1", nome="Contributi economici",
                                               introdotto_in=nom, area_target="poverta")
    return {"codice": codice, "ritirato": ritirato, "voce": voce}


@pytest.fixture
def a(cast):
    """Inside comune A, with an Actor for each role."""
    with tenant_context(cast.comune_a.ente):
        yield Attori({role: Actor(user, "10.1.1.1") for role, user in cast.by_role.items()})


@pytest.fixture
def servizio(a, catalogo):
    return servizio_create(actor=a.dirigente, nome="Contributo economico straordinario",
                           tipo="economica", area_target="poverta", carattere="occasionale",
                           prova_mezzi=1, codice_prestazione=catalogo["codice"],
                           voce_nomenclatore=catalogo["voce"], soglia_isee=Decimal("9360.00"))


@pytest.fixture
def servizio_periodico(a, catalogo):
    return servizio_create(actor=a.dirigente, nome="Minimo vitale", tipo="economica",
                           area_target="poverta", carattere="periodico",
                           codice_prestazione=catalogo["codice"])


IBAN = "IT60X0542811101000000123456"


def pagabile(a, persona, iban: str = IBAN):
    """The person can be paid: a bank transfer to a valid IBAN (the office records it)."""
    from services.determine.modalita import modalita_pagamento_set

    modalita_pagamento_set(actor=a.amministrativo, persona=persona, tipo="bonifico", iban=iban)
    return persona


@pytest.fixture
def persona(a):
    """A beneficiary with a payment method (a person without one cannot be paid)."""
    return pagabile(a, new_persona(a.assistente_sociale))


@pytest.fixture
def determina(a, servizio):
    return determina_create(actor=a.amministrativo, data_adozione=date(2025, 1, 20),
                            oggetto="Contributi economici 2025", capitolo="1234",
                            importo_impegnato=Decimal("1000.00"), servizio=servizio)


def una_tantum(a, persona, servizio, importo="300.00", **kw):
    return intervento_propose(actor=a.assistente_sociale, persona=persona, servizio=servizio,
                              data_inizio=kw.pop("data_inizio", date(2025, 3, 10)),
                              importo_totale=Decimal(importo), **kw)


def approvato(a, persona, servizio, importo="300.00", **kw):
    i = una_tantum(a, persona, servizio, importo, **kw)
    return intervento_decide(actor=a.dirigente, intervento=i, approva=True)
