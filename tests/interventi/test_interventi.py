"""Proposals, decisions, instalments, the determina's capacity, and who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from services.cartella.services import cartella_apri
from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from services.interventi.models import Intervento, Pagamento
from services.interventi.selectors import (
    get_intervento_for_user,
    interventi_da_decidere,
    totali_persona_per_anno,
)
from services.interventi.services import (
    intervento_annulla,
    intervento_assegna_determina,
    intervento_concludi,
    intervento_decide,
    intervento_propose,
    pagamenti_genera,
    servizio_update,
)
from services.pai.models import Notifica

from .conftest import approvato, una_tantum

D = Decimal


def _periodico(a, persona, servizio, **kw):
    data = {"data_inizio": date(2025, 11, 1), "data_fine": date(2026, 2, 28),
            "importo_mensile": D("250.00")}
    data.update(kw)
    return intervento_propose(actor=a.assistente_sociale, persona=persona, servizio=servizio,
                              **data)


def test_a_proposal_waits_for_the_dirigente_oldest_first(a, persona, servizio):
    vecchia = una_tantum(a, persona, servizio, oggi=date(2025, 3, 1))
    nuova = una_tantum(a, persona, servizio, oggi=date(2025, 3, 5))
    assert vecchia.stato == Intervento.Stato.PROPOSTO
    assert vecchia.tipo == "economica"
    assert vecchia.carattere == "occasionale"
    assert list(interventi_da_decidere()) == [vecchia, nuova]
    assert not Pagamento.objects.exists()


def test_approval_notifies_the_proposer_and_creates_the_payment(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio, importo="300.00")
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.APPROVATO
    assert i.deciso_il is not None
    [p] = Pagamento.objects.filter(intervento=i)
    assert (p.importo, p.competenza, p.stato) == (D("300.00"), date(2025, 3, 1), "da_liquidare")
    [n] = Notifica.objects.filter(destinatario_id=cast.by_role["assistente_sociale"].pk)
    assert "Approvata" in n.testo
    assert str(i.public_id) in n.link
    assert AuditEntry.objects.filter(action="intervento.approvato").count() == 1


def test_rejection_needs_a_reason_and_tells_it(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    with pytest.raises(ValidationFailed, match="motivazione"):
        intervento_decide(actor=a.dirigente, intervento=i, approva=False, motivazione=" ")
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.PROPOSTO
    intervento_decide(actor=a.dirigente, intervento=i, approva=False,
                      motivazione="ISEE sopra soglia")
    n = Notifica.objects.get(destinatario_id=cast.by_role["assistente_sociale"].pk)
    assert "Respinta" in n.testo
    assert "ISEE sopra soglia" in n.testo
    with pytest.raises(ValidationFailed, match="già stata decisa"):
        intervento_decide(actor=a.dirigente, intervento=i, approva=True)


def test_a_service_without_decision_approves_at_once(a, persona, servizio):
    servizio_update(actor=a.dirigente, servizio=servizio, richiede_decisione=False)
    i = una_tantum(a, persona, servizio)
    assert i.stato == Intervento.Stato.APPROVATO
    assert i.pagamenti.count() == 1
    assert not interventi_da_decidere().exists()


def test_periodic_instalments_one_per_month_across_the_year(a, persona, servizio_periodico):
    i = _periodico(a, persona, servizio_periodico)
    assert i.importo_totale == D("1000.00")  # 4 months x 250
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    mesi = list(i.pagamenti.values_list("competenza", "importo"))
    assert mesi == [(date(2025, 11, 1), D("250.00")), (date(2025, 12, 1), D("250.00")),
                    (date(2026, 1, 1), D("250.00")), (date(2026, 2, 1), D("250.00"))]
    assert pagamenti_genera(actor=a.dirigente, intervento=i) == []  # idempotent
    assert i.pagamenti.count() == 4


@pytest.mark.parametrize(("kw", "field", "text"), [
    ({"data_inizio": None}, "data_inizio", "data di inizio"),
    ({"importo_mensile": None}, "importo_mensile", "importo mensile"),
    ({"data_fine": date(2025, 10, 1)}, "data_fine", "precedere"),
    ({"importo_mensile": D("10.001")}, "importo_mensile", "due decimali"),
    ({"quota_ente": D("600"), "quota_utente": D("300")}, "quota_ente", "devono dare"),
])
def test_siuss_rules_for_periodic(a, persona, servizio_periodico, kw, field, text):
    with pytest.raises(ValidationFailed) as exc:
        _periodico(a, persona, servizio_periodico, **kw)
    assert exc.value.field == field
    assert text in str(exc.value)
    assert not Intervento.objects.exists()


@pytest.mark.parametrize(("kw", "field"), [
    ({"data_inizio": None}, "data_inizio"),
    ({"importo": "0"}, "importo_totale"),
    ({"importo_mensile": D("10")}, "importo_mensile"),
    ({"data_fine": date(2025, 4, 1)}, "data_fine"),
])
def test_siuss_rules_for_one_off(a, persona, servizio, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        una_tantum(a, persona, servizio, **kw)
    assert exc.value.field == field
    assert not Intervento.objects.exists()


def test_shares_that_add_up_are_accepted_across_years(a, persona, servizio_periodico):
    i = _periodico(a, persona, servizio_periodico, quota_ente=D("800.00"),
                   quota_utente=D("200.00"))
    assert i.data_inizio.year != i.data_fine.year  # allowed for the record
    assert i.quota_ente + i.quota_utente == i.importo_totale


def test_a_domanda_of_another_person_is_refused(a, persona, servizio):
    from services.domande.models import Domanda
    from tests.cartella.conftest import new_persona

    altra = new_persona(a.assistente_sociale)
    d = Domanda.objects.create(numero_protocollo="1/2025", data_protocollo=date(2025, 3, 1),
                               persona=altra, servizio=servizio)
    with pytest.raises(ValidationFailed, match="un'altra persona"):
        una_tantum(a, persona, servizio, domanda=d)
    d.persona, d.stato = persona, Domanda.Stato.RESPINTA
    d.save()
    with pytest.raises(ValidationFailed, match="respinta"):
        una_tantum(a, persona, servizio, domanda=d)
    assert not Intervento.objects.exists()


def test_conclude_cancels_the_later_instalments(a, persona, servizio_periodico):
    i = _periodico(a, persona, servizio_periodico)
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    with pytest.raises(ValidationFailed, match="motivo"):
        intervento_concludi(actor=a.assistente_sociale, intervento=i, data_fine=date(2025, 12, 15),
                            motivo="")
    intervento_concludi(actor=a.assistente_sociale, intervento=i, data_fine=date(2025, 12, 15),
                        motivo="Trovato lavoro")
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.CONCLUSO
    assert i.data_fine == date(2025, 12, 15)
    stati = dict(i.pagamenti.values_list("competenza", "stato"))
    assert stati[date(2025, 12, 1)] == "da_liquidare"
    assert stati[date(2026, 1, 1)] == "annullato"


def test_cancel_refused_once_something_is_paid(a, persona, servizio, determina):
    from services.determine.services import liquidazione_create

    i = approvato(a, persona, servizio)
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    p = i.pagamenti.get()
    liquidazione_create(actor=a.amministrativo, determina=determina,
                        oggetti=[("interventi.pagamento", p.pk)], data=date(2025, 4, 1))
    with pytest.raises(ValidationFailed, match="già stati liquidati"):
        intervento_annulla(actor=a.dirigente, intervento=i, motivo="errore")
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.IN_CORSO


def test_cancel_a_proposal(a, persona, servizio):
    i = una_tantum(a, persona, servizio)
    intervento_annulla(actor=a.assistente_sociale, intervento=i, motivo="Doppione")
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.ANNULLATO
    assert "Doppione" in i.note


def test_a_determina_cannot_fund_more_than_it_commits(a, persona, servizio, determina):
    primo = approvato(a, persona, servizio, importo="700.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=primo, determina=determina)
    secondo = approvato(a, persona, servizio, importo="400.00")
    with pytest.raises(ValidationFailed) as exc:
        intervento_assegna_determina(actor=a.amministrativo, intervento=secondo,
                                     determina=determina)
    assert "1.100,00 €" in str(exc.value)
    assert "1.000,00 €" in str(exc.value)
    secondo.refresh_from_db()
    assert secondo.determina_id is None
    # A proposal may be linked; approving it above the commitment is refused.
    terzo = una_tantum(a, persona, servizio, importo="400.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=terzo, determina=determina)
    with pytest.raises(ValidationFailed, match="oltre l'importo impegnato"):
        intervento_decide(actor=a.dirigente, intervento=terzo, approva=True)
    terzo.refresh_from_db()
    assert terzo.stato == Intervento.Stato.PROPOSTO
    assert not terzo.pagamenti.exists()
    # Re-linking the same intervention does not count it twice.
    intervento_assegna_determina(actor=a.amministrativo, intervento=primo, determina=determina)


def test_totals_per_person_and_year(a, persona, servizio, servizio_periodico):
    approvato(a, persona, servizio, importo="100.00", data_inizio=date(2024, 5, 1))
    approvato(a, persona, servizio, importo="300.00", data_inizio=date(2025, 3, 1))
    i = _periodico(a, persona, servizio_periodico, data_inizio=date(2025, 1, 1),
                   data_fine=date(2025, 2, 28))
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    una_tantum(a, persona, servizio, importo="999.00")  # only proposed: not counted
    assert totali_persona_per_anno(persona.pk) == [
        {"anno": 2025, "totale": D("800.00"), "numero": 2, "ultimo": date(2025, 3, 1)},
        {"anno": 2024, "totale": D("100.00"), "numero": 1, "ultimo": date(2024, 5, 1)},
    ]


def test_selector_404_for_forbidden_and_missing_and_logs_reads(cast, a, persona, servizio):
    i = una_tantum(a, persona, servizio)
    for role in ("assistente_sociale", "dirigente", "amministrativo"):
        assert get_intervento_for_user(cast.by_role[role], i.public_id) == i
    for role in ("educatore", "psicologo", "operatore_sportello"):
        with pytest.raises(Http404):
            get_intervento_for_user(cast.by_role[role], i.public_id)
    with pytest.raises(Http404):
        get_intervento_for_user(cast.by_role["dirigente"], "non-un-uuid")
    assert AuditEntry.objects.filter(action="intervento.letto", object_id=str(i.public_id)).count() == 3


def test_the_case_history_shows_interventions_and_yearly_totals(a, cast, persona, servizio):
    from services.cartella.history import cartella_storia

    caso = cartella_apri(actor=a.assistente_sociale, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")
    approvato(a, persona, servizio, importo="300.00")
    approvato(a, persona, servizio, importo="150.50", data_inizio=date(2025, 6, 1))
    storia = cartella_storia(caso, cast.by_role["assistente_sociale"])
    entries = [e for anno in storia.anni for e in anno.entries]
    interventi = [e for e in entries if e.kind == "intervento"]
    assert len(interventi) == 2
    assert all(e.url for e in interventi)
    assert "300,00 €" in interventi[1].detail
    [totale] = [e for e in entries if e.kind == "intervento_totale"]
    assert "450,50 €" in totale.title
    assert totale.data == date(2025, 6, 1)
    # Someone who reads the case but not interventions gets no link.
    storia = cartella_storia(caso, cast.by_role["educatore"])
    assert all(not e.url for anno in storia.anni for e in anno.entries if e.kind == "intervento")


def test_the_case_history_covers_the_household_applications_and_payments(a, cast, persona,
                                                                         servizio, determina):
    """Issue 3: every request, intervention and amount of the person and of the household,
    with totals per year."""
    from services.anagrafica.services import nucleo_aggiungi, nucleo_crea
    from services.cartella.history import cartella_storia
    from services.determine.services import liquidazione_create
    from services.domande.services import domanda_create
    from services.interventi.services import intervento_assegna_determina
    from tests.cartella.conftest import new_persona

    caso = cartella_apri(actor=a.assistente_sociale, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")
    figlia = new_persona(a.assistente_sociale)
    nucleo = nucleo_crea(actor=a.assistente_sociale, intestatario=persona, dal=date(2024, 1, 1))
    nucleo_aggiungi(actor=a.assistente_sociale, nucleo=nucleo, persona=figlia,
                    relazione="figlio", dal=date(2024, 1, 1))
    domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                   numero_protocollo="4512", data_protocollo=date(2025, 1, 10),
                   oggetto="Contributo per le utenze")
    own = approvato(a, persona, servizio, importo="300.00")
    approvato(a, figlia, servizio, importo="120.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=own, determina=determina)
    liquidazione_create(actor=a.amministrativo, determina=determina,
                        oggetti=[("interventi.pagamento", own.pagamenti.get().pk)],
                        data=date(2025, 3, 1))

    storia = cartella_storia(caso, cast.by_role["assistente_sociale"])
    entries = [e for anno in storia.anni for e in anno.entries]
    [domanda] = [e for e in entries if e.kind == "domanda"]
    assert "prot. 4512" in domanda.title
    interventi = [e for e in entries if e.kind == "intervento"]
    assert len(interventi) == 2
    assert any(f"per {figlia.nome_completo}" in e.title for e in interventi)
    [totale] = [e for e in entries if e.kind == "intervento_totale"]
    assert "300,00 €" in totale.title
    assert "pagato 300,00 €" in totale.detail
    assert "nucleo familiare: 420,00 € (2 interventi)" in totale.detail
