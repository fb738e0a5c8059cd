"""Amounts and hours typed the Italian way: the shared fields of services.core.forms, and
the same input through the real pages (a proposal of intervention, a determina)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from services.core.forms import EuroField, NumeroNonLeggibile, QuantitaField, parse_numero
from services.determine.models import Determina
from services.interventi.models import Intervento
from tests.conftest import client_for

# The fixtures of the money tests; ruff takes their use as parameters for redefinitions.
from tests.interventi.conftest import a, catalogo, persona, servizio  # noqa: F401

D = Decimal
MSG = "Scrivi l&#x27;importo in euro, ad esempio 1.250,00."


@pytest.mark.parametrize(("typed", "read"), [
    ("2.500,00", D("2500.00")),
    ("2500,50", D("2500.50")),
    ("€ 1.234,5", D("1234.5")),
    ("1 200,00", D("1200.00")),
    ("1\u00a0200,00", D("1200.00")),
    ("1\u202f200,00", D("1200.00")),
    ("1'200,00", D("1200.00")),
    ("2500.00", D("2500.00")),
    ("2.500", D("2500")),
    ("1.234.567,89", D("1234567.89")),
    ("2.5", D("2.5")),
    ("2.50", D("2.50")),
    ("0,75", D("0.75")),
    (",5", D("0.5")),
    ("1 200.50", D("1200.50")),
    ("  300 € ", D("300")),
    ("EUR 1.200", D("1200")),
    ("1200 euro", D("1200")),
    ("-€ 5", D("-5")),
    ("€ -5,5", D("-5.5")),
])
def test_italian_numbers_are_read(typed, read):
    value = parse_numero(typed)
    assert value == read
    assert value.as_tuple().exponent == read.as_tuple().exponent


@pytest.mark.parametrize("typed", [
    "", "€", "-", "abc", "12,34,5", "12,", "5.", "1,234.56", "1.2345,00", "12.34,5",
    "1.234.56", "1.234 567", "1 23,00", "NaN", "1e5", "Infinity", "2,5o", "٣",
])
def test_garbage_and_ambiguous_input_is_refused(typed):
    with pytest.raises(NumeroNonLeggibile):
        parse_numero(typed)


def test_euro_field_cleans_and_keeps_the_decimal_checks():
    field = EuroField(required=False)
    assert field.clean("2.500,00") == D("2500.00")
    assert field.clean("") is None
    assert field.clean("  ") is None
    for typed, message in [
        ("abc", "Scrivi l'importo in euro, ad esempio 1.250,00."),
        ("12,34,5", "Scrivi l'importo in euro, ad esempio 1.250,00."),
        ("2,505", "Assicurati che non vi siano più di 2 cifre decimali."),
        ("-1", "Assicurati che questo valore sia maggiore o uguale a 0."),
        ("12.345.678.901,00", "Assicurati che non vi siano più di 12 cifre in totale."),
    ]:
        with pytest.raises(forms.ValidationError) as exc:
            field.clean(typed)
        assert exc.value.messages == [message]


def test_the_limits_are_the_callers_to_set():
    field = EuroField(max_digits=8, min_value=None)
    assert field.clean("-12,50") == D("-12.50")
    with pytest.raises(forms.ValidationError):
        field.clean("1.000.000,00")


def test_a_custom_invalid_message_wins():
    field = EuroField(error_messages={"invalid": "Il valore ISEE non è un importo valido."})
    with pytest.raises(forms.ValidationError) as exc:
        field.clean("dodici")
    assert exc.value.messages == ["Il valore ISEE non è un importo valido."]


def test_quantita_field():
    field = QuantitaField(required=False)
    assert field.clean("31,5") == D("31.5")
    assert field.clean("1.200") == D("1200")
    with pytest.raises(forms.ValidationError) as exc:
        field.clean("tre ore")
    assert exc.value.messages == ["Scrivi la quantità come numero, ad esempio 12,5."]


class _Form(forms.Form):
    importo = EuroField(required=False)
    ore = QuantitaField(required=False)


def test_initial_values_are_shown_in_italian_and_typed_ones_untouched():
    form = _Form(initial={"importo": D("12345.6"), "ore": D("31.50")})
    assert form["importo"].value() == "12.345,60"
    assert form["ore"].value() == "31,50"
    html = str(form["importo"])
    assert 'value="12.345,60"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="text"' in html
    bound = _Form({"importo": "12,34,5", "ore": "2500.00"})
    assert not bound.is_valid()
    assert bound["importo"].value() == "12,34,5"
    assert bound.cleaned_data["ore"] == D("2500.00")


def test_an_unchanged_initial_amount_is_not_a_change():
    form = _Form({"importo": "2.500,00", "ore": ""}, initial={"importo": D("2500.00")})
    assert form.changed_data == []


def _c(cast, role):
    return client_for(cast.by_role[role], cast.comune_a.ente)


def _proposta(servizio_scelto, importo):
    return {"servizio": servizio_scelto.public_id, "data_inizio": "2025-03-15",
            "importo_totale": importo, "quota_ente": "2.000", "quota_utente": "500,00",
            "motivazione": "Morosità incolpevole"}


def test_a_proposal_typed_the_italian_way_is_saved_exactly(cast, a, persona, servizio):  # noqa: F811
    c = _c(cast, "assistente_sociale")
    r = c.post(f"/servizi/interventi/nuovo/?persona={persona.public_id}",
               _proposta(servizio, "€ 2.500,00"))
    assert r.status_code == 302
    i = Intervento.objects.get()
    assert i.importo_totale == D("2500.00")
    assert i.quota_ente == D("2000.00")
    assert i.quota_utente == D("500.00")


@pytest.mark.parametrize("importo", ["12,34,5", "abc"])
def test_a_proposal_with_a_garbled_amount_says_how_and_saves_nothing(cast, a, persona, servizio,  # noqa: F811
                                                                       importo):
    c = _c(cast, "assistente_sociale")
    r = c.post(f"/servizi/interventi/nuovo/?persona={persona.public_id}",
               _proposta(servizio, importo))
    assert r.status_code == 200
    page = r.content.decode()
    assert MSG in page
    assert f'value="{importo}"' in page
    assert not Intervento.objects.exists()


def _determina(importo):
    return {"data_adozione": "2025-02-01", "oggetto": "Contributi economici",
            "capitolo": "1100", "importo_impegnato": importo}


def test_a_determina_typed_the_italian_way_is_saved_exactly(cast, a):  # noqa: F811
    c = _c(cast, "amministrativo")
    r = c.post("/determine/nuova/", _determina("12.345,67"))
    assert r.status_code == 302
    d = Determina.objects.get()
    assert d.importo_impegnato == D("12345.67")
    page = c.get(f"/determine/{d.public_id}/").content.decode()
    assert "12.345,67" in page


@pytest.mark.parametrize("importo", ["12,34,5", "abc", "1.2345,67"])
def test_a_determina_with_a_garbled_amount_says_how_and_saves_nothing(cast, a, importo):  # noqa: F811
    c = _c(cast, "amministrativo")
    r = c.post("/determine/nuova/", _determina(importo))
    assert r.status_code == 200
    assert MSG in r.content.decode()
    assert not Determina.objects.exists()
