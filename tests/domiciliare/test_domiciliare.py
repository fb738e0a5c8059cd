"""Home care: a plan for an approved intervention, the provider's monthly statement, and
the planned-against-worked comparison."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.core.errors import AlreadyExists, ValidationFailed
from services.domiciliare.models import OreLavorate, PianoDomiciliare, Rendiconto
from services.domiciliare.selectors import confronto_mese
from services.domiciliare.services import piano_create, rendiconto_registra
from services.interventi.models import Intervento
from tests.fornitori.conftest import intervento

D = Decimal
MARZO = date(2025, 3, 1)


def _piano(scena, **changes):
    args = {"actor": scena.actor, "intervento": intervento(scena.actor, "domiciliare"),
            "contratto": scena.contratto_sad, "ore_mensili": D("20"), "dal": date(2025, 2, 1)}
    args.update(changes)
    return piano_create(**args)


def test_plan_and_statement_and_comparison(scena):
    a = _piano(scena)
    b = _piano(scena, ore_mensili=D("12"))
    c = _piano(scena, ore_mensili=D("8"), al=date(2025, 2, 28))  # ended before March
    rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=date(2025, 3, 17),
                        ricevuto_il=date(2025, 4, 2), ore={a: D("22.5"), b: None})
    r = Rendiconto.objects.get()
    assert r.mese == MARZO
    assert list(r.righe.values_list("piano_id", "ore")) == [(a.pk, D("22.50"))]
    rows = {row.piano.pk: row for row in confronto_mese(MARZO)}
    assert set(rows) == {a.pk, b.pk}
    assert rows[a.pk].differenza == D("2.50")
    assert rows[b.pk].lavorate is None
    assert c.pk not in rows


@pytest.mark.parametrize(("changes", "field"), [
    ({"ore_mensili": D("0")}, "ore_mensili"),
    ({"dal": date(2024, 6, 1)}, "dal"),  # before the contract
    ({"al": date(2025, 1, 1)}, "al"),
])
def test_bad_plans(scena, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        _piano(scena, **changes)
    assert exc.value.field == field
    assert not PianoDomiciliare.objects.exists()


def test_only_approved_home_care_interventions_are_planned(scena):
    with pytest.raises(ValidationFailed, match="approvati"):
        _piano(scena, intervento=intervento(scena.actor, "domiciliare",
                                            stato=Intervento.Stato.PROPOSTO))
    with pytest.raises(ValidationFailed, match="non è di assistenza domiciliare"):
        _piano(scena, intervento=intervento(scena.actor, "ricovero"))
    with pytest.raises(ValidationFailed, match="contratto"):
        _piano(scena, contratto=scena.contratto_rsa)
    piano = _piano(scena)
    with pytest.raises(AlreadyExists):
        _piano(scena, intervento=piano.intervento)


def test_one_statement_per_contract_and_month(scena):
    p = _piano(scena)
    rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                        ricevuto_il=date(2025, 4, 2), ore={p: D("20")})
    with pytest.raises(AlreadyExists, match="03/2025"):
        rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                            ricevuto_il=date(2025, 4, 9), ore={p: D("21")})
    assert list(OreLavorate.objects.values_list("ore", flat=True)) == [D("20.00")]


@pytest.mark.parametrize(("ore", "message"), [
    (D("-1"), "non sono valide"),
    (D("800"), "non sono valide"),
    (None, "almeno una persona"),
])
def test_bad_statements_change_nothing(scena, ore, message):
    p = _piano(scena)
    with pytest.raises(ValidationFailed, match=message):
        rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                            ricevuto_il=date(2025, 4, 2), ore={p: ore})
    assert not Rendiconto.objects.exists()


def test_a_plan_not_running_in_the_month_is_refused(scena):
    p = _piano(scena, dal=date(2025, 5, 1))
    with pytest.raises(ValidationFailed, match="non ha un piano attivo"):
        rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                            ricevuto_il=date(2025, 4, 2), ore={p: D("3")})
