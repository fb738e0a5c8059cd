"""The application's state follows its interventions: in istruttoria while a proposal
waits, accolta when one is approved (and stays so while it is paid), conclusa when the
approved ones end, respinta when the proposals are rejected; whoever registered it is told."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.determine.services import liquidazione_create
from services.domande.models import Domanda
from services.domande.services import domanda_create, domande_assegna
from services.interventi.services import (
    intervento_assegna_determina,
    intervento_concludi,
    intervento_decide,
    intervento_ritira_proposta,
)
from services.pai.models import Notifica

from .conftest import una_tantum

D = Decimal


@pytest.fixture
def domanda(a, persona, servizio, cast):
    d = domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                       numero_protocollo="501/2025", data_protocollo=date(2025, 3, 1),
                       importo_richiesto=D("300.00"))
    domande_assegna(actor=a.amministrativo, domande=[d],
                    operatore_id=cast.by_role["assistente_sociale"].pk)
    d.refresh_from_db()
    assert d.stato == Domanda.Stato.ASSEGNATA
    return d


def test_approved_and_paid_the_application_is_accepted(a, cast, persona, servizio, determina,
                                                       domanda):
    """The bug: the domanda stayed "assegnata" after its intervention was approved and paid."""
    i = una_tantum(a, persona, servizio, "300.00", domanda=domanda)
    domanda.refresh_from_db()
    assert domanda.stato == Domanda.Stato.ISTRUTTORIA
    intervento_decide(actor=a.dirigente, intervento=i, approva=True, oggi=date(2025, 3, 20))
    domanda.refresh_from_db()
    assert (domanda.stato, domanda.esito_il) == (Domanda.Stato.ACCOLTA, date(2025, 3, 20))
    assert servizio.nome in domanda.motivazione_esito
    front = cast.by_role["amministrativo"]  # who registered it
    assert Notifica.objects.filter(destinatario_id=front.pk,
                                   link__contains=str(domanda.public_id)).exists()
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    liquidazione_create(actor=a.amministrativo, determina=determina,
                        oggetti=[("interventi.pagamento", i.pagamenti.get().pk)],
                        data=date(2025, 4, 1))
    domanda.refresh_from_db()
    assert domanda.stato == Domanda.Stato.ACCOLTA
    intervento_concludi(actor=a.dirigente, intervento=i, data_fine=date(2025, 3, 31),
                        motivo="Erogato")
    domanda.refresh_from_db()
    assert (domanda.stato, domanda.esito_il) == (Domanda.Stato.CONCLUSA, date(2025, 3, 31))


def test_rejected_the_application_is_rejected_with_the_reason(a, persona, servizio, domanda):
    i = una_tantum(a, persona, servizio, "300.00", domanda=domanda)
    intervento_decide(actor=a.dirigente, intervento=i, approva=False,
                      motivazione="ISEE oltre la soglia", oggi=date(2025, 3, 22))
    domanda.refresh_from_db()
    assert (domanda.stato, domanda.motivazione_esito) == (Domanda.Stato.RESPINTA,
                                                          "ISEE oltre la soglia")


def test_a_withdrawn_proposal_gives_the_application_back(a, persona, servizio, domanda):
    i = una_tantum(a, persona, servizio, "300.00", domanda=domanda)
    intervento_ritira_proposta(actor=a.assistente_sociale, intervento=i, motivo="Errore")
    domanda.refresh_from_db()
    # No intervention left: the application keeps the state it had before.
    assert domanda.stato == Domanda.Stato.ISTRUTTORIA
    j = una_tantum(a, persona, servizio, "250.00", domanda=domanda)
    intervento_decide(actor=a.dirigente, intervento=j, approva=True)
    domanda.refresh_from_db()
    assert domanda.stato == Domanda.Stato.ACCOLTA


def test_the_outcome_is_on_the_application_page(cast, a, persona, servizio, domanda):
    from django.db import connection

    from tests.conftest import client_for

    i = una_tantum(a, persona, servizio, "300.00", domanda=domanda)
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    c = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    page = c.get(f"/domande/{domanda.public_id}/").content.decode()
    assert "Accolta" in page
    connection.set_schema_to_public()
