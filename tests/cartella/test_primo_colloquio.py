"""After a public official's written report the social worker's first interview asks for
consent, and the answer decides what the scheda keeps (seed 002)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from services.accesso.models import Consenso, SchedaAccesso
from services.accesso.selectors import consenso_attuale
from services.anagrafica.services import riferimento_aggiungi
from services.cartella.models import Cartella, Problematica, VoceDiario
from services.cartella.presa_in_carico import Esito, scheda_prendi_in_carico
from services.core.errors import ValidationFailed
from tests.conftest import client_for

from .conftest import new_persona, new_scheda

PU = SchedaAccesso.Interlocutore.PUBBLICO_UFFICIALE
AG = SchedaAccesso.Interlocutore.AUTORITA_GIUDIZIARIA


def _pu_scheda(persona, **extra):
    return new_scheda(persona, interlocutore=PU, segnalazione_scritta=True,
                      interlocutore_ente="Istituto comprensivo",
                      testo_segnalazione="Il bambino arriva spesso senza pranzo.", **extra)


def _presa(**overrides) -> dict:
    return {"area_target": "famiglia_minori", "data": timezone.localdate(),
            "colloquio": "Colloquio con la madre.", **overrides}


def test_the_answer_is_required_after_a_public_officials_report(cast, in_a):
    scheda = _pu_scheda(new_persona(in_a))
    with pytest.raises(ValidationFailed, match="chiedi alla persona") as exc:
        scheda_prendi_in_carico(actor=in_a, scheda=scheda, **_presa())
    assert exc.value.field == "consenso"
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA
    assert not Cartella.objects.filter(persona=scheda.utente).exists()


def test_refused_at_the_first_interview_only_the_report_stays(cast, in_a):
    persona = new_persona(in_a)
    riferimento = new_persona(in_a)
    scheda = _pu_scheda(persona, riferimento=riferimento, servizio_richiesto="Mensa")
    presa = scheda_prendi_in_carico(actor=in_a, scheda=scheda, consenso="negato",
                                    problematiche=[("economica", "Debiti")], **_presa())
    assert presa.esito == Esito.DINIEGO
    assert presa.cartella is None
    scheda.refresh_from_db()
    assert scheda.utente == persona
    assert scheda.testo_segnalazione.startswith("Il bambino")
    assert (scheda.bisogno_espresso, scheda.servizio_richiesto, scheda.riferimento) == ("", "", None)
    assert scheda.stato == SchedaAccesso.Stato.CHIUSA
    assert scheda.esito == SchedaAccesso.Esito.SOLO_SEGNALAZIONE
    assert scheda.consenso.stato == Consenso.Stato.NEGATO
    assert consenso_attuale(persona).stato == Consenso.Stato.NEGATO
    assert not Cartella.objects.filter(persona=persona).exists()
    assert not Problematica.objects.filter(cartella__persona=persona).exists()


def test_given_at_the_first_interview_the_case_opens_and_consent_is_recorded(cast, in_a):
    persona = new_persona(in_a)
    tutore = new_persona(in_a)
    riferimento_aggiungi(actor=in_a, persona=persona, riferimento=tutore, tipo="tutore",
                         dal=date(2024, 1, 1))
    scheda = _pu_scheda(persona)
    presa = scheda_prendi_in_carico(actor=in_a, scheda=scheda, consenso="concesso",
                                    consenso_rilasciato_da=tutore, **_presa())
    assert presa.esito == Esito.APERTA
    consenso = consenso_attuale(persona)
    assert consenso.stato == Consenso.Stato.CONCESSO
    assert consenso.rilasciato_da == tutore
    scheda.refresh_from_db()
    assert scheda.consenso == consenso
    assert VoceDiario.objects.filter(cartella=presa.cartella).exists()


def test_only_a_legal_representative_on_record_answers_for_the_person(cast, in_a):
    persona = new_persona(in_a)
    scheda = _pu_scheda(persona)
    with pytest.raises(ValidationFailed, match="non risulta in anagrafica tutore"):
        scheda_prendi_in_carico(actor=in_a, scheda=scheda, consenso="concesso",
                                consenso_rilasciato_da=new_persona(in_a), **_presa())
    assert consenso_attuale(persona) is None


def test_refused_after_a_court_order_the_case_opens_anyway(cast, in_a):
    persona = new_persona(in_a)
    scheda = new_scheda(persona, interlocutore=AG)
    presa = scheda_prendi_in_carico(actor=in_a, scheda=scheda, consenso="negato", **_presa())
    assert presa.esito == Esito.APERTA
    assert presa.cartella is not None
    assert consenso_attuale(persona).stato == Consenso.Stato.NEGATO


def test_the_review_page_applies_the_refusal(cast, in_a):
    scheda = _pu_scheda(new_persona(in_a))
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get(f"/cartelle/schede-da-valutare/{scheda.public_id}/").content.decode()
    assert 'name="consenso"' in page
    response = client.post(f"/cartelle/schede-da-valutare/{scheda.public_id}/prendi-in-carico/", {
        "area_target": "famiglia_minori", "data": timezone.localdate().isoformat(),
        "colloquio": "Colloquio", "consenso": "negato", "consenso_modalita": "verbale",
        "prob-TOTAL_FORMS": "0", "prob-INITIAL_FORMS": "0"}, follow=True)
    assert "resta agli atti la sola segnalazione" in response.content.decode()
    scheda.refresh_from_db()
    assert scheda.esito == SchedaAccesso.Esito.SOLO_SEGNALAZIONE
