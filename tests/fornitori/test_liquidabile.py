"""Invoices as liquidable objects (registry key ``fornitori.fattura``): only those verified
or accepted by the dirigente, not yet paid, are offered; ``blocca`` re-checks under a lock;
``segna_liquidati`` marks them paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.determine import liquidabili
from services.fornitori.liquidabile import KEY
from services.fornitori.models import Fattura
from services.fornitori.services import RigaInput, fattura_accetta, fattura_contesta, fattura_create
from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create

from .conftest import determina, intervento

D = Decimal
MARZO = date(2025, 3, 1)


@pytest.fixture
def fatture(scena):
    """Four invoices of March: verified, with discrepancies, accepted, contested."""
    struttura = struttura_create(actor=scena.actor, fornitore=scena.gestore, nome="RSA", posti=9)
    out = {}
    for nome, giorni in [("ok", "20"), ("aperta", "21"), ("accettata", "22"), ("contestata", "23")]:
        ricovero = ricovero_autorizza(actor=scena.actor,
                                      intervento=intervento(scena.actor, "ricovero"),
                                      struttura=struttura, contratto=scena.contratto_rsa,
                                      dal=date(2025, 2, 1), quota_utente=D("25.00"))
        presenze_registra(actor=scena.actor, ricovero=ricovero, mese=MARZO, giorni=20)
        importo = D(giorni) * 60
        out[nome] = fattura_create(
            actor=scena.actor, contratto=scena.contratto_rsa, numero=nome, data=date(2025, 4, 2),
            competenza=MARZO, importo_totale=importo,
            righe=[RigaInput(intervento=ricovero.intervento, quantita=D(giorni), importo=importo)])
    fattura_accetta(actor=scena.dirigente, fattura=out["accettata"], motivazione="Concordato")
    fattura_contesta(actor=scena.actor, fattura=out["contestata"], motivazione="Troppi giorni")
    return {k: Fattura.objects.get(pk=v.pk) for k, v in out.items()}


def kind():
    return liquidabili.get(KEY)


def test_the_invoice_kind_is_registered():
    assert KEY == "fornitori.fattura"
    assert kind() in liquidabili.all_kinds()
    assert str(kind().label) == "Fatture dei fornitori"


def test_only_verified_or_accepted_invoices_are_offered(scena, fatture):
    voci = kind().da_liquidare(determina=scena.determina)
    assert {v.oggetto_id for v in voci} == {fatture["ok"].pk, fatture["accettata"].pk}
    ok = next(v for v in voci if v.oggetto_id == fatture["ok"].pk)
    assert ok.oggetto_tipo == KEY
    assert ok.importo == D("1200.00")
    assert ok.determina_id == scena.determina.pk
    assert ok.persona_id == fatture["ok"].righe.get().intervento.persona_id
    assert "Fattura n. ok del 02/04/2025" in ok.descrizione


def test_invoices_of_another_determina_are_not_offered(scena, fatture):
    assert kind().da_liquidare(determina=determina()) == []


def test_blocca_leaves_out_what_is_not_payable(scena, fatture):
    ids = [f.pk for f in fatture.values()]
    voci = kind().blocca(ids=ids)
    assert sorted(v.oggetto_id for v in voci) == sorted(
        [fatture["ok"].pk, fatture["accettata"].pk])
    assert sum(v.importo for v in voci) == D("1200.00") + D("1320.00")


def test_segna_liquidati_marks_them_paid_and_they_are_offered_no_more(scena, fatture):
    ids = [fatture["ok"].pk, fatture["accettata"].pk]
    kind().segna_liquidati(ids=ids, data=date(2025, 5, 10))
    paid = Fattura.objects.filter(pk__in=ids)
    assert {f.stato for f in paid} == {Fattura.Stato.LIQUIDATA}
    assert {f.liquidata_il for f in paid} == {date(2025, 5, 10)}
    assert kind().da_liquidare(determina=scena.determina) == []
    assert kind().blocca(ids=ids) == []
    # The others are untouched.
    assert Fattura.objects.get(pk=fatture["aperta"].pk).stato == Fattura.Stato.CON_DISCREPANZE
    # A cancelled liquidazione gives them back, each in the state it was paid from.
    kind().rilascia(ids=ids)
    assert Fattura.objects.get(pk=fatture["ok"].pk).stato == Fattura.Stato.VERIFICATA
    assert Fattura.objects.get(pk=fatture["accettata"].pk).stato == Fattura.Stato.ACCETTATA
    assert {v.oggetto_id for v in kind().da_liquidare(determina=scena.determina)} == set(ids)


def test_presences_paid_by_a_liquidated_invoice_are_not_changed(scena, fatture):
    from services.core.errors import ValidationFailed
    from services.ricoveri.models import Presenza

    f = fatture["ok"]
    ricovero = f.righe.get().intervento.ricovero
    kind().segna_liquidati(ids=[f.pk], data=date(2025, 5, 10))
    with pytest.raises(ValidationFailed, match="già state pagate"):
        presenze_registra(actor=scena.actor, ricovero=ricovero, mese=MARZO, giorni=25)
    assert Presenza.objects.get(ricovero=ricovero, mese=MARZO).giorni == 20
