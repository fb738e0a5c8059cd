"""The consent rules of the access process (seed 002), one interlocutor type at a time.
Every refusal carries a clear message and writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.accesso.models import Consenso, SchedaAccesso
from services.accesso.selectors import consenso_attuale
from services.accesso.services import consenso_registra, scheda_create, scheda_respingi
from services.anagrafica.services import riferimento_aggiungi
from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry

from .conftest import counts, nuova, registered

T = SchedaAccesso.Interlocutore
S = SchedaAccesso.Stato
E = SchedaAccesso.Esito


def refused(actor, match, **kwargs):
    """Assert the scheda is refused with ``match`` in the message and nothing is written."""
    before = counts()
    kwargs.setdefault("canale", SchedaAccesso.Canale.PERSONA)
    with pytest.raises(ValidationFailed, match=match) as info:
        scheda_create(actor=actor, **kwargs)
    assert counts() == before
    return info.value


# --- autorità giudiziaria -----------------------------------------------------------------


def ag(**overrides):
    values = {"interlocutore_tipo": T.AUTORITA_GIUDIZIARIA, "canale": "lettera",
              "interlocutore_ente": "Tribunale per i minorenni di Perugia",
              "provvedimento_numero": "123/2026 V.G.", "provvedimento_data": date(2026, 1, 10),
              "testo_segnalazione": "Si incarica il servizio sociale di una indagine."}
    values.update(overrides)
    return values


def test_judicial_authority_registers_the_utente_without_consent(sportello):
    scheda = scheda_create(actor=sportello, utente=nuova(), **ag())
    assert scheda.utente is not None
    assert scheda.consenso is None
    assert not Consenso.objects.filter(persona=scheda.utente).exists()
    assert scheda.stato == S.INOLTRATA
    assert scheda.esito == E.INOLTRO_AS
    assert scheda.richiede_cartella
    assert scheda.numero == f"{timezone.localdate().year}/000001"


@pytest.mark.parametrize(
    ("missing", "message"),
    [("provvedimento_numero", "numero del provvedimento"),
     ("provvedimento_data", "data del provvedimento"),
     ("interlocutore_ente", "autorità giudiziaria che ha emesso")],
)
def test_judicial_authority_needs_the_order(sportello, missing, message):
    error = refused(sportello, message, utente=nuova(), **ag(**{missing: None}))
    assert error.field == missing


def test_judicial_order_cannot_be_dated_in_the_future(sportello):
    refused(sportello, "futuro", utente=nuova(), **ag(provvedimento_data=date(2999, 1, 1)))


def test_a_judicial_report_cannot_be_refused_by_the_social_worker(sportello, assistente):
    scheda = scheda_create(actor=sportello, utente=nuova(), **ag())
    with pytest.raises(NotAllowed, match="va sempre aperta la cartella"):
        scheda_respingi(actor=assistente, scheda=scheda, motivo="Non ci riguarda")
    scheda.refresh_from_db()
    assert scheda.stato == S.INOLTRATA
    assert not AuditEntry.objects.filter(action="scheda.respinta").exists()


# --- pubblico ufficiale -------------------------------------------------------------------


def pu(**overrides):
    values = {"interlocutore_tipo": T.PUBBLICO_UFFICIALE, "canale": "email",
              "interlocutore_ente": "Istituto comprensivo Perugia 3", "segnalazione_scritta": True,
              "testo_segnalazione": "L'alunno arriva spesso senza pranzo."}
    values.update(overrides)
    return values


def test_public_official_only_in_writing(sportello):
    error = refused(sportello, "solo le segnalazioni pervenute per iscritto", utente=nuova(),
                    **pu(segnalazione_scritta=False))
    assert error.field == "segnalazione_scritta"


def test_public_official_without_consent_keeps_only_the_report(sportello):
    refused(sportello, "resta agli atti solo la segnalazione", utente=nuova(),
            **pu(bisogno_espresso="Difficoltà economiche della famiglia"))
    refused(sportello, "resta agli atti solo la segnalazione", utente=nuova(),
            **pu(servizio_richiesto="Mensa gratuita"))
    scheda = scheda_create(actor=sportello, utente=nuova(), **pu())
    assert scheda.utente is not None  # the identity of the reported person stays
    assert scheda.testo_segnalazione
    assert scheda.bisogno_espresso == scheda.servizio_richiesto == ""
    assert scheda.consenso is None
    assert scheda.stato == S.APERTA


def test_public_official_report_with_consent_denied_records_the_denial(sportello):
    scheda = scheda_create(actor=sportello, utente=nuova(), consenso="negato", **pu())
    assert scheda.consenso.stato == Consenso.Stato.NEGATO
    assert consenso_attuale(scheda.utente) == scheda.consenso
    assert scheda.bisogno_espresso == ""


def test_public_official_report_keeps_the_need_when_consent_is_on_record(sportello):
    utente = registered(sportello)
    consenso_registra(actor=sportello, persona=utente, stato="concesso", data=date(2025, 5, 1))
    scheda = scheda_create(actor=sportello, utente=utente, bisogno_espresso="Sfratto esecutivo",
                           **pu())
    assert scheda.bisogno_espresso == "Sfratto esecutivo"
    assert scheda.consenso.stato == Consenso.Stato.CONCESSO


def test_the_database_refuses_an_unwritten_public_official_report(sportello):
    scheda = scheda_create(actor=sportello, utente=nuova(), **pu())
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedaAccesso.objects.filter(pk=scheda.pk).update(segnalazione_scritta=False)


# --- la persona stessa --------------------------------------------------------------------


def utente(**overrides):
    values = {"interlocutore_tipo": T.UTENTE, "canale": "persona",
              "bisogno_espresso": "Non riesco a pagare l'affitto",
              "servizio_richiesto": "Contributo economico"}
    values.update(overrides)
    return values


def test_utente_with_consent_gets_a_normal_scheda_and_a_consent_row(sportello):
    before_consents = Consenso.objects.count()
    scheda = scheda_create(actor=sportello, utente=nuova(), consenso="concesso",
                           consenso_modalita="scritto", **utente())
    assert Consenso.objects.count() == before_consents + 1
    consenso = scheda.consenso
    assert consenso.persona == scheda.utente
    assert consenso.stato == Consenso.Stato.CONCESSO
    assert consenso.rilasciato_da is None
    assert consenso.raccolto_da == sportello.user.pk
    assert scheda.stato == S.APERTA
    assert scheda.interlocutore is None
    assert scheda.servizio_richiesto == "Contributo economico"


def test_utente_denying_consent_leaves_an_anonymous_closed_scheda(sportello):
    persons_before = counts()[1]
    consents_before = counts()[2]
    scheda = scheda_create(actor=sportello, utente=nuova(), riferimento=nuova(),
                           consenso="negato", **utente())
    assert scheda.utente is None
    assert scheda.interlocutore is None
    assert scheda.riferimento is None
    assert scheda.stato == S.CHIUSA
    assert scheda.esito == E.CONSENSO_NEGATO
    assert scheda.chiusa_il is not None
    assert scheda.servizio_richiesto == ""  # no help can be given
    assert counts()[1] == persons_before  # nobody was registered
    assert counts()[2] == consents_before


def test_utente_denying_consent_is_not_linked_even_if_registered(sportello):
    known = registered(sportello)
    scheda = scheda_create(actor=sportello, utente=known, consenso="negato", **utente())
    assert scheda.utente is None
    assert scheda.consenso is None  # the anonymous scheda does not point at the person
    assert not known.schede_accesso.exists()
    # ... but the refusal is in the person's consent history, in force.
    assert consenso_attuale(known).stato == Consenso.Stato.NEGATO


def test_a_refusal_after_an_earlier_consent_is_recorded_and_in_force(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 3, 1))
    scheda = scheda_create(actor=sportello, utente=known, consenso="negato", **utente())
    storia = list(Consenso.objects.filter(persona=known).order_by("data", "id")
                  .values_list("stato", flat=True))
    assert storia == ["concesso", "negato"]
    assert consenso_attuale(known).stato == Consenso.Stato.NEGATO
    assert scheda.esito == E.CONSENSO_NEGATO
    assert scheda.bisogno_espresso == "Non riesco a pagare l'affitto"  # anonymous need only
    assert AuditEntry.objects.filter(action="consenso.registrato",
                                     object_id=str(known.public_id)).count() == 2
    # The earlier consent no longer counts: a reporter now keeps only the report.
    refused(sportello, "senza dettagli sul bisogno", utente=known, interlocutore=nuova(),
            bisogno_espresso="Non esce di casa", **segnalante())


def test_a_refused_person_cannot_be_reported_with_need_by_a_public_official(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 3, 1))
    scheda_create(actor=sportello, utente=known, consenso="negato", **utente())
    refused(sportello, "resta agli atti solo la segnalazione", utente=known,
            **pu(bisogno_espresso="Difficoltà economiche"))


def test_utente_must_answer_on_consent(sportello):
    error = refused(sportello, "consenso al trattamento", utente=nuova(), **utente())
    assert error.field == "consenso"


def test_utente_with_consent_on_record_need_not_answer_again(sportello):
    known = registered(sportello)
    on_record = consenso_registra(actor=sportello, persona=known, stato="concesso",
                                  data=date(2025, 3, 1))
    scheda = scheda_create(actor=sportello, utente=known, **utente())
    assert scheda.consenso == on_record
    assert Consenso.objects.filter(persona=known).count() == 1


def test_a_revoked_consent_counts_as_no_consent(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 3, 1))
    consenso_registra(actor=sportello, persona=known, stato="revocato", data=date(2025, 6, 1))
    refused(sportello, "consenso al trattamento", utente=known, **utente())


# --- legale rappresentante ----------------------------------------------------------------


def lr(**overrides):
    values = {"interlocutore_tipo": T.LEGALE_RAPPRESENTANTE, "canale": "persona",
              "bisogno_espresso": "Serve un inserimento in centro diurno"}
    values.update(overrides)
    return values


def test_legal_representative_without_an_answer_cannot_fill_in_the_scheda(sportello):
    error = refused(sportello, "non potrà mettere in campo nessun tipo di aiuto",
                    utente=nuova(), interlocutore=nuova(), consenso="", **lr())
    assert "non può essere compilata" in str(error)


def test_legal_representative_refusing_keeps_no_data_and_records_the_refusal(sportello):
    before = counts()
    scheda = scheda_create(actor=sportello, utente=nuova(), interlocutore=nuova(),
                           consenso="negato", **lr())
    assert (scheda.utente, scheda.interlocutore, scheda.consenso) == (None, None, None)
    assert scheda.esito == E.CONSENSO_NEGATO
    assert counts()[1:] == before[1:]  # nobody registered, no consent row for a stranger
    assistito = registered(sportello)
    tutore = registered(sportello)
    riferimento_aggiungi(actor=sportello, persona=assistito, riferimento=tutore,
                         tipo="ads", dal=date(2024, 1, 1))
    consenso_registra(actor=sportello, persona=assistito, stato="concesso", data=date(2025, 1, 1))
    scheda_create(actor=sportello, utente=assistito, interlocutore=tutore, consenso="negato",
                  **lr())
    attuale = consenso_attuale(assistito)
    assert attuale.stato == Consenso.Stato.NEGATO
    assert attuale.rilasciato_da == tutore


def test_legal_representative_is_required(sportello):
    refused(sportello, "Indica il legale rappresentante", utente=nuova(), consenso="concesso",
            **lr())


def test_legal_representative_gives_consent_for_the_utente(sportello):
    assistito = registered(sportello)
    tutore = registered(sportello)
    riferimento_aggiungi(actor=sportello, persona=assistito, riferimento=tutore,
                         tipo="ads", dal=date(2024, 1, 1))
    scheda = scheda_create(actor=sportello, utente=assistito, interlocutore=tutore,
                           consenso="concesso", **lr())
    assert scheda.consenso.persona == assistito
    assert scheda.consenso.rilasciato_da == tutore
    assert scheda.stato == S.APERTA
    entry = AuditEntry.objects.get(action="scheda.creata", object_id=str(scheda.public_id))
    assert entry.payload["rappresentanza_verificata"] is True


# --- segnalante generico ------------------------------------------------------------------


def segnalante(**overrides):
    values = {"interlocutore_tipo": T.SEGNALANTE, "canale": "telefono",
              "testo_segnalazione": "La vicina vive sola e non esce più di casa."}
    values.update(overrides)
    return values


def test_reporter_cannot_ask_services_for_an_utente_without_consent(sportello):
    error = refused(sportello, "non può chiedere servizi specifici", utente=nuova(),
                    interlocutore=nuova(), servizio_richiesto="Assistenza domiciliare",
                    **segnalante())
    assert error.field == "servizio_richiesto"


def test_reporter_gives_no_need_details_of_an_utente_without_consent(sportello):
    refused(sportello, "senza dettagli sul bisogno", utente=nuova(),
            bisogno_espresso="Ha problemi di memoria", **segnalante())


def test_reporter_without_utente_consent_leaves_only_the_report(sportello):
    scheda = scheda_create(actor=sportello, utente=nuova(), interlocutore=nuova(),
                           **segnalante())
    assert scheda.utente is not None
    assert scheda.interlocutore is not None
    assert scheda.bisogno_espresso == scheda.servizio_richiesto == ""
    assert scheda.testo_segnalazione


def test_reporter_may_talk_about_an_utente_who_gave_consent(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 1, 1))
    scheda = scheda_create(actor=sportello, utente=known, interlocutore=nuova(),
                           bisogno_espresso="Ha bisogno di aiuto per la spesa", **segnalante())
    assert scheda.bisogno_espresso == "Ha bisogno di aiuto per la spesa"
    assert scheda.consenso.stato == Consenso.Stato.CONCESSO


def test_reporter_never_asks_services_even_with_the_utente_consent_on_file(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 1, 1))
    error = refused(sportello, "non ha titolo per chiedere servizi specifici", utente=known,
                    interlocutore=nuova(), bisogno_espresso="Ha bisogno di aiuto per la spesa",
                    servizio_richiesto="Assistenza domiciliare", **segnalante())
    assert error.field == "servizio_richiesto"


def test_a_reporter_cannot_give_consent_for_someone_else(sportello):
    refused(sportello, "non chi la segnala", utente=nuova(), consenso="concesso",
            **segnalante())


# --- presunto pregiudizio -----------------------------------------------------------------


@pytest.mark.parametrize("kind", [T.SEGNALANTE, T.UTENTE, T.PUBBLICO_UFFICIALE])
def test_suspected_harm_is_always_registered_and_reported(sportello, kind):
    extra = {"interlocutore_ente": "Carabinieri"} if kind == T.PUBBLICO_UFFICIALE else {}
    consenso = "negato" if kind == T.UTENTE else ""
    scheda = scheda_create(actor=sportello, interlocutore_tipo=kind, canale="telefono",
                           utente=nuova(), presunto_pregiudizio=True, consenso=consenso,
                           bisogno_espresso="Segni di percosse", **extra)
    assert scheda.utente is not None
    assert scheda.bisogno_espresso == "Segni di percosse"
    assert scheda.esito == E.SEGNALAZIONE_AG
    assert scheda.stato == S.INOLTRATA  # the social worker reports to the prosecutor
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedaAccesso.objects.filter(pk=scheda.pk).update(esito=E.INFORMAZIONI)


def test_suspected_harm_needs_the_utente(sportello):
    refused(sportello, "Indica la persona in stato di bisogno", presunto_pregiudizio=True,
            **segnalante())
    refused(sportello, "vanno sempre registrati", interlocutore_tipo=T.ANONIMO,
            presunto_pregiudizio=True)


# --- anonimo ------------------------------------------------------------------------------


def test_anonymous_contact_stores_no_identity(sportello):
    scheda = scheda_create(actor=sportello, interlocutore_tipo=T.ANONIMO, canale="telefono",
                           bisogno_espresso="Chiede come funziona l'assegno di inclusione",
                           interlocutore_ente="Non richiesto", testo_segnalazione="x")
    assert (scheda.utente, scheda.interlocutore, scheda.riferimento) == (None, None, None)
    assert scheda.interlocutore_ente == scheda.testo_segnalazione == ""
    assert scheda.bisogno_espresso.startswith("Chiede")
    assert scheda.stato == S.APERTA
    entry = AuditEntry.objects.get(action="scheda.creata", object_id=str(scheda.public_id))
    assert entry.payload["identita"] is False


def test_anonymous_contact_refuses_persons(sportello):
    refused(sportello, "non registra l'identità", interlocutore_tipo=T.ANONIMO,
            utente=nuova())


def test_the_database_refuses_identity_on_an_anonymous_scheda(sportello):
    scheda = scheda_create(actor=sportello, interlocutore_tipo=T.ANONIMO, canale="telefono")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedaAccesso.objects.filter(pk=scheda.pk).update(utente=registered(sportello))


# --- common checks ------------------------------------------------------------------------


def test_new_person_errors_name_the_slot_and_write_nothing(sportello):
    error = refused(sportello, "obbligatorio", utente=nuova(cognome=""),
                    consenso="concesso", **utente())
    assert error.field == "utente-cognome"


def test_contact_cannot_be_in_the_future(sportello):
    from datetime import timedelta

    refused(sportello, "futuro", data=timezone.now() + timedelta(days=1),
            interlocutore_tipo=T.ANONIMO)


def test_consent_date_cannot_be_in_the_future(sportello):
    known = registered(sportello)
    with pytest.raises(ValidationFailed, match="futuro"):
        consenso_registra(actor=sportello, persona=known, stato="concesso",
                          data=date(2999, 1, 1))
    assert consenso_attuale(known) is None


def test_latest_consent_wins(sportello):
    known = registered(sportello)
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 1, 1))
    consenso_registra(actor=sportello, persona=known, stato="revocato", data=date(2025, 9, 1))
    consenso_registra(actor=sportello, persona=known, stato="concesso", data=date(2025, 5, 1))
    assert consenso_attuale(known).stato == Consenso.Stato.REVOCATO


# --- after a court order ------------------------------------------------------------------


def test_after_a_court_order_a_refusal_is_recorded_and_the_service_goes_on(sportello):
    scheda_ag = scheda_create(actor=sportello, utente=nuova(), **ag())
    minore = scheda_ag.utente
    later = scheda_create(actor=sportello, utente=minore, consenso="negato", **utente())
    assert later.utente == minore  # the data stay: the judicial authority's mandate
    assert later.consenso.stato == Consenso.Stato.NEGATO
    assert consenso_attuale(minore).stato == Consenso.Stato.NEGATO
    assert later.stato == S.APERTA
    assert later.bisogno_espresso
    entry = AuditEntry.objects.get(action="scheda.creata", object_id=str(later.public_id))
    assert entry.payload["mandato_ag"] == scheda_ag.numero


def test_after_a_court_order_the_legal_representative_may_refuse_too(sportello):
    scheda_ag = scheda_create(actor=sportello, utente=nuova(), **ag())
    later = scheda_create(actor=sportello, utente=scheda_ag.utente, interlocutore=nuova(),
                          consenso="negato", **lr())
    assert later.utente == scheda_ag.utente
    assert later.consenso.stato == Consenso.Stato.NEGATO
