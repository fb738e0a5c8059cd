"""Closing a contact at the front office, the social worker's refusal, resources of the
territory, numbering, and merged duplicates."""

from __future__ import annotations

from datetime import date

import pytest

from services.accesso.models import Consenso, Risorsa, SchedaAccesso
from services.accesso.selectors import risorse_search
from services.accesso.services import (
    consenso_registra,
    risorsa_create,
    risorsa_update,
    scheda_close,
    scheda_create,
    scheda_respingi,
)
from services.anagrafica.services import persona_unisci
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.core.models import AuditEntry

from .conftest import nuova, registered

T = SchedaAccesso.Interlocutore
S = SchedaAccesso.Stato
E = SchedaAccesso.Esito


@pytest.fixture
def aperta(sportello):
    return scheda_create(actor=sportello, interlocutore_tipo=T.UTENTE, canale="persona",
                         utente=nuova(), consenso="concesso",
                         bisogno_espresso="Cerca lavoro", servizio_richiesto="Orientamento")


@pytest.fixture
def anonima(sportello):
    return scheda_create(actor=sportello, interlocutore_tipo=T.ANONIMO, canale="telefono",
                         bisogno_espresso="Informazioni sul reddito di cittadinanza")


@pytest.fixture
def cpi(sportello):
    return risorsa_create(actor=sportello, nome="Centro per l'impiego di Perugia",
                          tipo="lavoro", area_target="poverta",
                          descrizione="Orientamento al lavoro, iscrizione alle liste",
                          telefono="075 000000", email="CPI@example.it")


def _unchanged(scheda, stato=S.APERTA, action="scheda.chiusa"):
    scheda.refresh_from_db()
    assert scheda.stato == stato
    assert not AuditEntry.objects.filter(action=action,
                                          object_id=str(scheda.public_id)).exists()


@pytest.mark.parametrize(
    ("esito", "message", "field"),
    [("informazioni", "quali informazioni", "motivo"),
     ("respinta", "motivo per cui", "motivo"),
     ("invio_servizio", "almeno una risorsa", "risorse"),
     ("consenso_negato", "come si è concluso", "esito"),
     ("", "come si è concluso", "esito")],
)
def test_closing_needs_what_the_outcome_requires(sportello, aperta, esito, message, field):
    with pytest.raises(ValidationFailed, match=message) as info:
        scheda_close(actor=sportello, scheda=aperta, esito=esito, motivo="")
    assert info.value.field == field
    _unchanged(aperta)


def test_send_to_a_resource(sportello, aperta, cpi):
    scheda = scheda_close(actor=sportello, scheda=aperta, esito="invio_servizio", risorse=[cpi])
    assert scheda.stato == S.CHIUSA
    assert scheda.chiusa_il is not None
    assert list(scheda.risorse_proposte.all()) == [cpi]
    entry = AuditEntry.objects.get(action="scheda.chiusa", object_id=str(scheda.public_id))
    assert entry.payload == {"esito": "invio_servizio", "risorse": 1}
    assert entry.ip_address == "10.2.0.1"


def test_forward_to_the_social_worker(sportello, aperta):
    scheda = scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as")
    assert scheda.stato == S.INOLTRATA


def test_a_closed_scheda_cannot_be_closed_again(sportello, aperta):
    scheda_close(actor=sportello, scheda=aperta, esito="informazioni", motivo="Orari del CPI")
    with pytest.raises(ValidationFailed, match="non è aperta"):
        scheda_close(actor=sportello, scheda=aperta, esito="respinta", motivo="ripensamento")
    aperta.refresh_from_db()
    assert aperta.esito == E.INFORMAZIONI


def test_anonymous_scheda_gets_information_and_resources_but_is_not_forwarded(
        sportello, anonima, cpi):
    for esito in ("inoltro_as", "segnalazione_ag"):
        with pytest.raises(ValidationFailed, match="Senza l'identità"):
            scheda_close(actor=sportello, scheda=anonima, esito=esito)
        _unchanged(anonima)
    scheda = scheda_close(actor=sportello, scheda=anonima, esito="informazioni",
                          motivo="Spiegati requisiti e sportello INPS", risorse=[cpi])
    assert scheda.motivo_esito.startswith("Spiegati")
    assert scheda.risorse_proposte.count() == 1


def test_an_inactive_resource_cannot_be_proposed(sportello, aperta, cpi):
    risorsa_update(actor=sportello, risorsa=cpi, attiva=False)
    with pytest.raises(ValidationFailed, match="non è più attiva"):
        scheda_close(actor=sportello, scheda=aperta, esito="invio_servizio", risorse=[cpi])
    _unchanged(aperta)


def test_numbers_follow_each_other(sportello, aperta, anonima):
    first, second = (int(n.split("/")[1]) for n in (aperta.numero, anonima.numero))
    assert second == first + 1


# --- the social worker's refusal ----------------------------------------------------------


def test_social_worker_refuses_a_forwarded_scheda_with_a_reason(sportello, assistente, aperta):
    scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as")
    with pytest.raises(ValidationFailed, match="motivo del respingimento"):
        scheda_respingi(actor=assistente, scheda=aperta, motivo="  ")
    scheda = scheda_respingi(actor=assistente, scheda=aperta,
                             motivo="La persona ha rifiutato la presa in carico")
    assert scheda.stato == S.RESPINTA
    assert scheda.respinta_da_id == assistente.user.pk
    assert scheda.esito == E.INOLTRO_AS  # the front office's outcome stays
    assert AuditEntry.objects.filter(action="scheda.respinta").count() == 1


def test_only_forwarded_schede_are_refused(assistente, aperta):
    with pytest.raises(ValidationFailed, match="Si respingono solo"):
        scheda_respingi(actor=assistente, scheda=aperta, motivo="x")
    _unchanged(aperta, action="scheda.respinta")


def test_front_office_cannot_refuse(sportello, aperta):
    scheda_close(actor=sportello, scheda=aperta, esito="inoltro_as")
    with pytest.raises(NotAllowed):
        scheda_respingi(actor=sportello, scheda=aperta, motivo="x")
    _unchanged(aperta, S.INOLTRATA, "scheda.respinta")


# --- merged duplicates --------------------------------------------------------------------


def test_schede_and_consents_follow_a_merge(sportello, in_a):
    from services.accesso.selectors import consenso_attuale

    dirigente_actor = type(sportello)(in_a.by_role["dirigente"])
    tieni = registered(sportello)
    doppione = registered(sportello, codice_fiscale="")
    consenso_registra(actor=sportello, persona=doppione, stato="concesso", data=date(2025, 2, 1))
    scheda = scheda_create(actor=sportello, interlocutore_tipo=T.UTENTE, canale="persona",
                           utente=doppione)
    persona_unisci(actor=dirigente_actor, tieni=tieni, elimina=doppione)
    scheda.refresh_from_db()
    assert scheda.utente == tieni
    assert consenso_attuale(tieni).stato == Consenso.Stato.CONCESSO


# --- resources ----------------------------------------------------------------------------


def test_resource_is_found_with_typos_and_accents(sportello, cpi):
    risorsa_create(actor=sportello, nome="Caritas diocesana", tipo="terzo_settore",
                   area_target="poverta", descrizione="Mensa, pacchi alimentari, docce")
    risorsa_create(actor=sportello, nome="Centro diurno Alzheimer", tipo="sanitario",
                   area_target="anziani", descrizione="Attività per persone con demenza")
    assert cpi.email == "cpi@example.it"
    assert [r.nome for r in risorse_search("impiegp")] == [cpi.nome]
    assert [r.nome for r in risorse_search("alzheimr")] == ["Centro diurno Alzheimer"]
    assert [r.nome for r in risorse_search("ATTIVITÀ")] == ["Centro diurno Alzheimer"]
    assert [r.nome for r in risorse_search("alimen")] == ["Caritas diocesana"]
    assert {r.nome for r in risorse_search("", "poverta")} == {cpi.nome, "Caritas diocesana"}
    assert [r.nome for r in risorse_search("mensa", "anziani")] == []


def test_resource_rules(sportello, cpi):
    before = Risorsa.objects.count()
    with pytest.raises(AlreadyExists, match="Esiste già"):
        risorsa_create(actor=sportello, nome="centro per l'impiego di perugia", tipo="lavoro")
    with pytest.raises(ValidationFailed, match="email"):
        risorsa_create(actor=sportello, nome="Sportello casa", tipo="servizio_pubblico",
                       email="non-una-email")
    with pytest.raises(ValidationFailed, match="obbligatorio"):
        risorsa_create(actor=sportello, nome=" ", tipo="altro")
    with pytest.raises(ValidationFailed, match="tipo"):
        risorsa_create(actor=sportello, nome="Sportello casa", tipo="boh")
    assert Risorsa.objects.count() == before


def test_resource_update_refreshes_search(sportello, cpi):
    risorsa_update(actor=sportello, risorsa=cpi, descrizione="Tirocini e borse lavoro")
    assert risorse_search("tirocini") == [cpi]
    entry = AuditEntry.objects.filter(action="risorsa.modificata").get()
    assert entry.payload == {"campi": ["descrizione"]}
    assert risorsa_update(actor=sportello, risorsa=cpi, descrizione="Tirocini e borse lavoro") == cpi
    assert AuditEntry.objects.filter(action="risorsa.modificata").count() == 1
