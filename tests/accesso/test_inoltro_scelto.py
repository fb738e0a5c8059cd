"""The front office forwards a scheda to a chosen social worker, who is told."""

from __future__ import annotations

import pytest

from services.accesso.models import SchedaAccesso
from services.accesso.services import scheda_close, scheda_create
from services.core.errors import ValidationFailed
from services.pai.models import Notifica
from tests.conftest import client_for

from .conftest import nuova


@pytest.fixture
def aperta(sportello):
    return scheda_create(actor=sportello, interlocutore_tipo="utente", canale="persona",
                         utente=nuova(), consenso="concesso", bisogno_espresso="Sfratto")


def test_forward_to_a_chosen_social_worker(cast, sportello, aperta):
    assistente = cast.by_role["assistente_sociale"]
    scheda = scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as",
                          assistente_id=assistente.pk)
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA
    assert scheda.assegnata_a_id == assistente.pk
    notifica = Notifica.objects.get(destinatario_id=assistente.pk)
    assert scheda.numero in notifica.testo
    assert notifica.link == f"/cartelle/schede-da-valutare/{scheda.public_id}/"


@pytest.mark.parametrize("role", ["educatore", "operatore_sportello", "amministrativo"])
def test_only_someone_who_takes_schede_in_charge_may_be_chosen(cast, sportello, aperta, role):
    with pytest.raises(ValidationFailed, match="Scegli un assistente sociale") as exc:
        scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as",
                     assistente_id=cast.by_role[role].pk)
    assert exc.value.field == "assistente"
    aperta.refresh_from_db()
    assert aperta.stato == SchedaAccesso.Stato.APERTA
    assert not Notifica.objects.exists()


def test_an_operator_of_another_comune_cannot_be_chosen(cast, sportello, aperta):
    with pytest.raises(ValidationFailed, match="Scegli un assistente sociale"):
        scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as",
                     assistente_id=cast.outsider.pk)


def test_the_page_forwards_and_the_inbox_says_to_whom(cast, aperta):
    assistente = cast.by_role["assistente_sociale"]
    client = client_for(cast.by_role["operatore_sportello"], cast.comune_a.ente)
    response = client.post(f"/accesso/{aperta.public_id}/chiudi/",
                           {"esito": "inoltro_as", "motivo": "", "assistente": str(assistente.pk)})
    assert response.status_code == 302
    inbox = client_for(assistente, cast.comune_a.ente).get("/cartelle/schede-da-valutare/")
    assert "a te" in inbox.content.decode()
