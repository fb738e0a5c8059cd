"""A proposal corrected or withdrawn before the dirigente decides: same rules as the
proposal, only its proposer or the dirigente, never after the decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.anagrafica.services import Actor
from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.interventi.models import Intervento, Pagamento
from services.interventi.selectors import interventi_da_decidere
from services.interventi.services import (
    intervento_annulla,
    intervento_decide,
    intervento_modifica_proposta,
    intervento_propose,
    intervento_ritira_proposta,
)
from services.pai.models import Notifica
from tests.conftest import client_for
from tests.domande.conftest import altra_as  # noqa: F401

from .conftest import una_tantum

D = Decimal
CAMPI = ("stato", "carattere", "data_inizio", "data_fine", "importo_totale", "importo_mensile",
         "quota_ente", "quota_utente", "quota_ssn", "motivazione_proposta", "note")


def _stato(i: Intervento) -> tuple:
    i.refresh_from_db()
    return tuple(getattr(i, f) for f in CAMPI)


def _modifica(actor, i, **kw):
    data = {"data_inizio": date(2025, 3, 10), "importo_totale": D("300.00")}
    data.update(kw)
    return intervento_modifica_proposta(actor=actor, intervento=i, **data)


def test_the_proposer_corrects_amount_and_date_and_the_dirigente_sees_it(a, cast, persona,
                                                                         servizio):
    i = una_tantum(a, persona, servizio, importo="300.00")
    _modifica(a.assistente_sociale, i, data_inizio=date(2025, 3, 20),
              importo_totale=D("450.00"), quota_ente=D("400.00"), quota_utente=D("50.00"),
              motivazione="Bolletta più alta del previsto")
    i.refresh_from_db()
    assert (i.stato, i.data_inizio, i.importo_totale, i.quota_ente) == (
        "proposto", date(2025, 3, 20), D("450.00"), D("400.00"))
    [proposta] = interventi_da_decidere()
    assert proposta.importo_totale == D("450.00")
    entry = AuditEntry.objects.get(action="intervento.proposta_modificata")
    assert entry.payload["prima"] == {"data_inizio": "2025-03-10", "importo_totale": "300.00",
                                      "quota_ente": None, "quota_utente": None,
                                      "motivazione_proposta": ""}
    assert entry.payload["dopo"]["importo_totale"] == "450.00"
    # The proposer changed it: nobody to tell.
    assert not Notifica.objects.exists()
    # The page of proposals to decide shows the new values.
    page = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        "/servizi/interventi/da-decidere/").content.decode()
    assert "450,00 €" in page
    assert "Bolletta più alta del previsto" in page


def test_nothing_to_change_writes_nothing(a, persona, servizio):
    i = una_tantum(a, persona, servizio)
    _modifica(a.assistente_sociale, i)
    assert not AuditEntry.objects.filter(action="intervento.proposta_modificata").exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"data_inizio": None}, "Indica la data della prestazione"),
    ({"data_fine": date(2025, 3, 1)}, "non può precedere"),
    ({"importo_totale": D("-1")}, "non può essere negativo"),
    ({"importo_totale": D("10.001")}, "al massimo due decimali"),
    ({"importo_mensile": D("50.00")}, "non ha importo mensile"),
    ({"quota_ente": D("100.00")}, "devono dare l'importo totale"),
    ({"carattere": "periodico", "importo_totale": None}, "importo mensile"),
    ({"carattere": "boh"}, "periodica o una tantum"),
])
def test_same_rules_as_the_proposal_and_nothing_changes(a, persona, servizio, changes, message):
    i = una_tantum(a, persona, servizio)
    prima = _stato(i)
    with pytest.raises(ValidationFailed, match=message):
        _modifica(a.assistente_sociale, i, **changes)
    assert _stato(i) == prima
    assert not AuditEntry.objects.filter(action="intervento.proposta_modificata").exists()


def test_a_periodic_proposal_recomputes_its_total(a, persona, servizio_periodico):
    i = intervento_propose(actor=a.assistente_sociale, persona=persona,
                           servizio=servizio_periodico, data_inizio=date(2025, 1, 1),
                           data_fine=date(2025, 3, 31), importo_mensile=D("200.00"))
    assert i.importo_totale == D("600.00")
    _modifica(a.assistente_sociale, i, data_inizio=date(2025, 1, 1), data_fine=date(2025, 6, 30),
              importo_totale=None, importo_mensile=D("200.00"))
    i.refresh_from_db()
    assert (i.data_fine, i.importo_totale) == (date(2025, 6, 30), D("1200.00"))


def test_the_dirigente_may_correct_and_the_proposer_is_told(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    _modifica(a.dirigente, i, importo_totale=D("250.00"))
    i.refresh_from_db()
    assert i.importo_totale == D("250.00")
    [n] = Notifica.objects.filter(destinatario_id=cast.by_role["assistente_sociale"].pk)
    assert "modificata" in n.testo
    assert str(i.public_id) in n.link


def test_another_social_worker_may_neither_change_nor_withdraw(a, persona, servizio,
                                                               altra_as):  # noqa: F811
    i = una_tantum(a, persona, servizio)
    prima = _stato(i)
    collega = Actor(altra_as, "10.1.1.9")
    with pytest.raises(NotAllowed, match="Solo chi ha proposto"):
        _modifica(collega, i, importo_totale=D("999.00"))
    with pytest.raises(NotAllowed, match="Solo chi ha proposto"):
        intervento_ritira_proposta(actor=collega, intervento=i, motivo="Non serve")
    with pytest.raises(NotAllowed, match="Solo chi ha proposto"):
        intervento_annulla(actor=collega, intervento=i, motivo="Non serve")
    assert _stato(i) == prima


def test_withdrawal_cancels_with_the_reason_and_leaves_the_list(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    with pytest.raises(ValidationFailed, match="motivo"):
        intervento_ritira_proposta(actor=a.assistente_sociale, intervento=i, motivo="  ")
    assert _stato(i)[0] == "proposto"
    intervento_ritira_proposta(actor=a.assistente_sociale, intervento=i,
                               motivo="La famiglia ha trovato un'altra soluzione")
    i.refresh_from_db()
    assert i.stato == Intervento.Stato.ANNULLATO
    assert "Proposta ritirata: La famiglia ha trovato un'altra soluzione" in i.note
    assert list(interventi_da_decidere()) == []
    assert AuditEntry.objects.get(action="intervento.proposta_ritirata").payload == {
        "motivo": "La famiglia ha trovato un'altra soluzione"}
    assert not Pagamento.objects.exists()


@pytest.mark.parametrize("decisione", ["approva", "respingi"])
def test_after_the_decision_both_are_refused_and_nothing_changes(a, persona, servizio,
                                                                 decisione):
    i = una_tantum(a, persona, servizio)
    intervento_decide(actor=a.dirigente, intervento=i, approva=decisione == "approva",
                      motivazione="ok")
    prima = _stato(i)
    pagamenti = list(Pagamento.objects.values_list("importo", "stato"))
    for actor in (a.assistente_sociale, a.dirigente):
        with pytest.raises(NotAllowed, match="non è più in attesa di decisione"):
            _modifica(actor, i, importo_totale=D("999.00"))
        with pytest.raises(NotAllowed, match="non è più in attesa di decisione"):
            intervento_ritira_proposta(actor=actor, intervento=i, motivo="Ripensamento")
    assert _stato(i) == prima
    assert list(Pagamento.objects.values_list("importo", "stato")) == pagamenti
    assert not AuditEntry.objects.filter(action__in=["intervento.proposta_modificata",
                                                     "intervento.proposta_ritirata"]).exists()


# --- pages --------------------------------------------------------------------------------


def _c(cast, role):
    return client_for(cast.by_role[role], cast.comune_a.ente)


def test_the_buttons_show_only_to_who_may_use_them(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    url = f"/servizi/interventi/{i.public_id}/"
    for role, visible in [("assistente_sociale", True), ("dirigente", True),
                          ("amministrativo", False)]:
        page = _c(cast, role).get(url).content.decode()
        assert ('id="modifica-proposta"' in page) is visible, role
        assert ('id="ritira-form"' in page) is visible, role
        # A proposal is withdrawn, not cancelled.
        assert 'id="annulla-form"' not in page
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    page = _c(cast, "assistente_sociale").get(url).content.decode()
    assert 'id="modifica-proposta"' not in page
    assert 'id="ritira-form"' not in page


def test_the_edit_page_is_prefilled_and_saves(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio, importo="300.00")
    c = _c(cast, "assistente_sociale")
    url = f"/servizi/interventi/{i.public_id}/modifica/"
    page = c.get(url).content.decode()
    assert 'value="300,00"' in page
    assert 'value="2025-03-10"' in page
    assert "Salva le modifiche" in page
    r = c.post(url, {"data_inizio": "2025-03-12", "importo_totale": "100",
                     "quota_ente": "30", "quota_utente": "30"})
    assert r.status_code == 400
    assert "devono dare l&#x27;importo totale" in r.content.decode()
    i.refresh_from_db()
    assert i.importo_totale == D("300.00")
    # The service stays what it was, whatever is posted.
    r = c.post(url, {"servizio": "00000000-0000-0000-0000-000000000000",
                     "data_inizio": "2025-03-12", "importo_totale": "320,50"})
    assert r.status_code == 302
    i.refresh_from_db()
    assert (i.servizio, i.data_inizio, i.importo_totale) == (servizio, date(2025, 3, 12),
                                                             D("320.50"))


def test_the_pages_refuse_after_the_decision_with_a_message(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    intervento_decide(actor=a.dirigente, intervento=i, approva=True)
    prima = _stato(i)
    c = _c(cast, "assistente_sociale")
    base = f"/servizi/interventi/{i.public_id}/"
    for r in (c.get(base + "modifica/", follow=True),
              c.post(base + "modifica/", {"data_inizio": "2025-03-12", "importo_totale": "999"},
                     follow=True),
              c.post(base + "ritira/", {"motivo": "Ripensamento"}, follow=True)):
        assert r.redirect_chain == [(base, 302)]
        assert "non è più in attesa di decisione" in r.content.decode()
    assert _stato(i) == prima


def test_withdraw_from_the_page(a, cast, persona, servizio):
    i = una_tantum(a, persona, servizio)
    url = f"/servizi/interventi/{i.public_id}/ritira/"
    assert _c(cast, "amministrativo").post(url, {"motivo": "x"}).status_code == 403
    c = _c(cast, "dirigente")
    assert c.post(url, {"motivo": ""}).status_code == 400
    assert _stato(i)[0] == "proposto"
    assert c.post(url, {"motivo": "Doppione"}).status_code == 302
    assert _stato(i)[0] == "annullato"
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    assert outsider.get(f"/servizi/interventi/{i.public_id}/modifica/").status_code == 404
