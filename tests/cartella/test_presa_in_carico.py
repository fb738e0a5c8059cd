"""The social worker reviews the schede forwarded by the front office: rejects one with a
reason, or takes the person in charge (opening, reopening or updating their case file)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.accesso.models import SchedaAccesso
from services.accesso.services import scheda_respingi
from services.anagrafica.services import Actor
from services.cartella.models import Cartella, MovimentoCartella, Problematica, VoceDiario
from services.cartella.presa_in_carico import Esito, scheda_prendi_in_carico
from services.cartella.services import cartella_chiudi
from services.core.errors import NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from tests.conftest import client_for

from .conftest import new_persona, new_scheda

AG = SchedaAccesso.Interlocutore.AUTORITA_GIUDIZIARIA
TODAY = timezone.localdate


def _presa(**overrides) -> dict:
    return {"area_target": "poverta", "data": TODAY(), "colloquio": "Colloquio svolto.",
            **overrides}


# --- the service ----------------------------------------------------------------------------


def test_reject_with_a_reason(cast, in_a):
    scheda = new_scheda(new_persona(in_a))
    scheda_respingi(actor=in_a, scheda=scheda, motivo="La persona rifiuta la presa in carico")
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.RESPINTA
    assert scheda.motivo_respingimento == "La persona rifiuta la presa in carico"
    assert AuditEntry.objects.filter(action="scheda.respinta",
                                     object_id=str(scheda.public_id)).exists()


def test_reject_needs_a_reason(cast, in_a):
    scheda = new_scheda(new_persona(in_a))
    with pytest.raises(ValidationFailed, match="motivo") as exc:
        scheda_respingi(actor=in_a, scheda=scheda, motivo="   ")
    assert exc.value.field == "motivo"
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA


def test_a_report_of_the_judicial_authority_cannot_be_rejected(cast, in_a):
    scheda = new_scheda(new_persona(in_a), interlocutore=AG)
    with pytest.raises(NotAllowed, match="autorità giudiziaria"):
        scheda_respingi(actor=in_a, scheda=scheda, motivo="Non necessaria")
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA


def test_a_scheda_already_reviewed_is_not_reviewed_again(cast, in_a):
    scheda = new_scheda(new_persona(in_a), stato=SchedaAccesso.Stato.IN_CARICO)
    with pytest.raises(ValidationFailed, match="Si respingono solo"):
        scheda_respingi(actor=in_a, scheda=scheda, motivo="x")
    with pytest.raises(ValidationFailed, match="non è più da valutare"):
        scheda_prendi_in_carico(actor=in_a, scheda=scheda, **_presa())
    assert not Cartella.objects.filter(persona=scheda.utente).exists()


def test_take_in_charge_opens_the_case(cast, in_a):
    scheda = new_scheda(new_persona(in_a), interlocutore=AG)
    presa = scheda_prendi_in_carico(
        actor=in_a, scheda=scheda, colloquio_riservato=True,
        problematiche=[("abitativa", "Sfratto esecutivo"), ("economica", "")], **_presa())
    assert presa.esito == Esito.APERTA
    cartella = presa.cartella
    assert cartella.stato == Cartella.Stato.APERTA
    assert cartella.area_target == "poverta"
    assert cartella.scheda_origine == scheda
    assert cartella.responsabile_id == in_a.user.pk
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.IN_CARICO
    assert scheda.cartella_public_id == cartella.public_id
    voce = cartella.diario.get()
    assert voce.tipo == VoceDiario.Tipo.PRIMO_COLLOQUIO
    assert voce.riservata
    assert sorted(cartella.problematiche.values_list("categoria", flat=True)) == [
        "abitativa", "economica"]
    assert AuditEntry.objects.filter(action="scheda.presa_in_carico",
                                     object_id=str(scheda.public_id)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"area_target": ""}, "area_target", "area target"),
        ({"colloquio": "  "}, "colloquio", "primo colloquio"),
        ({"data": date(2999, 1, 1)}, "data", "futuro"),
        ({"problematiche": [("inventata", "")]}, "problematiche", "non valida"),
    ],
)
def test_take_in_charge_refuses_bad_input(cast, in_a, overrides, field, message):
    scheda = new_scheda(new_persona(in_a))
    kwargs = _presa(**overrides)
    with pytest.raises(ValidationFailed, match=message) as exc:
        scheda_prendi_in_carico(actor=in_a, scheda=scheda, **kwargs)
    assert exc.value.field == field
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA
    assert not Cartella.objects.filter(persona=scheda.utente).exists()


def test_an_open_case_gets_the_new_scheda_and_a_diary_note(cast, in_a, caso):
    scheda = new_scheda(caso.persona, bisogno_espresso="Richiesta di assistenza domiciliare")
    presa = scheda_prendi_in_carico(actor=in_a, scheda=scheda,
                                    problematiche=[("sanitaria", "")], **_presa())
    assert presa.esito == Esito.COLLEGATA
    assert presa.cartella == caso
    assert Cartella.objects.filter(persona=caso.persona).count() == 1
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.IN_CARICO
    assert scheda.cartella_public_id == caso.public_id
    tipi = set(caso.diario.values_list("tipo", flat=True))
    assert tipi == {VoceDiario.Tipo.NOTA, VoceDiario.Tipo.COLLOQUIO}
    nota = caso.diario.get(tipo=VoceDiario.Tipo.NOTA)
    assert scheda.numero in nota.testo
    assert "assistenza domiciliare" in nota.testo
    assert caso.problematiche.get().categoria == Problematica.Categoria.SANITARIA


def test_an_open_case_of_a_colleague_is_left_to_them(cast, in_a, caso):
    collega = Actor(cast.by_role["dirigente"])  # may manage cases, not enabled on this one
    scheda = new_scheda(caso.persona)
    with pytest.raises(NotAllowed, match="già seguito"):
        scheda_prendi_in_carico(actor=collega, scheda=scheda, **_presa())
    scheda.refresh_from_db()
    assert scheda.stato == SchedaAccesso.Stato.INOLTRATA
    assert not caso.diario.exists()


def test_a_closed_case_is_reopened_and_the_new_worker_answers_for_it(cast, in_a, caso):
    cartella_chiudi(actor=in_a, cartella=caso, data=date(2025, 3, 1), motivo="Concluso",
                    approvata=True)
    nuovo = Actor(cast.by_role["dirigente"])
    scheda = new_scheda(caso.persona)
    presa = scheda_prendi_in_carico(actor=nuovo, scheda=scheda,
                                    **_presa(area_target="anziani"))
    assert presa.esito == Esito.RIAPERTA
    caso.refresh_from_db()
    assert caso.stato == Cartella.Stato.APERTA
    assert caso.responsabile_id == nuovo.user.pk
    assert caso.area_target == "anziani"
    tipi = list(caso.movimenti.order_by("id").values_list("tipo", flat=True))
    assert tipi[-2:] == [MovimentoCartella.Tipo.RIAPERTURA, MovimentoCartella.Tipo.RESPONSABILE]
    assert caso.diario.filter(tipo=VoceDiario.Tipo.PRIMO_COLLOQUIO).exists()


def test_an_anonymous_scheda_cannot_be_taken_in_charge(cast, in_a):
    scheda = new_scheda(None, interlocutore=SchedaAccesso.Interlocutore.ANONIMO)
    with pytest.raises(ValidationFailed, match="persona identificata"):
        scheda_prendi_in_carico(actor=in_a, scheda=scheda, **_presa())


# --- the pages --------------------------------------------------------------------------------


def test_the_inbox_lists_forwarded_schede_only(cast, in_a):
    inoltrata = new_scheda(new_persona(in_a))
    chiusa = new_scheda(new_persona(in_a), stato=SchedaAccesso.Stato.CHIUSA)
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    response = client.get("/cartelle/schede-da-valutare/")
    assert response.status_code == 200
    assert inoltrata.numero in response.content.decode()
    assert chiusa.numero not in response.content.decode()


def test_reject_from_the_page(cast, in_a):
    scheda = new_scheda(new_persona(in_a))
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    url = f"/cartelle/schede-da-valutare/{scheda.public_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url + "respingi/", {"motivo": ""})
    assert response.status_code == 200
    assert "obbligatorio" in response.content.decode()
    response = client.post(url + "respingi/", {"motivo": "Informazioni non veritiere"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        scheda.refresh_from_db()
        assert scheda.stato == SchedaAccesso.Stato.RESPINTA


def test_ag_scheda_page_offers_no_rejection_and_refuses_one(cast, in_a):
    scheda = new_scheda(new_persona(in_a), interlocutore=AG)
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    url = f"/cartelle/schede-da-valutare/{scheda.public_id}/"
    page = client.get(url).content.decode()
    assert 'id="respingi-form"' not in page
    response = client.post(url + "respingi/", {"motivo": "Non necessaria"})
    assert response.status_code == 200
    assert "non si può respingere" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        scheda.refresh_from_db()
        assert scheda.stato == SchedaAccesso.Stato.INOLTRATA


def test_take_in_charge_from_the_page(cast, in_a):
    scheda = new_scheda(new_persona(in_a))
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    url = f"/cartelle/schede-da-valutare/{scheda.public_id}/prendi-in-carico/"
    form = {"area_target": "famiglia_minori", "data": TODAY().isoformat(),
            "colloquio": "Primo colloquio con la madre.",
            "prob-TOTAL_FORMS": "3", "prob-INITIAL_FORMS": "0",
            "prob-0-categoria": "relazionale", "prob-0-descrizione": "Conflitto con l'ex",
            "prob-1-categoria": "", "prob-1-descrizione": "",
            "prob-2-categoria": "", "prob-2-descrizione": ""}
    bad = client.post(url, {**form, "colloquio": ""})
    assert bad.status_code == 200
    with tenant_context(cast.comune_a.ente):
        assert not Cartella.objects.filter(persona=scheda.utente).exists()
    response = client.post(url, form)
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        cartella = Cartella.objects.get(persona=scheda.utente)
        assert cartella.area_target == "famiglia_minori"
        assert cartella.problematiche.get().descrizione == "Conflitto con l'ex"
    assert response["Location"].startswith(f"/cartelle/{cartella.public_id}/")
    # Already reviewed: the page sends back to the inbox.
    again = client.get(f"/cartelle/schede-da-valutare/{scheda.public_id}/")
    assert again.status_code == 302


@pytest.mark.parametrize(("role", "status"), [("educatore", 403), ("psicologo", 403),
                                              ("operatore_sportello", 403),
                                              ("amministrativo", 403)])
def test_only_who_manages_cases_reviews_schede(cast, in_a, role, status):
    scheda = new_scheda(new_persona(in_a))
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    base = f"/cartelle/schede-da-valutare/{scheda.public_id}/"
    assert client.get("/cartelle/schede-da-valutare/").status_code == status
    assert client.get(base).status_code == status
    assert client.post(base + "respingi/", {"motivo": "x"}).status_code == status
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    assert outsider.get(base).status_code == 404
    with tenant_context(cast.comune_a.ente):
        scheda.refresh_from_db()
        assert scheda.stato == SchedaAccesso.Stato.INOLTRATA
