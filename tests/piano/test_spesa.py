"""Plan totals and spending to the cent; the proportional rule for sources."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from tests.conftest import client_for
from zone.piano.models import Piano, QuotaComune, Stanziamento
from zone.piano.selectors import compila_modello, modelli_per_zona, voci_per_comune
from zone.piano.services import piano_create, piano_update, quota_set, voce_update
from zone.piano.spesa import NON_FINANZIATA, prospetto, ripartisci

from .conftest import actor, fatto

D = Decimal


def test_plan_totals_to_the_cent(plan):
    p = prospetto(plan.piano)
    assert p.totale.programmato == D("25000.00")
    assert p.per_fonte[plan.fnps.pk].programmato == D("13333.33")
    assert p.per_fonte[plan.fna.pk].programmato == D("5000.00")
    assert p.per_fonte[plan.comuni.pk].programmato == D("6666.67")
    assert plan.fna.nome == "Fondo per le non autosufficienze (FNA)"


def test_spending_per_line_comune_and_source(cast, spesa):
    p = prospetto(spesa.piano)
    anziani, minori, poverta = p.righe
    assert anziani.totale.impegnato == D("1200.01")
    assert anziani.totale.liquidato == D("600.00")
    assert anziani.totale.disponibile == D("13799.99")
    # 2:1 between FNPS and FNA; the odd cent goes to the larger remainder
    assert anziani.per_fonte[spesa.fnps.pk].impegnato == D("800.01")
    assert anziani.per_fonte[spesa.fna.pk].impegnato == D("400.00")
    assert anziani.per_fonte[spesa.fnps.pk].liquidato == D("400.00")
    assert minori.per_fonte[spesa.fnps.pk].liquidato + minori.per_fonte[spesa.comuni.pk].liquidato == D("33.33")
    assert poverta.per_fonte[NON_FINANZIATA].impegnato == D("50.00")
    for riga in p.righe:
        for misura in ("impegnato", "liquidato"):
            per_fonte = sum((getattr(i, misura) for i in riga.per_fonte.values()), D(0))
            per_comune = sum((getattr(i, misura) for i in riga.per_comune.values()), D(0))
            assert per_fonte == getattr(riga.totale, misura)
            assert per_comune == getattr(riga.totale, misura)
    assert p.per_comune[cast.comune_a.pk].impegnato == D("1100.01")
    assert p.per_comune[cast.comune_b.pk].impegnato == D("250.00")
    assert p.totale.impegnato == D("1350.01")


def test_the_zones_own_determine_count_in_the_capofila_and_show_apart(cast, spesa):
    """A determina adopted by the ufficio di piano for a service it manages itself adds to
    the line and to the capofila's column, and is shown apart on the page."""
    fatto(cast.comune_a, spesa.minori, "400.00", "100.00", gestore=cast.zona.ente)
    p = prospetto(spesa.piano)
    assert p.per_comune[cast.comune_a.pk].impegnato == D("1500.01")
    assert (p.gestione_associata.impegnato, p.gestione_associata.liquidato) == (D("400.00"),
                                                                                  D("100.00"))
    assert p.totale.impegnato == D("1750.01")
    page = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/spesa/").content.decode()
    assert 'id="spesa-gestione-associata"' in page


def test_one_financial_year(spesa):
    p = prospetto(spesa.piano, esercizio=2027)
    assert p.totale.impegnato == D("200.00")
    assert p.totale.programmato == D("25000.00")


def test_ripartisci_always_adds_up():
    rnd = random.Random(7)
    for _ in range(300):
        pesi = {k: D(rnd.randint(0, 10**7)) / 100 for k in range(1, rnd.randint(2, 6))}
        totale = D(rnd.randint(0, 10**8)) / 100
        quote = ripartisci(totale, pesi)
        assert sum(quote.values(), D(0)) == totale
        assert all(q >= 0 for q in quote.values())


def test_comuni_shares_cannot_exceed_the_source(cast, plan):
    a = actor(cast.coordinatore)
    quota_set(actor=a, voce=plan.anziani, fonte=plan.fnps, comune=cast.comune_a,
              contributo="0", assegnato="6000.00")
    with pytest.raises(ValidationFailed, match="più dei 10.000,00"):
        quota_set(actor=a, voce=plan.anziani, fonte=plan.fnps, comune=cast.comune_b,
                  contributo="0", assegnato="4000.01")
    assert not QuotaComune.objects.filter(comune=cast.comune_b).exists()
    quota_set(actor=a, voce=plan.anziani, fonte=plan.fnps, comune=cast.comune_b,
              contributo="1500.00", assegnato="4000.00")
    with pytest.raises(ValidationFailed, match="inferiore"):
        voce_update(actor=a, voce=plan.anziani, importi={plan.fnps: "9999.99"})
    assert Stanziamento.objects.get(voce=plan.anziani, fonte=plan.fnps).importo == D("10000.00")
    p = prospetto(plan.piano)
    assert p.per_comune[cast.comune_b.pk].programmato == D("4000.00")
    assert p.quote_comuni[cast.comune_b.pk] == (D("1500.00"), D("4000.00"))


def test_plan_rules(cast, plan):
    a = actor(cast.coordinatore)
    with pytest.raises(ValidationFailed, match="tre anni"):
        piano_create(actor=a, zona=cast.zona, titolo="Troppo lungo", anno_inizio=2026, anno_fine=2029)
    with pytest.raises(AlreadyExists):
        piano_create(actor=a, zona=cast.zona, titolo=plan.piano.titolo, anno_inizio=2026, anno_fine=2026)
    with pytest.raises(ValidationFailed, match="due decimali"):
        voce_update(actor=a, voce=plan.poverta, importi={plan.fnps: "10.001"})
    piano_update(actor=a, piano=plan.piano, stato=Piano.Stato.CHIUSO)
    with pytest.raises(NotAllowed):
        voce_update(actor=a, voce=plan.poverta, importi={plan.fnps: "10"})


def test_lines_a_comune_can_pick(cast, plan):
    a = actor(cast.coordinatore)
    vecchio = piano_create(actor=a, zona=cast.zona, titolo="Piano 2023-2025", anno_inizio=2023,
                           anno_fine=2025)
    from zone.piano.services import voce_create
    voce_create(actor=a, piano=vecchio, codice="9", descrizione="Vecchia", area_target="anziani")
    voci = voci_per_comune(cast.comune_b, anno=2026)
    assert [v.codice for v in voci] == ["1.1", "1.2", "1.3"]
    assert [v.codice for v in voci_per_comune(cast.comune_b, anno=2024)] == ["9"]
    piano_update(actor=a, piano=plan.piano, stato=Piano.Stato.CHIUSO)
    assert voci_per_comune(cast.comune_b, anno=2026) == []


def test_the_example_regional_form_is_filled_from_the_plan(cast, spesa):
    modelli = list(modelli_per_zona(cast.zona))
    assert [m.regione_istat for m in modelli] == ["10", "00"]  # the region's, then national
    assert modelli[0].esempio
    righe = {c.riga.etichetta: c.importo for c in compila_modello(modelli[0], prospetto(spesa.piano))}
    assert righe["Fondo nazionale politiche sociali"] == D("13333.33")
    assert righe["Anziani — impegnato"] == D("1200.01")
    assert righe["Povertà, disagio adulti e senza dimora — impegnato"] == D("50.00")
    assert righe["Fondo non autosufficienze — liquidato"] == D("200.00")


def test_the_national_funds_form_is_filled_per_fund_and_area(cast, spesa):
    """The Ministry's reporting on national funds, for every ambito whatever its region:
    each fund's total, and its share of each area's spending, to the cent."""
    modello = next(m for m in modelli_per_zona(cast.zona) if m.regione_istat == "00")
    p = prospetto(spesa.piano)
    righe = {(c.riga.sezione[:1], c.riga.etichetta): c.importo
             for c in compila_modello(modello, p)}
    fnps, fna = p.per_fonte[spesa.fnps.pk], p.per_fonte[spesa.fna.pk]
    assert righe[("A", "Totale del fondo — programmato")] == fnps.programmato == D("13333.33")
    assert righe[("A", "Totale del fondo — impegnato")] == fnps.impegnato
    assert righe[("C", "Totale del fondo — liquidato")] == fna.liquidato == D("200.00")
    # a fund's areas add up to its total
    for lettera in "ABCD":
        for misura in ("programmato", "impegnato", "liquidato"):
            per_area = sum((v for (s, e), v in righe.items()
                            if s == lettera and not e.startswith("Totale") and e.endswith(misura)),
                           D(0))
            assert per_area == righe[(lettera, f"Totale del fondo — {misura}")], (lettera, misura)
    assert righe[("A", "Anziani — impegnato")] == D("800.01")  # FNPS's 2/3 of 1200.01
