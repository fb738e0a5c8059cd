"""Providers and contracts: identifiers validated (partita IVA check digit, codice fiscale,
IBAN), duplicates refused, contracts with the rate their service needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.core.audit import AuditEntry
from services.core.errors import AlreadyExists, ValidationFailed
from services.fornitori.models import Contratto, Fornitore
from services.fornitori.services import contratto_create, fornitore_create, fornitore_update
from services.fornitori.validators import iban_valido, partita_iva_valida

from .conftest import IBAN, piva, servizio

D = Decimal


@pytest.mark.parametrize(("value", "ok"), [
    ("00743110157", True),   # a real, well-formed partita IVA
    ("01234567897", True),
    ("01234567890", False),  # wrong check digit
    ("0123456789", False),   # ten digits
    ("0123456789A", False),
])
def test_partita_iva_check_digit(value, ok):
    assert partita_iva_valida(value) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("IT60X0542811101000000123456", True),
    ("IT60X0542811101000000123457", False),  # mod 97 fails
    ("IT60X054281110100000012345", False),   # too short for Italy
    ("DE89370400440532013000", True),
])
def test_iban(value, ok):
    assert iban_valido(value) is ok


def test_a_provider_is_created_with_normalised_identifiers(scena):
    f = fornitore_create(actor=scena.actor, ragione_sociale=" Cooperativa Arcobaleno ",
                         tipo="cooperativa", codice_fiscale=piva(55501),
                         partita_iva="IT" + piva(55501), pec="Arco@PEC.it",
                         iban="it60 x054 2811 1010 0000 0123 456")
    assert f.ragione_sociale == "Cooperativa Arcobaleno"
    assert f.partita_iva == piva(55501)
    assert f.iban == IBAN
    assert f.pec == "arco@pec.it"
    assert AuditEntry.objects.filter(action="fornitore.creato", object_id=str(f.public_id)).exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"partita_iva": "01234567890"}, "partita_iva", "cifra di controllo"),
    ({"codice_fiscale": "RSSMRA80A01G478X"}, "codice_fiscale", "non è valido"),
    ({"iban": "IT60X0542811101000000123457"}, "iban", "IBAN"),
    ({"ragione_sociale": ""}, "ragione_sociale", "ragione sociale"),
    ({"tipo": "banca"}, "tipo", "tipo"),
])
def test_bad_provider_data_is_refused(scena, changes, field, message):
    before = Fornitore.objects.count()
    args = {"actor": scena.actor, "ragione_sociale": "Coop", "tipo": "cooperativa",
            "codice_fiscale": piva(77701), "partita_iva": piva(77701), "iban": IBAN}
    args.update(changes)
    with pytest.raises(ValidationFailed, match=message) as exc:
        fornitore_create(**args)
    assert exc.value.field == field
    assert Fornitore.objects.count() == before


def test_the_same_codice_fiscale_twice(scena):
    with pytest.raises(AlreadyExists, match="Cooperativa Il Girasole") as exc:
        fornitore_create(actor=scena.actor, ragione_sociale="Altra", tipo="altro",
                         codice_fiscale=scena.coop.codice_fiscale)
    assert exc.value.field == "codice_fiscale"


def test_update_keeps_its_own_code(scena):
    f = fornitore_update(actor=scena.actor, fornitore=scena.coop,
                         ragione_sociale="Cooperativa Il Girasole onlus", tipo="cooperativa",
                         codice_fiscale=scena.coop.codice_fiscale, iban=IBAN)
    assert f.ragione_sociale == "Cooperativa Il Girasole onlus"


def _contratto(scena, **changes):
    args = {"actor": scena.actor, "fornitore": scena.coop, "servizio": servizio("domiciliare"),
            "numero": "SAD-2", "dal": date(2025, 1, 1), "al": date(2025, 12, 31),
            "tariffa_oraria": D("20.00"), "importo_massimo": D("1000.00")}
    args.update(changes)
    return contratto_create(**args)


@pytest.mark.parametrize(("changes", "field"), [
    ({"tariffa_oraria": None}, "tariffa_oraria"),
    ({"al": date(2024, 12, 31)}, "al"),
    ({"importo_massimo": D("0")}, "importo_massimo"),
    ({"numero": ""}, "numero"),
    ({"servizio": "ricovero"}, "servizio"),  # a cooperative is not a structure
])
def test_bad_contracts_are_refused(scena, changes, field):
    if changes.get("servizio") == "ricovero":
        changes = {"servizio": servizio("ricovero"), "tariffa_giornaliera": D("80")}
    before = Contratto.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _contratto(scena, **changes)
    assert exc.value.field == field
    assert Contratto.objects.count() == before


def test_a_contract_number_once_per_provider(scena):
    with pytest.raises(AlreadyExists):
        _contratto(scena, numero="sad-2025")
    c = _contratto(scena, tariffa_oraria=D("19.999"))
    assert c.tariffa_oraria == D("20.00")
