"""The automatic check of a provider's invoice: days × daily rate less the user's share for
placements, hours worked × hourly rate for home care, the contract ceiling and the
determina's remaining amount; a duplicate number is refused and nothing is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.core.audit import AuditEntry
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.domiciliare.services import piano_create, rendiconto_registra
from services.fornitori.models import Discrepanza, Fattura, RigaFattura
from services.fornitori.services import (
    RigaInput,
    fattura_accetta,
    fattura_contesta,
    fattura_create,
    fattura_ricontrolla,
)
from services.ricoveri.services import presenze_registra, ricovero_autorizza, struttura_create

from .conftest import intervento

D = Decimal
MARZO = date(2025, 3, 1)


@pytest.fixture
def ospite(scena):
    """A guest of the structure, rate 85 €/day of which 25 € paid by the user: 20 days in
    March."""
    struttura = struttura_create(actor=scena.actor, fornitore=scena.gestore,
                                 nome="RSA San Martino", posti=30)
    ricovero = ricovero_autorizza(actor=scena.actor, intervento=intervento(scena.actor, "ricovero"),
                                  struttura=struttura, contratto=scena.contratto_rsa,
                                  dal=date(2025, 2, 10), quota_utente=D("25.00"))
    presenze_registra(actor=scena.actor, ricovero=ricovero, mese=MARZO, giorni=20)
    return ricovero


@pytest.fixture
def assistito(scena):
    """A person with 30 planned hours a month; the cooperative's March statement says 28."""
    piano = piano_create(actor=scena.actor, intervento=intervento(scena.actor, "domiciliare"),
                         contratto=scena.contratto_sad, ore_mensili=D("30"),
                         dal=date(2025, 2, 1))
    rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=MARZO,
                        ricevuto_il=date(2025, 4, 3), ore={piano: D("28")})
    return piano


def fattura_rsa(scena, ricovero, *, numero="12", giorni="20", importo="1200.00", totale=None,
                tariffa=None, data=date(2025, 4, 5)):
    return fattura_create(
        actor=scena.actor, contratto=scena.contratto_rsa, numero=numero, data=data,
        competenza=MARZO, importo_totale=D(totale or importo),
        righe=[RigaInput(intervento=ricovero.intervento, quantita=D(giorni), importo=D(importo),
                         tariffa=D(tariffa) if tariffa else None)])


def tipi(fattura) -> list[str]:
    return sorted(d.tipo for d in fattura.discrepanze.all())


def test_a_correct_structure_invoice_is_verified(scena, ospite):
    # 20 days × (85 − 25) = 1200.00
    f = fattura_rsa(scena, ospite, tariffa="85.00")
    assert f.stato == Fattura.Stato.VERIFICATA
    assert f.importo_atteso == D("1200.00")
    riga = f.righe.get()
    assert (riga.quantita_attesa, riga.tariffa_attesa, riga.importo_atteso) == (
        D("20"), D("85.00"), D("1200.00"))
    assert not f.discrepanze.exists()
    entry = AuditEntry.objects.filter(action="fattura.registrata").latest("id")
    assert entry.payload["discrepanze"] == 0


def test_days_invoiced_beyond_presences(scena, ospite):
    f = fattura_rsa(scena, ospite, giorni="23", importo="1380.00")
    assert f.stato == Fattura.Stato.CON_DISCREPANZE
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.QUANTITA
    assert "fatturati 23 giorni, riscontrati 20" in d.descrizione
    assert d.differenza == D("180.00")  # 3 days × 60 €
    assert d.riga.importo_atteso == D("1200.00")
    assert f.importo_atteso == D("1200.00")


def test_a_wrong_rate(scena, ospite):
    # The structure applies 90 €/day instead of the contract's 85.
    f = fattura_rsa(scena, ospite, tariffa="90.00", importo="1300.00")
    assert f.stato == Fattura.Stato.CON_DISCREPANZE
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.TARIFFA
    assert "tariffa fatturata 90,00 €, tariffa del contratto 85,00 €" in d.descrizione
    assert d.differenza == D("100.00")


def test_a_wrong_amount_without_a_rate_on_the_line(scena, ospite):
    # The user's share was not deducted: 20 × 85 = 1700 instead of 1200.
    f = fattura_rsa(scena, ospite, importo="1700.00")
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.IMPORTO
    assert "atteso 1.200,00 €" in d.descrizione
    assert "quota utente di 25,00 €" in d.descrizione
    assert d.differenza == D("500.00")


def test_an_invoice_above_the_contract(scena, ospite):
    scena.contratto_rsa.importo_massimo = D("1000.00")
    scena.contratto_rsa.save(update_fields=["importo_massimo"])
    f = fattura_rsa(scena, ospite)
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.TETTO_CONTRATTO
    assert "oltre l'importo massimo di 1.000,00 €" in d.descrizione
    assert d.differenza == D("200.00")


def test_the_ceiling_counts_earlier_invoices_but_not_contested_ones(scena, ospite):
    scena.contratto_rsa.importo_massimo = D("2000.00")
    scena.contratto_rsa.save(update_fields=["importo_massimo"])
    first = fattura_rsa(scena, ospite, numero="1")
    assert first.stato == Fattura.Stato.VERIFICATA
    presenze_registra(actor=scena.actor, ricovero=ospite, mese=date(2025, 4, 1), giorni=20)
    second = fattura_create(
        actor=scena.actor, contratto=scena.contratto_rsa, numero="2", data=date(2025, 5, 3),
        competenza=date(2025, 4, 1), importo_totale=D("1200.00"),
        righe=[RigaInput(intervento=ospite.intervento, quantita=D("20"), importo=D("1200.00"))])
    assert tipi(second) == ["tetto_contratto"]
    fattura_contesta(actor=scena.actor, fattura=first, motivazione="Presenze da verificare")
    second = fattura_ricontrolla(actor=scena.actor, fattura=second)
    assert second.stato == Fattura.Stato.VERIFICATA


def test_an_invoice_over_the_determina_remaining_amount(scena, ospite):
    scena.determina.importo_impegnato = D("1500.00")
    scena.determina.importo_liquidato = D("400.00")
    scena.determina.save(update_fields=["importo_impegnato", "importo_liquidato"])
    f = fattura_rsa(scena, ospite)
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.DETERMINA
    assert "1.100,00 €" in d.descrizione
    assert d.differenza == D("100.00")


def test_total_not_matching_the_lines(scena, ospite):
    f = fattura_rsa(scena, ospite, totale="1250.00")
    assert tipi(f) == ["totale"]


def test_a_person_not_placed_under_the_contract(scena, ospite):
    altro = intervento(scena.actor, "ricovero")
    f = fattura_create(
        actor=scena.actor, contratto=scena.contratto_rsa, numero="7", data=date(2025, 4, 5),
        competenza=MARZO, importo_totale=D("600.00"),
        righe=[RigaInput(intervento=altro, quantita=D("10"), importo=D("600.00"))])
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.NON_PREVISTO
    assert altro.persona.nome_completo in d.descrizione


def test_presences_entered_later_and_the_invoice_checked_again(scena, ospite):
    aprile = date(2025, 4, 1)
    f = fattura_create(
        actor=scena.actor, contratto=scena.contratto_rsa, numero="9", data=date(2025, 5, 2),
        competenza=aprile, importo_totale=D("1800.00"),
        righe=[RigaInput(intervento=ospite.intervento, quantita=D("30"), importo=D("1800.00"))])
    d = f.discrepanze.get()
    assert "presenze del mese non registrate" in d.descrizione
    presenze_registra(actor=scena.actor, ricovero=ospite, mese=aprile, giorni=30)
    f = fattura_ricontrolla(actor=scena.actor, fattura=f)
    assert f.stato == Fattura.Stato.VERIFICATA
    assert not f.discrepanze.exists()


def test_home_care_invoice_against_hours_worked(scena, assistito):
    ok = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="A/31", data=date(2025, 4, 8),
        competenza=MARZO, importo_totale=D("602.00"),
        righe=[RigaInput(intervento=assistito.intervento, quantita=D("28"), importo=D("602.00"),
                         tariffa=D("21.50"))])
    assert ok.stato == Fattura.Stato.VERIFICATA
    assert ok.importo_atteso == D("602.00")
    # The planned 30 hours are invoiced, but the statement says 28 were worked.
    oltre = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="A/32", data=date(2025, 4, 8),
        competenza=MARZO, importo_totale=D("645.00"),
        righe=[RigaInput(intervento=assistito.intervento, quantita=D("30"), importo=D("645.00"))])
    d = oltre.discrepanze.get()
    assert "fatturati 30 ore, riscontrati 28" in d.descrizione
    assert d.differenza == D("43.00")


def test_amounts_are_rounded_half_up_to_the_cent(scena, assistito):
    # 28.5 h × 21.50 = 612.75 exactly; 0.1 h × 21.50 = 2.15; make it 1/3 of an hour: 7.1666…
    rendiconto_registra(actor=scena.actor, contratto=scena.contratto_sad, mese=date(2025, 4, 1),
                        ricevuto_il=date(2025, 5, 2), ore={assistito: D("0.33")})
    f = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="A/40", data=date(2025, 5, 5),
        competenza=date(2025, 4, 1), importo_totale=D("7.10"),
        righe=[RigaInput(intervento=assistito.intervento, quantita=D("0.33"), importo=D("7.10"))])
    # 0.33 × 21.50 = 7.095 → 7.10 (half up, not banker's 7.10/7.09)
    assert f.importo_atteso == D("7.10")
    assert f.stato == Fattura.Stato.VERIFICATA


def test_a_duplicate_invoice_number_from_the_same_provider(scena, ospite):
    fattura_rsa(scena, ospite, numero="12")
    before = (Fattura.objects.count(), RigaFattura.objects.count(),
              AuditEntry.objects.filter(action="fattura.registrata").count())
    with pytest.raises(AlreadyExists) as exc:
        fattura_rsa(scena, ospite, numero="12", data=date(2025, 4, 20))
    assert "Opera Pia San Martino ha già una fattura n. 12 nel 2025" in str(exc.value)
    assert exc.value.field == "numero"
    assert (Fattura.objects.count(), RigaFattura.objects.count(),
            AuditEntry.objects.filter(action="fattura.registrata").count()) == before


def test_the_same_number_another_year_or_another_provider_is_fine(scena, ospite, assistito):
    fattura_rsa(scena, ospite, numero="12")
    assert fattura_rsa(scena, ospite, numero="12", data=date(2026, 1, 10)).anno == 2026
    other = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="12", data=date(2025, 4, 8),
        competenza=MARZO, importo_totale=D("602.00"),
        righe=[RigaInput(intervento=assistito.intervento, quantita=D("28"), importo=D("602.00"))])
    assert other.pk


@pytest.mark.parametrize(("changes", "field"), [
    ({"numero": " "}, "numero"),
    ({"importo_totale": D("0")}, "importo_totale"),
    ({"righe": []}, "righe"),
    ({"data": date(2099, 1, 1)}, "data"),
])
def test_bad_invoices_change_nothing(scena, ospite, changes, field):
    args = {"actor": scena.actor, "contratto": scena.contratto_rsa, "numero": "5",
            "data": date(2025, 4, 5), "competenza": MARZO, "importo_totale": D("1200.00"),
            "righe": [RigaInput(intervento=ospite.intervento, quantita=D("20"),
                                importo=D("1200.00"))]}
    args.update(changes)
    with pytest.raises(ValidationFailed) as exc:
        fattura_create(**args)
    assert exc.value.field == field
    assert not Fattura.objects.exists()


def test_one_line_per_person(scena, ospite):
    riga = RigaInput(intervento=ospite.intervento, quantita=D("10"), importo=D("600.00"))
    with pytest.raises(ValidationFailed, match="compare in due righe"):
        fattura_create(actor=scena.actor, contratto=scena.contratto_rsa, numero="5",
                       data=date(2025, 4, 5), competenza=MARZO, importo_totale=D("1200.00"),
                       righe=[riga, riga])
    assert not Fattura.objects.exists()


def test_only_the_dirigente_accepts_discrepancies_and_with_a_reason(scena, ospite):
    f = fattura_rsa(scena, ospite, giorni="21", importo="1260.00")
    with pytest.raises(NotAllowed):
        fattura_accetta(actor=scena.actor, fattura=f, motivazione="Va bene")
    with pytest.raises(ValidationFailed) as exc:
        fattura_accetta(actor=scena.dirigente, fattura=f, motivazione="  ")
    assert exc.value.field == "motivazione"
    f.refresh_from_db()
    assert f.stato == Fattura.Stato.CON_DISCREPANZE
    f = fattura_accetta(actor=scena.dirigente, fattura=f,
                        motivazione="Giorno di rientro concordato con la struttura")
    assert f.stato == Fattura.Stato.ACCETTATA
    assert f.decisa_da_id == scena.dirigente.user.pk
    assert AuditEntry.objects.filter(action="fattura.accettata",
                                     object_id=str(f.public_id)).exists()
    with pytest.raises(ValidationFailed):  # not twice, and a verified one needs no acceptance
        fattura_accetta(actor=scena.dirigente, fattura=f, motivazione="ancora")


def test_a_contested_invoice_is_not_checked_again(scena, ospite):
    f = fattura_rsa(scena, ospite, giorni="21", importo="1260.00")
    f = fattura_contesta(actor=scena.actor, fattura=f, motivazione="Un giorno in più")
    assert f.stato == Fattura.Stato.CONTESTATA
    with pytest.raises(ValidationFailed):
        fattura_ricontrolla(actor=scena.actor, fattura=f)


def test_the_same_number_in_other_case_is_a_duplicate(scena, ospite):
    fattura_rsa(scena, ospite, numero="A/12")
    with pytest.raises(AlreadyExists):
        fattura_rsa(scena, ospite, numero="a/12")
    assert Fattura.objects.count() == 1


def test_two_people_entering_the_same_invoice_at_once(scena, ospite, monkeypatch):
    """The second one passes the look-up before the first commits: the unique index
    refuses it and the user gets the same clear message, with nothing saved."""
    fattura_rsa(scena, ospite, numero="12")
    monkeypatch.setattr("services.fornitori.services._numero_usato", lambda *a: False)
    with pytest.raises(AlreadyExists, match="ha già una fattura n. 12"):
        fattura_rsa(scena, ospite, numero="12", data=date(2025, 4, 9))
    assert Fattura.objects.count() == 1
    assert RigaFattura.objects.count() == 1


def test_hours_beyond_the_contract_maximum(scena, assistito):
    scena.contratto_sad.ore_massime = D("20")
    scena.contratto_sad.save(update_fields=["ore_massime"])
    f = fattura_create(
        actor=scena.actor, contratto=scena.contratto_sad, numero="A/50", data=date(2025, 4, 8),
        competenza=MARZO, importo_totale=D("602.00"),
        righe=[RigaInput(intervento=assistito.intervento, quantita=D("28"), importo=D("602.00"))])
    d = f.discrepanze.get()
    assert d.tipo == Discrepanza.Tipo.TETTO_CONTRATTO
    assert "arrivano a 28, oltre le 20 previste" in d.descrizione


def test_the_dirigente_is_notified_of_an_invoice_with_discrepancies(scena, ospite):
    from services.pai.models import Notifica

    fattura_rsa(scena, ospite)  # verified: nobody is bothered
    assert not Notifica.objects.exists()
    f = fattura_rsa(scena, ospite, numero="13", giorni="23", importo="1380.00")
    n = Notifica.objects.get()
    assert n.destinatario_id == scena.dirigente.user.pk
    assert "La fattura n. 13 di Opera Pia San Martino ha 1 discrepanza" in n.testo
    assert n.link == f"/fornitori/fatture/{f.public_id}/"
