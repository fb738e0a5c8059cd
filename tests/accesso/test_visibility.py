"""Who reads a scheda di accesso: the front office its own, the social workers and the
dirigente all of the comune, the other case-work roles those that led to their cases (see
test_need_to_know.py), nobody else; every read is audited."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.accesso.selectors import get_scheda_for_user, schede_visibili
from services.accesso.services import scheda_create
from services.anagrafica.services import Actor
from services.core.models import AuditEntry
from tests.conftest import client_for

from .conftest import nuova

T = SchedaAccesso.Interlocutore


@pytest.fixture
def schede(sportello, assistente):
    """One scheda written by the front office, one by the social worker."""
    return {
        "sportello": scheda_create(actor=sportello, interlocutore_tipo=T.UTENTE,
                                   canale="persona", utente=nuova(), consenso="concesso"),
        "assistente": scheda_create(actor=assistente, interlocutore_tipo=T.ANONIMO,
                                    canale="telefono"),
    }


def test_front_office_sees_only_its_own(in_a, schede):
    user = in_a.by_role["operatore_sportello"]
    assert list(schede_visibili(user)) == [schede["sportello"]]
    with pytest.raises(Http404):
        get_scheda_for_user(user, schede["assistente"].public_id)


@pytest.mark.parametrize(
    ("role", "visible"),
    [("operatore_sportello", True), ("assistente_sociale", True), ("dirigente", True),
     ("educatore", False), ("psicologo", False), ("amministrativo", False)],
)
def test_who_reads_a_front_office_scheda(in_a, schede, role, visible):
    """Who wrote it, the social workers who assess schede and the dirigente; an educatore or
    psicologo enabled on no case file, and the amministrativo, none."""
    user = in_a.by_role[role]
    scheda = schede["sportello"]
    if visible:
        assert get_scheda_for_user(user, scheda.public_id) == scheda
    else:
        with pytest.raises(Http404):
            get_scheda_for_user(user, scheda.public_id)
        assert not schede_visibili(user).exists()


def test_write_access_needs_the_front_office_capability(in_a, schede):
    with pytest.raises(Http404):
        get_scheda_for_user(in_a.by_role["dirigente"], schede["sportello"].public_id, write=True)
    assert get_scheda_for_user(in_a.by_role["assistente_sociale"],
                               schede["sportello"].public_id, write=True)


def test_missing_and_malformed_look_the_same(in_a, schede):
    user = in_a.by_role["dirigente"]
    for public_id in (uuid.uuid4(), "non-un-uuid"):
        with pytest.raises(Http404):
            get_scheda_for_user(user, public_id)


def test_every_read_is_recorded(in_a, schede):
    scheda = schede["sportello"]
    get_scheda_for_user(in_a.by_role["assistente_sociale"], scheda.public_id,
                        ip_address="192.0.2.9")
    entry = AuditEntry.objects.get(action="scheda.letta", object_id=str(scheda.public_id))
    assert entry.actor_id == in_a.by_role["assistente_sociale"].pk
    assert entry.ip_address == "192.0.2.9"


def test_an_operator_of_another_comune_gets_404(cast):
    with tenant_context(cast.comune_a.ente):
        scheda = scheda_create(actor=Actor(cast.by_role["operatore_sportello"]),
                               interlocutore_tipo=T.UTENTE, canale="persona", utente=nuova(),
                               consenso="concesso")
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    assert outsider.get(f"/accesso/{scheda.public_id}/").status_code == 404
    assert outsider.get("/accesso/").status_code == 404
    # On their own comune's host the scheda does not exist at all.
    own = client_for(cast.outsider, cast.comune_b.ente)
    assert own.get(f"/accesso/{scheda.public_id}/").status_code == 404
    assert own.get("/accesso/").status_code == 200
