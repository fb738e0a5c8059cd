"""The life of a PAI: draft, approval (or not, as the comune decides), new versions,
reviews, conclusion; the dirigente's decisions, closure of the case included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.cartella.models import Cartella
from services.cartella.services import cartella_chiudi
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.pai.models import PAI, Approvazione, Notifica, ObiettivoPAI, VerificaPAI
from services.pai.services import (
    approvazione_decide,
    approvazione_richiedi_chiusura,
    obiettivo_add,
    pai_conclude,
    pai_create,
    pai_submit,
    pai_update,
    responsabile_add,
    responsabile_remove,
    verifica_record,
    verifica_schedule,
)

from .conftest import actor, approvazioni, pai_in_vigore, pai_pronto


def _counts():
    return (PAI.objects.count(), Approvazione.objects.count(), AuditEntry.objects.count())


def test_with_approval_the_plan_waits_for_the_dirigente(cast, caso, worker, dirigente):
    approvazioni(pai=True)
    pai = pai_pronto(worker, caso)
    assert (pai.versione, pai.stato) == (1, PAI.Stato.BOZZA)
    assert list(pai.responsabili.values_list("user_id", flat=True)) == [worker.pk]

    pai_submit(actor=actor(worker), pai=pai, nota="Urgente: sfratto a marzo")
    pai.refresh_from_db()
    assert pai.stato == PAI.Stato.IN_APPROVAZIONE
    richiesta = Approvazione.objects.get(pai=pai)
    assert (richiesta.tipo, richiesta.stato, richiesta.richiesta_da_id) == (
        "pai", "in_attesa", worker.pk)

    approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=True)
    pai.refresh_from_db()
    richiesta.refresh_from_db()
    assert pai.stato == PAI.Stato.APPROVATO
    assert pai.approvato_il is not None
    assert richiesta.stato == "approvata"
    assert richiesta.decisa_da_id == dirigente.pk
    notifica = Notifica.objects.get(destinatario_id=worker.pk)
    assert "approvata" in notifica.testo
    assert str(pai.public_id) in notifica.link
    assert AuditEntry.objects.filter(action="approvazione.approvata",
                                     object_id=str(richiesta.public_id)).exists()


def test_without_approval_the_plan_is_in_force_at_once(cast, caso, worker):
    approvazioni(pai=False)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    pai.refresh_from_db()
    assert pai.stato == PAI.Stato.APPROVATO
    assert not Approvazione.objects.exists()


def test_a_new_version_replaces_the_plan_in_force(cast, caso, worker, dirigente):
    v1 = pai_in_vigore(worker, caso)
    approvazioni(pai=True)
    v2 = pai_pronto(worker, caso, data_inizio=date(2025, 6, 1))
    assert v2.versione == 2
    pai_submit(actor=actor(worker), pai=v2)
    v1.refresh_from_db()
    assert v1.stato == PAI.Stato.APPROVATO  # still in force while v2 waits
    approvazione_decide(actor=actor(dirigente), approvazione=v2.approvazioni.get(), approva=True)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.stato, v2.stato) == (PAI.Stato.CONCLUSO, PAI.Stato.APPROVATO)
    assert "versione 2" in v1.esito_conclusione


def test_the_database_holds_one_plan_in_force_per_case(cast, caso, worker):
    pai_in_vigore(worker, caso)
    with pytest.raises(IntegrityError), transaction.atomic():
        PAI.objects.create(cartella=caso, versione=9, stato=PAI.Stato.APPROVATO,
                           data_inizio=date(2025, 3, 1), sintesi_bisogno="x",
                           creato_da_id=worker.pk, creato_da_label="x")


def test_a_closed_case_takes_no_plan(cast, caso, worker):
    cartella_chiudi(actor=actor(worker), cartella=caso, data=date(2025, 5, 1),
                    motivo="Trasferimento in struttura", approvata=True)
    before = _counts()
    with pytest.raises(ValidationFailed, match="La cartella è chiusa"):
        pai_create(actor=actor(worker), cartella=caso, data_inizio=date(2025, 5, 2),
                   sintesi_bisogno="Nuovo bisogno")
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"sintesi_bisogno": "  "}, "sintesi_bisogno", "sintesi il bisogno"),
        ({"data_inizio": None}, "data_inizio", "data di inizio"),
        ({"data_inizio": date(2024, 12, 1)}, "data_inizio", "prima dell'apertura"),
        ({"data_fine_prevista": date(2025, 1, 20)}, "data_fine_prevista", "precede l'inizio"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, caso, worker, kwargs, field, message):
    data = {"data_inizio": date(2025, 2, 1), "sintesi_bisogno": "Bisogno",
            "data_fine_prevista": None, **kwargs}
    before = _counts()
    with pytest.raises(ValidationFailed, match=message) as exc:
        pai_create(actor=actor(worker), cartella=caso, **data)
    assert exc.value.field == field
    assert _counts() == before


def test_one_draft_at_a_time(cast, caso, worker):
    pai_pronto(worker, caso)
    with pytest.raises(AlreadyExists, match="già un PAI in lavorazione"):
        pai_create(actor=actor(worker), cartella=caso, data_inizio=date(2025, 3, 1),
                   sintesi_bisogno="Altro")
    assert PAI.objects.count() == 1


def test_a_plan_in_force_is_not_edited(cast, caso, worker):
    pai = pai_in_vigore(worker, caso)
    with pytest.raises(ValidationFailed, match="nuova versione"):
        pai_update(actor=actor(worker), pai=pai, data_inizio=pai.data_inizio,
                   sintesi_bisogno="Cambiata")
    with pytest.raises(ValidationFailed):
        obiettivo_add(actor=actor(worker), pai=pai, descrizione="Altro obiettivo")
    pai.refresh_from_db()
    assert pai.sintesi_bisogno != "Cambiata"
    assert pai.obiettivi.count() == 1


def test_a_plan_is_sent_only_with_a_goal(cast, caso, worker):
    pai = pai_create(actor=actor(worker), cartella=caso, data_inizio=date(2025, 2, 1),
                     sintesi_bisogno="Bisogno")
    with pytest.raises(ValidationFailed, match="almeno un obiettivo"):
        pai_submit(actor=actor(worker), pai=pai)
    pai.refresh_from_db()
    assert pai.stato == PAI.Stato.BOZZA
    assert not Approvazione.objects.exists()


def test_responsabili_of_the_comune_only_and_never_none(cast, caso, worker):
    pai = pai_pronto(worker, caso)
    with pytest.raises(ValidationFailed, match="non lavora in questo comune"):
        responsabile_add(actor=actor(worker), pai=pai, user=cast.outsider)
    educatore = responsabile_add(actor=actor(worker), pai=pai, user=cast.by_role["educatore"],
                                 ruolo="Educatore domiciliare")
    with pytest.raises(AlreadyExists):
        responsabile_add(actor=actor(worker), pai=pai, user=cast.by_role["educatore"])
    responsabile_remove(actor=actor(worker), responsabile=educatore)
    with pytest.raises(ValidationFailed, match="almeno un responsabile"):
        responsabile_remove(actor=actor(worker), responsabile=pai.responsabili.get())


# --- the dirigente's decisions --------------------------------------------------------------

def _in_attesa(worker, caso) -> Approvazione:
    approvazioni(pai=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    return pai.approvazioni.get()


def test_rejection_needs_a_reason(cast, caso, worker, dirigente):
    richiesta = _in_attesa(worker, caso)
    with pytest.raises(ValidationFailed, match="motivazione") as exc:
        approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=False,
                            motivazione="   ")
    assert exc.value.field == "motivazione"
    richiesta.refresh_from_db()
    assert richiesta.stato == "in_attesa"
    assert richiesta.pai.stato == PAI.Stato.IN_APPROVAZIONE
    assert not Notifica.objects.exists()

    approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=False,
                        motivazione="Manca il coinvolgimento del centro per l'impiego")
    richiesta.refresh_from_db()
    assert richiesta.stato == "respinta"
    assert richiesta.pai.stato == PAI.Stato.RESPINTO
    notifica = Notifica.objects.get(destinatario_id=worker.pk)
    assert "centro per l'impiego" in notifica.testo

    # Rejected: edited and sent again.
    pai = richiesta.pai
    pai_update(actor=actor(worker), pai=pai, data_inizio=pai.data_inizio,
               sintesi_bisogno="Con il centro per l'impiego")
    pai_submit(actor=actor(worker), pai=pai)
    assert pai.approvazioni.filter(stato="in_attesa").count() == 1


def test_a_decision_is_taken_once(cast, caso, worker, dirigente):
    richiesta = _in_attesa(worker, caso)
    approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=True)
    with pytest.raises(ValidationFailed, match="già stata decisa"):
        approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=False,
                            motivazione="Ci ho ripensato")


@pytest.mark.parametrize("role", ["assistente_sociale", "educatore", "amministrativo"])
def test_only_the_dirigente_decides(cast, caso, worker, role):
    richiesta = _in_attesa(worker, caso)
    with pytest.raises(NotAllowed):
        approvazione_decide(actor=actor(cast.by_role[role]), approvazione=richiesta,
                            approva=True)
    richiesta.refresh_from_db()
    assert richiesta.stato == "in_attesa"


def test_approving_a_closure_closes_the_case(cast, caso, worker, dirigente):
    approvazioni(chiusura=True)
    in_vigore = pai_in_vigore(worker, caso)
    verifica_schedule(actor=actor(worker), pai=in_vigore, data_prevista=date(2025, 9, 1))
    richiesta = approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso,
                                               data=date(2025, 10, 1),
                                               motivo="Obiettivi raggiunti")
    with pytest.raises(AlreadyExists, match="già stata chiesta"):
        approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso,
                                       data=date(2025, 10, 2), motivo="Di nuovo")
    assert Approvazione.objects.filter(tipo="chiusura_cartella").count() == 1
    caso.refresh_from_db()
    assert caso.stato == Cartella.Stato.APERTA

    approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=True)
    caso.refresh_from_db()
    in_vigore.refresh_from_db()
    assert caso.stato == Cartella.Stato.CHIUSA
    assert caso.data_chiusura == date(2025, 10, 1)
    assert caso.movimenti.filter(tipo="chiusura", motivo="Obiettivi raggiunti").exists()
    assert in_vigore.stato == PAI.Stato.CONCLUSO
    assert not VerificaPAI.objects.filter(data_effettuata__isnull=True).exists()
    assert Notifica.objects.filter(destinatario_id=worker.pk,
                                   testo__contains="approvata").exists()


def test_a_rejected_closure_leaves_the_case_open(cast, caso, worker, dirigente):
    approvazioni(chiusura=True)
    richiesta = approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso,
                                               data=date(2025, 10, 1), motivo="Irreperibile")
    approvazione_decide(actor=actor(dirigente), approvazione=richiesta, approva=False,
                        motivazione="Tentare prima una visita domiciliare")
    caso.refresh_from_db()
    assert caso.stato == Cartella.Stato.APERTA


@pytest.mark.parametrize(
    ("data", "motivo", "message"),
    [(date(2025, 10, 1), "", "motivo"), (None, "Fine", "data di chiusura"),
     (date(2024, 1, 1), "Fine", "precede l'apertura")],
)
def test_a_closure_request_needs_date_and_reason(cast, caso, worker, data, motivo, message):
    approvazioni(chiusura=True)
    with pytest.raises(ValidationFailed, match=message):
        approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso, data=data,
                                       motivo=motivo)
    assert not Approvazione.objects.exists()


def test_no_closure_request_where_none_is_needed(cast, caso, worker):
    approvazioni(chiusura=False)
    with pytest.raises(ValidationFailed, match="non richiede l'approvazione"):
        approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso,
                                       data=date(2025, 10, 1), motivo="Fine")
    assert not Approvazione.objects.exists()


# --- reviews and conclusion -----------------------------------------------------------------

def test_reviews_are_recorded_and_the_next_one_scheduled(cast, caso, worker):
    pai = pai_in_vigore(worker, caso)
    verifica_schedule(actor=actor(worker), pai=pai, data_prevista=date(2025, 4, 1))
    verifica_schedule(actor=actor(worker), pai=pai, data_prevista=date(2025, 4, 8))  # moved
    assert pai.verifiche.get().data_prevista == date(2025, 4, 8)
    obiettivo = pai.obiettivi.get()

    verifica_record(actor=actor(worker), pai=pai, data_effettuata=date(2025, 4, 9),
                    esito="Pagate due mensilità arretrate",
                    valutazioni={str(obiettivo.public_id): "parzialmente"},
                    prossima=date(2025, 7, 1))
    fatta = pai.verifiche.get(data_effettuata__isnull=False)
    assert (fatta.data_prevista, fatta.registrata_da_id) == (date(2025, 4, 8), worker.pk)
    assert fatta.valutazioni == {str(obiettivo.public_id): "parzialmente"}
    obiettivo.refresh_from_db()
    assert obiettivo.esito == ObiettivoPAI.Esito.PARZIALMENTE
    assert pai.verifiche.get(data_effettuata__isnull=True).data_prevista == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"esito": ""}, "esito della verifica"),
        ({"data_effettuata": timezone.localdate() + timedelta(days=1)}, "prima di svolgersi"),
        ({"data_effettuata": date(2025, 1, 20)}, "precedere l'inizio"),
        ({"prossima": date(2025, 4, 1)}, "successiva"),
        ({"valutazioni": {"00000000-0000-0000-0000-000000000000": "raggiunto"}},
         "non appartiene"),
    ],
)
def test_a_bad_review_changes_nothing(cast, caso, worker, kwargs, message):
    pai = pai_in_vigore(worker, caso)
    data = {"data_effettuata": date(2025, 4, 9), "esito": "Fatto", **kwargs}
    with pytest.raises(ValidationFailed, match=message):
        verifica_record(actor=actor(worker), pai=pai, **data)
    assert not pai.verifiche.exists()


def test_reviews_only_for_the_plan_in_force(cast, caso, worker):
    pai = pai_pronto(worker, caso)
    with pytest.raises(ValidationFailed, match="in vigore"):
        verifica_schedule(actor=actor(worker), pai=pai, data_prevista=date(2025, 4, 1))


def test_concluding_the_plan(cast, caso, worker):
    pai = pai_in_vigore(worker, caso)
    with pytest.raises(ValidationFailed, match="esito finale"):
        pai_conclude(actor=actor(worker), pai=pai, data=date(2025, 5, 1), esito="")
    pai_conclude(actor=actor(worker), pai=pai, data=date(2025, 5, 1), esito="Autonomia raggiunta")
    pai.refresh_from_db()
    assert pai.stato == PAI.Stato.CONCLUSO
    assert pai.data_conclusione == date(2025, 5, 1)
    # A new version can now be drafted.
    assert pai_create(actor=actor(worker), cartella=caso, data_inizio=date(2025, 6, 1),
                      sintesi_bisogno="Ricaduta").versione == 2


def test_closing_the_case_sets_aside_the_plans_waiting_for_approval(cast, caso, worker,
                                                                   dirigente):
    approvazioni(pai=True, chiusura=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    chiusura = approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso,
                                              data=date(2025, 10, 1), motivo="Deceduto")
    approvazione_decide(actor=actor(dirigente), approvazione=chiusura, approva=True)
    pai.refresh_from_db()
    richiesta_pai = pai.approvazioni.get()
    assert pai.stato == PAI.Stato.RESPINTO
    assert (richiesta_pai.stato, richiesta_pai.motivazione) == ("respinta",
                                                                "La cartella è stata chiusa.")
    assert Notifica.objects.filter(destinatario_id=worker.pk).count() == 2
    assert not Approvazione.objects.filter(stato="in_attesa").exists()


def test_closing_the_case_directly_ends_its_plans_too(cast, caso, worker):
    """Where closures need no approval, the plan in force must not stay «approvato» on a
    closed case, nor a plan wait for a decision that will never come."""
    approvazioni(pai=False, chiusura=False)
    in_vigore = pai_in_vigore(worker, caso)
    verifica_schedule(actor=actor(worker), pai=in_vigore, data_prevista=date(2025, 11, 1))
    cartella_chiudi(actor=actor(worker), cartella=caso, data=date(2025, 10, 1),
                    motivo="Obiettivi raggiunti")
    in_vigore.refresh_from_db()
    assert in_vigore.stato == PAI.Stato.CONCLUSO
    assert in_vigore.data_conclusione == date(2025, 10, 1)
    assert in_vigore.esito_conclusione == "Cartella chiusa: Obiettivi raggiunti"
    assert not in_vigore.verifiche.filter(data_effettuata__isnull=True).exists()
    assert not PAI.objects.filter(cartella=caso, stato=PAI.Stato.APPROVATO).exists()
