"""A month of a service is paid one way only. A placement's month is paid to the structure
through its checked invoice (the comune's share; the guest's compartecipazione is the
guest's), never also as a payment to the person; home care the same; LSU through its monthly
pay; assegni by INPS. The database refuses the second way itself: a direct ORM insert of a
payment, an invoice line or an LSU contract on an intervention paid another way is an
IntegrityError (composite foreign keys to ``Intervento(id, pagato_a)``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from services.core.errors import ValidationFailed
from services.determine.selectors import voci_da_liquidare
from services.fornitori.models import RigaFattura
from services.fornitori.services import RigaInput, contratto_create, fattura_create
from services.interventi.models import Intervento, Pagamento, PagatoA, Servizio
from services.interventi.services import intervento_decide, intervento_propose, pagamenti_genera
from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create
from tests.cartella.conftest import new_persona
from tests.fornitori.conftest import intervento

D = Decimal
MARZO = date(2025, 3, 1)


def _paga_alla_persona(i: Intervento, mese: date = MARZO) -> None:
    with transaction.atomic():
        Pagamento.objects.create(intervento=i, competenza=mese, importo=D("2850.00"))


@pytest.fixture
def struttura(scena):
    return struttura_create(actor=scena.actor, fornitore=scena.gestore, nome="Villa Ulivi",
                            posti=5)


def _ricovero_approvato(scena):
    """A monthly placement proposed and approved the way the social worker and the
    dirigente do it (2.850 € a month, the guest pays part of the rate)."""
    servizio = Servizio.objects.get(nome="Ricovero in RSA")
    i = intervento_propose(actor=scena.actor, persona=new_persona(scena.actor),
                           servizio=servizio, data_inizio=date(2025, 2, 1),
                           data_fine=date(2025, 6, 30), importo_mensile=D("2850.00"),
                           motivazione="Non autosufficiente")
    return intervento_decide(actor=scena.dirigente, intervento=i, approva=True)


def test_approving_a_placement_owes_the_person_nothing(scena, struttura):
    i = _ricovero_approvato(scena)
    assert i.stato == Intervento.Stato.APPROVATO
    assert i.pagato_a == PagatoA.FORNITORE
    assert not Pagamento.objects.filter(intervento=i).exists()
    with pytest.raises(ValidationFailed, match="si paga al fornitore"):
        pagamenti_genera(actor=scena.dirigente, intervento=i)
    assert not Pagamento.objects.filter(intervento=i).exists()


def test_the_month_is_offered_only_as_the_structure_invoice(scena, struttura):
    """The bug: the liquidazione page offered the placement's month twice (the invoice
    and a payment to the person), and both were liquidated on one determina."""
    i = _ricovero_approvato(scena)
    ricovero = ricovero_autorizza(actor=scena.actor, intervento=i, struttura=struttura,
                                  contratto=scena.contratto_rsa, dal=date(2025, 2, 1),
                                  quota_utente=D("25.00"))
    presenze_registra(actor=scena.actor, ricovero=ricovero, mese=MARZO, giorni=31)
    quota_ente = D("60.00") * 31
    fattura_create(actor=scena.actor, contratto=scena.contratto_rsa, numero="F-31",
                   data=date(2025, 4, 2), competenza=MARZO, importo_totale=quota_ente,
                   righe=[RigaInput(intervento=i, quantita=D("31"), importo=quota_ente)])
    i.determina = scena.determina
    i.save(update_fields=["determina"])
    offerte = [(kind.key, v) for kind, voci in voci_da_liquidare(scena.determina) for v in voci]
    assert [k for k, _v in offerte] == ["fornitori.fattura"]
    assert offerte[0][1].importo == quota_ente


@pytest.mark.parametrize("tipo", ["ricovero", "domiciliare", "lsu", "maternita", "nucleo"])
def test_the_database_refuses_a_payment_to_the_person_paid_another_way(scena, tipo):
    i = intervento(scena.actor, tipo)
    with pytest.raises(IntegrityError, match="pagamento_solo_a_persona"):
        _paga_alla_persona(i)
    assert not Pagamento.objects.filter(intervento=i).exists()


def test_a_compartecipazione_month_is_not_also_a_contribution_to_the_guest(scena, struttura):
    """The guest pays 25 € a day of the rate and the invoice is the comune's share: a
    "contribution" to the same guest for the same placement and month is a second payment."""
    i = intervento(scena.actor, "ricovero")
    ricovero_autorizza(actor=scena.actor, intervento=i, struttura=struttura,
                       contratto=scena.contratto_rsa, dal=date(2025, 2, 1),
                       quota_utente=D("25.00"))
    with pytest.raises(IntegrityError):
        _paga_alla_persona(i)


@pytest.mark.parametrize("tipo", ["economica", "minori", "altro", "lsu", "maternita"])
def test_the_database_refuses_an_invoice_line_for_a_service_paid_to_the_person(scena, tipo):
    economica = intervento(scena.actor, tipo)
    fattura = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="SAD-1", data=date(2025, 4, 2),
        competenza=MARZO, importo_totale=D("43.00"),
        righe=[RigaInput(intervento=intervento(scena.actor, "domiciliare"), quantita=D("2"),
                         importo=D("43.00"))])
    with pytest.raises(IntegrityError, match="riga_fattura_solo_a_fornitore"), \
            transaction.atomic():
        RigaFattura.objects.create(fattura=fattura, intervento=economica, quantita=D("1"),
                                   importo=D("10.00"))
    assert fattura.righe.count() == 1


def test_an_invoice_for_a_person_already_paid_directly_is_refused_with_a_message(scena):
    economica = intervento(scena.actor, "economica")
    _paga_alla_persona(economica)
    with pytest.raises(ValidationFailed, match="non si paga al fornitore") as exc:
        fattura_create(actor=scena.actor, contratto=scena.contratto_sad, numero="SAD-2",
                       data=date(2025, 4, 2), competenza=MARZO, importo_totale=D("43.00"),
                       righe=[RigaInput(intervento=economica, quantita=D("2"),
                                        importo=D("43.00"))])
    assert exc.value.field == "righe"
    assert not scena.contratto_sad.fatture.exists()


def test_a_contract_is_only_for_services_paid_to_a_provider(scena):
    economica = Servizio.objects.create(nome="Contributo affitto", tipo="economica",
                                        area_target="poverta", carattere="periodico")
    with pytest.raises(ValidationFailed, match="si paga alla persona") as exc:
        contratto_create(actor=scena.actor, fornitore=scena.coop, servizio=economica,
                         numero="X-1", dal=date(2025, 1, 1), al=date(2025, 12, 31),
                         tariffa_oraria=D("20"), importo_massimo=D("1000"))
    assert exc.value.field == "servizio"


def test_lsu_pay_is_only_the_pay_of_an_lsu_intervention(scena):
    from services.lsu.models import Contratto as ContrattoLsu
    from services.lsu.models import Progetto

    persona = new_persona(scena.actor)
    economica = intervento(scena.actor, "economica", persona=persona)
    progetto = Progetto.objects.create(nome="Verde pubblico", data_inizio=date(2025, 1, 1))
    with pytest.raises(IntegrityError, match="lsu_contratto_solo_lsu"), transaction.atomic():
        ContrattoLsu.objects.create(numero="L-1", persona=persona, progetto=progetto,
                                    intervento=economica, data_inizio=date(2025, 1, 1),
                                    data_fine=date(2025, 6, 30), ore_settimanali=D("20"),
                                    compenso_orario=D("8"))


def test_an_intervention_paid_to_the_person_cannot_become_a_placement(scena):
    """Changing the type would move the payments to another way: the database refuses."""
    economica = intervento(scena.actor, "economica")
    _paga_alla_persona(economica)
    with pytest.raises(IntegrityError), transaction.atomic():
        Intervento.objects.filter(pk=economica.pk).update(tipo="ricovero")
