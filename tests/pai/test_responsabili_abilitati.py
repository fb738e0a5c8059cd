"""Naming an operator responsible in a PAI (of the plan or of a planned intervention)
enables them on the case, or tells the user to."""

from __future__ import annotations

from datetime import date

from services.cartella.models import OperatoreCartella
from services.cartella.selectors import get_cartella_for_user, is_enabled_on
from services.pai.services import intervento_add, pai_create, responsabile_add
from tests.conftest import client_for

from .conftest import actor, altro_operatore


def _pai(worker, caso):
    return pai_create(actor=actor(worker), cartella=caso, data_inizio=date(2025, 2, 1),
                      sintesi_bisogno="Sostegno educativo")


def test_a_responsible_of_the_plan_is_enabled_on_the_case(cast, a, worker, caso):
    educatore = altro_operatore(cast, "educatore")
    assert not is_enabled_on(educatore, caso)
    responsabile_add(actor=actor(worker), pai=_pai(worker, caso), user=educatore,
                     ruolo="Educatore domiciliare")
    assert is_enabled_on(educatore, caso)
    op = OperatoreCartella.objects.get(cartella=caso, user_id=educatore.pk, al__isnull=True)
    assert op.ruolo == "Educatore domiciliare"
    assert get_cartella_for_user(educatore, caso.public_id).pk == caso.pk


def test_a_responsible_of_a_planned_intervention_is_enabled_too(cast, a, worker, caso):
    psicologo = altro_operatore(cast, "psicologo")
    intervento_add(actor=actor(worker), pai=_pai(worker, caso), descrizione="Colloqui",
                   dal=date(2025, 2, 1), responsabile=psicologo)
    assert is_enabled_on(psicologo, caso)


def test_a_role_that_cannot_read_cases_is_not_enabled_and_the_page_says_so(cast, a, worker,
                                                                          caso):
    amministrativo = cast.by_role["amministrativo"]
    pai = _pai(worker, caso)
    client = client_for(worker, cast.comune_a.ente)
    response = client.post(f"/pai/{pai.public_id}/responsabili/",
                           {"user": str(amministrativo.pk), "ruolo": "Pratiche"}, follow=True)
    assert response.status_code == 200
    assert "non è abilitato/a sulla cartella" in response.content.decode()
    from django_tenants.utils import tenant_context

    with tenant_context(cast.comune_a.ente):
        assert not is_enabled_on(amministrativo, caso)
        assert pai.responsabili.filter(user_id=amministrativo.pk).exists()
