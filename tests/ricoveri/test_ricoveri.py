"""Placements: structures of providers of type struttura, authorisation within capacity,
presences per month, occupancy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.core.errors import AlreadyExists, ValidationFailed
from services.ricoveri.models import Presenza, Ricovero
from services.ricoveri.selectors import occupazione
from services.ricoveri.services import (
    presenze_registra,
    ricovero_autorizza,
    ricovero_dimetti,
    struttura_create,
)
from tests.fornitori.conftest import intervento

D = Decimal


@pytest.fixture
def struttura(scena):
    return struttura_create(actor=scena.actor, fornitore=scena.gestore, nome="Casa Serena",
                            posti=2)


def _autorizza(scena, struttura, **changes):
    args = {"actor": scena.actor, "intervento": intervento(scena.actor, "ricovero"),
            "struttura": struttura, "contratto": scena.contratto_rsa, "dal": date(2025, 2, 1),
            "quota_utente": D("30")}
    args.update(changes)
    return ricovero_autorizza(**args)


def test_authorisation_takes_the_contract_rate_and_splits_it(scena, struttura):
    r = _autorizza(scena, struttura)
    assert r.tariffa_giornaliera == D("85.00")
    assert r.quota_utente == D("30.00")
    assert r.quota_ente == D("55.00")


def test_a_structure_belongs_to_a_provider_of_type_struttura(scena):
    with pytest.raises(ValidationFailed, match="struttura residenziale") as exc:
        struttura_create(actor=scena.actor, fornitore=scena.coop, nome="X", posti=3)
    assert exc.value.field == "fornitore"


def test_no_placement_beyond_capacity_and_discharge_frees_a_place(scena, struttura):
    first = _autorizza(scena, struttura)
    _autorizza(scena, struttura)
    with pytest.raises(ValidationFailed, match="non ha posti liberi"):
        _autorizza(scena, struttura, dal=date(2025, 3, 1))
    assert Ricovero.objects.count() == 2
    occ = occupazione(date(2025, 3, 1)).get(pk=struttura.pk)
    assert (occ.ospiti, occ.posti) == (2, 2)
    ricovero_dimetti(actor=scena.actor, ricovero=first, al=date(2025, 3, 15))
    _autorizza(scena, struttura, dal=date(2025, 3, 16))
    assert occupazione(date(2025, 3, 20)).get(pk=struttura.pk).ospiti == 2


@pytest.mark.parametrize(("changes", "field"), [
    ({"quota_utente": D("90")}, "quota_utente"),  # above the daily rate
    ({"dal": date(2024, 12, 1)}, "dal"),
])
def test_bad_authorisations(scena, struttura, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        _autorizza(scena, struttura, **changes)
    assert exc.value.field == field
    assert not Ricovero.objects.exists()


def test_only_approved_ricovero_interventions_and_once(scena, struttura):
    with pytest.raises(ValidationFailed, match="approvati"):
        _autorizza(scena, struttura, intervento=intervento(scena.actor, "ricovero",
                                                           stato="proposto"))
    with pytest.raises(ValidationFailed, match="non è un ricovero"):
        _autorizza(scena, struttura, intervento=intervento(scena.actor, "domiciliare"))
    r = _autorizza(scena, struttura)
    with pytest.raises(AlreadyExists):
        _autorizza(scena, struttura, intervento=r.intervento)


def test_the_contract_rate_is_needed_and_the_provider_must_match(scena, struttura):
    with pytest.raises(ValidationFailed, match="gestore"):
        _autorizza(scena, struttura, contratto=scena.contratto_sad)


def test_presences_are_recorded_and_corrected(scena, struttura):
    r = _autorizza(scena, struttura)
    presenze_registra(actor=scena.actor, ricovero=r, mese=date(2025, 2, 14), giorni=27)
    presenze_registra(actor=scena.actor, ricovero=r, mese=date(2025, 2, 1), giorni=28)
    assert list(Presenza.objects.values_list("mese", "giorni")) == [(date(2025, 2, 1), 28)]


@pytest.mark.parametrize(("mese", "giorni", "field"), [
    (date(2025, 2, 1), 29, "giorni"),  # February 2025 has 28 days
    (date(2025, 1, 1), 10, "mese"),    # before the placement
    (date(2025, 3, 1), -1, "giorni"),
])
def test_bad_presences(scena, struttura, mese, giorni, field):
    r = _autorizza(scena, struttura)
    with pytest.raises(ValidationFailed) as exc:
        presenze_registra(actor=scena.actor, ricovero=r, mese=mese, giorni=giorni)
    assert exc.value.field == field
    assert not Presenza.objects.exists()


def test_the_monthly_presences_of_a_structure_are_all_saved_or_none(scena, struttura):
    from services.ricoveri.services import ospiti_del_mese, presenze_mese_registra

    a = _autorizza(scena, struttura)
    b = _autorizza(scena, struttura, dal=date(2025, 3, 10))
    marzo = date(2025, 3, 1)
    assert {r.pk for r in ospiti_del_mese(struttura, marzo)} == {a.pk, b.pk}
    with pytest.raises(ValidationFailed, match=b.intervento.persona.nome_completo):
        presenze_mese_registra(actor=scena.actor, struttura=struttura, mese=marzo,
                               giorni={a: 31, b: 32})
    assert not Presenza.objects.exists()
    presenze_mese_registra(actor=scena.actor, struttura=struttura, mese=marzo,
                           giorni={a: 31, b: 22})
    assert dict(Presenza.objects.values_list("ricovero_id", "giorni")) == {a.pk: 31, b.pk: 22}
    # February: only the first guest was there.
    assert [r.pk for r in ospiti_del_mese(struttura, date(2025, 2, 1))] == [a.pk]
    with pytest.raises(ValidationFailed, match="non è ospite"):
        presenze_mese_registra(actor=scena.actor, struttura=struttura, mese=date(2025, 2, 1),
                               giorni={b: 3})
