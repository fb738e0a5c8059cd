"""A proceeding of comune A assigned to A's social worker; a second social worker of A who
is not assigned to it; a hearing next week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.tribunale.services import procedimento_crea, udienza_fissa
from tenants.roles import Role
from tenants.services.members import membership_grant, user_create
from tests.cartella.conftest import new_persona
from tests.factories import PASSWORD, person


def new_minore(actor: Actor):
    return new_persona(actor, min_age=3, max_age=14)


@pytest.fixture
def dirigente(cast, in_a) -> Actor:
    return Actor(cast.by_role["dirigente"], "10.1.1.2")


@pytest.fixture
def collega(cast):
    """Another social worker of comune A, not assigned to the proceeding."""
    p = person()
    user = user_create(email="collega@perugia.test", first_name=p.first_name,
                       last_name=p.last_name, password=PASSWORD,
                       codice_fiscale=p.codice_fiscale)
    membership_grant(user=user, ente=cast.comune_a.ente, role=Role.ASSISTENTE_SOCIALE)
    return user


@pytest.fixture
def in_a(cast):
    with tenant_context(cast.comune_a.ente):
        yield Actor(cast.by_role["assistente_sociale"], "10.1.1.1")


@pytest.fixture
def minore(in_a):
    return new_minore(in_a)


@pytest.fixture
def proc(cast, in_a, dirigente, minore):
    return procedimento_crea(
        actor=dirigente, numero_rg="123/2026", tribunale="Tribunale per i minorenni di Perugia",
        tipo="responsabilita", ricevuto_il=timezone.localdate() - timedelta(days=3),
        decreto_numero="45/2026", decreto_data=timezone.localdate() - timedelta(days=5),
        decreto_sintesi="Incarico di indagine socio-familiare", minori=[minore],
        operatori_ids=[in_a.user.pk])


@pytest.fixture
def udienza(cast, in_a, proc, minore):
    return udienza_fissa(actor=in_a, procedimento=proc,
                         inizio=timezone.now() + timedelta(days=7), luogo="Aula 3",
                         giudice="Dott.ssa Bianchi", operatori_ids=[in_a.user.pk],
                         persone=[minore])


def prossimo(giorni: int = 7) -> date:
    return timezone.localdate() + timedelta(days=giorni)
