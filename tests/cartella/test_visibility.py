"""Who reads a case file: the operators enabled on it and the roles that see every case."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella
from services.cartella.selectors import get_cartella_for_user, lettori_cartella
from services.cartella.services import (
    ApprovalRequired,
    cartella_apri,
    cartella_chiudi,
    operatore_abilita,
)
from services.core.errors import ValidationFailed


@pytest.fixture
def caso(cast):
    with tenant_context(cast.comune_a.ente):
        worker = cast.by_role["assistente_sociale"]
        actor = Actor(worker, "10.1.1.1")
        persona = persona_create(actor=actor, cognome="Verdi", nome="Luca", sesso="M",
                                 data_nascita=date(1970, 2, 2))
        cartella = cartella_apri(actor=actor, persona=persona, area_target="poverta",
                                 data=date(2025, 1, 15), motivo="Primo colloquio")
        yield cartella


def test_numbering_and_responsible(cast, caso):
    assert caso.numero == "2025/000001"
    assert caso.operatori.get().user_id == cast.by_role["assistente_sociale"].pk


@pytest.mark.parametrize(
    ("role", "visible"),
    [("assistente_sociale", True), ("dirigente", True), ("educatore", False),
     ("psicologo", False), ("operatore_sportello", False), ("amministrativo", False)],
)
def test_who_reads_the_case(cast, caso, role, visible):
    user = cast.by_role[role]
    if visible:
        assert get_cartella_for_user(user, caso.public_id) == caso
    else:
        with pytest.raises(Http404):
            get_cartella_for_user(user, caso.public_id)


def test_enabling_an_educator_lets_them_read(cast, caso):
    educatore = cast.by_role["educatore"]
    operatore_abilita(actor=Actor(cast.by_role["assistente_sociale"]), cartella=caso,
                      user=educatore, ruolo="Educatore domiciliare", dal=date(2025, 2, 1))
    assert get_cartella_for_user(educatore, caso.public_id) == caso
    with pytest.raises(Http404):  # may read, may not change
        get_cartella_for_user(educatore, caso.public_id, write=True)


def test_an_operator_of_another_comune_cannot_be_enabled(cast, caso):
    with pytest.raises(ValidationFailed, match="non lavora in questo comune"):
        operatore_abilita(actor=Actor(cast.by_role["assistente_sociale"]), cartella=caso,
                          user=cast.outsider, ruolo="x", dal=date(2025, 2, 1))


def test_missing_and_forbidden_look_the_same(cast, caso):
    import uuid

    with pytest.raises(Http404):
        get_cartella_for_user(cast.by_role["educatore"], uuid.uuid4())
    with pytest.raises(Http404):
        get_cartella_for_user(cast.by_role["educatore"], "non-un-uuid")


def test_every_read_is_recorded_with_address(cast, caso):
    get_cartella_for_user(cast.by_role["dirigente"], caso.public_id, ip_address="192.0.2.7")
    reads = lettori_cartella(caso).filter(action="cartella.letta")
    assert reads.first().actor_label == cast.by_role["dirigente"].email
    assert reads.first().ip_address == "192.0.2.7"


def test_closure_needs_approval_where_the_comune_wants_it(cast, caso):
    actor = Actor(cast.by_role["assistente_sociale"])
    with pytest.raises(ApprovalRequired):
        cartella_chiudi(actor=actor, cartella=caso, data=date(2025, 6, 1), motivo="Obiettivi raggiunti")
    caso.refresh_from_db()
    assert caso.stato == Cartella.Stato.APERTA
    cartella_chiudi(actor=actor, cartella=caso, data=date(2025, 6, 1), motivo="Obiettivi raggiunti",
                    approvata=True)
    assert caso.stato == Cartella.Stato.CHIUSA
    assert not caso.operatori.filter(al__isnull=True).exists()


def test_one_case_file_per_person(cast, caso):
    with pytest.raises(ValidationFailed, match="già una cartella aperta"):
        cartella_apri(actor=Actor(cast.by_role["assistente_sociale"]), persona=caso.persona,
                      area_target="poverta", data=date(2025, 3, 1))
