"""Schede di accesso on a need-to-know basis, like case files: the front office that wrote
them, the social workers who assess them, the dirigente, and whoever is enabled on the case
file a scheda led to. An educatore or psicologo enabled on no case sees none."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.accesso.services import scheda_create
from services.anagrafica.services import Actor
from services.cartella.services import cartella_apri, operatore_abilita
from services.core.letture import REFUSED
from services.core.models import AuditEntry
from tests.conftest import client_for

from .conftest import nuova

T = SchedaAccesso.Interlocutore


@pytest.fixture
def schede(cast):
    """``sola``: a scheda of the front office that led nowhere; ``caso``: one that led to a
    case file the educatore is enabled on (the psicologo is not)."""
    with tenant_context(cast.comune_a.ente):
        sportello = Actor(cast.by_role["operatore_sportello"], "10.3.0.1")
        assistente = Actor(cast.by_role["assistente_sociale"], "10.3.0.2")
        sola = scheda_create(actor=sportello, interlocutore_tipo=T.UTENTE, canale="persona",
                             utente=nuova(), consenso="concesso", bisogno_espresso="Affitto")
        caso = scheda_create(actor=sportello, interlocutore_tipo=T.UTENTE, canale="persona",
                             utente=nuova(), consenso="concesso", bisogno_espresso="Lavoro")
        cartella = cartella_apri(actor=assistente, persona=caso.utente, area_target="poverta",
                                 data=date(2026, 1, 10), scheda=caso)
        operatore_abilita(actor=assistente, cartella=cartella, user=cast.by_role["educatore"],
                          ruolo="Educatore", dal=date(2026, 1, 11))
        caso.refresh_from_db()
        assert caso.cartella_public_id == cartella.public_id
    return {"sola": sola, "caso": caso}


# role -> (sees "sola", sees "caso"); None: the pages are closed to the role (403).
MATRIX = {
    "operatore_sportello": (True, True),
    "assistente_sociale": (True, True),
    "dirigente": (True, True),
    "educatore": (False, True),
    "psicologo": (False, False),
    "amministrativo": None,
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_detail_by_role(cast, schede, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    expected = MATRIX[role]
    for i, key in enumerate(("sola", "caso")):
        scheda = schede[key]
        response = client.get(f"/accesso/{scheda.public_id}/")
        if expected is None:
            assert response.status_code == 403
        elif expected[i]:
            assert response.status_code == 200
            assert scheda.numero in response.content.decode()
        else:
            assert response.status_code == 404
            assert scheda.utente.codice_fiscale not in response.content.decode()


@pytest.mark.parametrize("role", list(MATRIX))
def test_list_by_role(cast, schede, role):
    response = client_for(cast.by_role[role], cast.comune_a.ente).get("/accesso/")
    expected = MATRIX[role]
    if expected is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    for i, key in enumerate(("sola", "caso")):
        assert (f"/accesso/{schede[key].public_id}/" in html) == expected[i], key


def test_psicologo_enabled_on_the_case_then_sees_its_scheda(cast, schede):
    with tenant_context(cast.comune_a.ente):
        from services.cartella.models import Cartella

        cartella = Cartella.objects.get(public_id=schede["caso"].cartella_public_id)
        operatore_abilita(actor=Actor(cast.by_role["assistente_sociale"]), cartella=cartella,
                          user=cast.by_role["psicologo"], ruolo="Psicologo",
                          dal=date(2026, 2, 1))
    client = client_for(cast.by_role["psicologo"], cast.comune_a.ente)
    assert client.get(f"/accesso/{schede['caso'].public_id}/").status_code == 200
    assert client.get(f"/accesso/{schede['sola'].public_id}/").status_code == 404


def test_outsider_gets_404_on_list_and_detail(cast, schede):
    client = client_for(cast.outsider, cast.comune_a.ente)
    assert client.get("/accesso/").status_code == 404
    assert client.get(f"/accesso/{schede['caso'].public_id}/").status_code == 404


def test_a_refused_detail_is_audited_and_a_read_one_too(cast, schede):
    client = client_for(cast.by_role["psicologo"], cast.comune_a.ente)
    scheda = schede["sola"]
    assert client.get(f"/accesso/{scheda.public_id}/",
                      REMOTE_ADDR="192.0.2.40").status_code == 404
    with tenant_context(cast.comune_a.ente):
        refused = AuditEntry.objects.get(action=REFUSED)
        assert not AuditEntry.objects.filter(action="scheda.letta").exists()
    assert refused.actor_id == cast.by_role["psicologo"].pk
    assert (refused.object_type, refused.object_id) == ("accesso.schedaaccesso",
                                                        str(scheda.public_id))
    assert refused.ip_address == "192.0.2.40"
    assert refused.payload["percorso"] == f"/accesso/{scheda.public_id}/"
    assert refused.payload["esito"] == 404

    caso = str(schede["caso"].public_id)
    educatore = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    assert educatore.get(f"/accesso/{caso}/", REMOTE_ADDR="192.0.2.41").status_code == 200
    with tenant_context(cast.comune_a.ente):
        read = AuditEntry.objects.get(action="scheda.letta")
        assert AuditEntry.objects.filter(action=REFUSED).count() == 1
    assert (read.actor_id, read.object_id, read.ip_address) == (
        cast.by_role["educatore"].pk, caso, "192.0.2.41")


def test_the_list_page_writes_one_entry_with_the_filter(cast, schede):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert client.get("/accesso/?stato=aperta", REMOTE_ADDR="192.0.2.42").status_code == 200
    with tenant_context(cast.comune_a.ente):
        entries = list(AuditEntry.objects.filter(action="scheda.elenco"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == cast.by_role["assistente_sociale"].pk
    assert entry.ip_address == "192.0.2.42"
    assert entry.payload["filtro"] == {"stato": "aperta"}
    assert entry.payload["righe"] == 1  # "sola"; "caso" is in charge now
    assert entry.payload["pagina"] == 1
