"""Referral of a case to a specialist service of the comune or of the zone, and the answer.

A team member sees only the referral until they accept it, and is then enabled on the case;
the zone office gets the summary the person consented to, never the case file."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor
from services.cartella.models import Cartella, OperatoreCartella
from services.cartella.selectors import get_cartella_for_user
from services.cartella.services import cartella_chiudi
from services.core.errors import AlreadyExists, NotAllowed, NotFound, ValidationFailed
from services.invii import services as svc
from services.invii.models import Invio
from services.invii.selectors import invii_della_cartella
from services.pai.models import Notifica
from services.trasferimenti.models import RichiestaZonale, ServizioZonale
from tests.conftest import client_for


@pytest.fixture
def affidi(cast, in_a):
    dirigente = Actor(cast.by_role["dirigente"])
    servizio = svc.servizio_specialistico_crea(actor=dirigente, nome="Équipe affidi",
                                               tipo="affidi")
    svc.membro_aggiungi(actor=dirigente, servizio=servizio, user=cast.by_role["psicologo"])
    return servizio


@pytest.fixture
def sil(cast):
    """The zone's job-placement service (created by the zone office, public schema)."""
    with tenant_context(cast.zona.ente):
        return svc.servizio_zonale_crea(actor=Actor(cast.coordinatore),
                                        nome="Servizio inserimento lavorativo",
                                        tipo="inserimento_lavorativo")


def test_a_team_member_accepts_and_is_enabled_then_answers(cast, in_a, caso, affidi):
    psicologo = cast.by_role["psicologo"]
    invio = svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi,
                           quesito="Valutare la disponibilità di una famiglia affidataria")
    assert Notifica.objects.filter(destinatario_id=psicologo.pk).count() == 1
    # Before accepting, the member reaches the referral, not the case.
    client = client_for(psicologo, cast.comune_a.ente)
    page = client.get("/invii/ricevuti/").content.decode()
    assert "Valutare la disponibilità" in page
    assert client.get(f"/cartelle/{caso.public_id}/").status_code == 404

    svc.invio_accogli(actor=Actor(psicologo), invio=invio)
    assert OperatoreCartella.objects.filter(cartella=caso, user_id=psicologo.pk,
                                            al__isnull=True, ruolo="Équipe affidi").exists()
    assert get_cartella_for_user(psicologo, caso.public_id) == caso
    assert client.get(f"/cartelle/{caso.public_id}/").status_code == 200

    svc.invio_rispondi(actor=Actor(psicologo), invio=invio,
                       risposta="Individuata la famiglia Rossi; avvio del progetto a marzo")
    invio.refresh_from_db()
    assert invio.stato == Invio.Stato.CONCLUSO
    assert Notifica.objects.filter(destinatario_id=cast.by_role["assistente_sociale"].pk).count() == 2
    page = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/").content.decode()
    assert "Individuata la famiglia Rossi" in page


def test_a_rejection_needs_a_reason_and_changes_nothing_without(cast, in_a, caso, affidi):
    psicologo = Actor(cast.by_role["psicologo"])
    invio = svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi, quesito="Valutazione")
    with pytest.raises(ValidationFailed) as exc:
        svc.invio_respingi(actor=psicologo, invio=invio, motivazione="  ")
    assert exc.value.field == "motivazione"
    invio.refresh_from_db()
    assert invio.stato == Invio.Stato.INVIATO
    svc.invio_respingi(actor=psicologo, invio=invio, motivazione="Non di nostra competenza")
    invio.refresh_from_db()
    assert (invio.stato, invio.risposta) == ("respinto", "Non di nostra competenza")
    assert not OperatoreCartella.objects.filter(cartella=caso,
                                                user_id=psicologo.user.pk).exists()
    # Answering a rejected referral is refused.
    with pytest.raises(ValidationFailed):
        svc.invio_rispondi(actor=psicologo, invio=invio, risposta="Ci ripensiamo")


def test_only_members_handle_a_referral(cast, in_a, caso, affidi):
    invio = svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi, quesito="Valutazione")
    for role in ("educatore", "dirigente", "assistente_sociale"):
        with pytest.raises(NotFound):
            svc.invio_accogli(actor=Actor(cast.by_role[role]), invio=invio)
        response = client_for(cast.by_role[role], cast.comune_a.ente).post(
            f"/invii/ricevuti/{invio.public_id}/accogli/")
        assert response.status_code in (403, 404)
    invio.refresh_from_db()
    assert invio.stato == Invio.Stato.INVIATO


def test_bad_referrals_are_refused(cast, in_a, caso, affidi):
    with pytest.raises(ValidationFailed) as exc:
        svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi, quesito=" ")
    assert exc.value.field == "quesito"
    svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi, quesito="Prima richiesta")
    with pytest.raises(AlreadyExists):
        svc.invio_crea(actor=in_a, cartella=caso, servizio=affidi, quesito="Doppione")
    # Someone not enabled on the case cannot refer it.
    with pytest.raises(NotAllowed):
        svc.invio_crea(actor=Actor(cast.by_role["dirigente"]), cartella=caso, servizio=affidi,
                       quesito="Dal dirigente")
    assert Invio.objects.count() == 1
    # A closed case is not referred.
    cartella_chiudi(actor=in_a, cartella=caso, data=date.today(), motivo="Fine", approvata=True)
    with pytest.raises(ValidationFailed):
        svc.invio_crea(actor=in_a, cartella=Cartella.objects.get(pk=caso.pk), servizio=affidi,
                       quesito="Dopo la chiusura")


def test_the_referral_form_on_the_case_page(cast, caso, affidi, sil):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get(f"/cartelle/{caso.public_id}/").content.decode()
    assert 'id="invio-new-link"' in page
    form = client.get(f"/invii/cartella/{caso.public_id}/nuovo/").content.decode()
    assert "Équipe affidi" in form
    assert "Servizio inserimento lavorativo" in form
    response = client.post(f"/invii/cartella/{caso.public_id}/nuovo/", {
        "destinazione": f"z:{sil.public_id}", "quesito": "Percorso di inserimento"})
    assert response.status_code == 400
    assert "consenso" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Invio.objects.exists()
    assert not RichiestaZonale.objects.exists()
    response = client.post(f"/invii/cartella/{caso.public_id}/nuovo/", {
        "destinazione": f"c:{affidi.public_id}", "quesito": "Famiglia affidataria"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Invio.objects.get().servizio == affidi


def test_a_zone_service_gets_the_summary_and_answers(cast, in_a, caso, sil):
    invio = svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil,
                                  quesito="Tirocinio di inclusione",
                                  consenso_data=date(2025, 3, 1), consenso_modalita="scritto")
    richiesta = RichiestaZonale.objects.get()
    persona = caso.persona
    assert (richiesta.cognome, richiesta.codice_fiscale) == (persona.cognome,
                                                             persona.codice_fiscale)
    assert richiesta.invio_origine == invio.public_id
    coordinatore = client_for(cast.coordinatore, cast.zona.ente)
    assert persona.cognome in coordinatore.get("/invii/").content.decode()
    # The zone office answers on its own host; the comune reads the answer on the case page.
    url = f"/invii/{richiesta.public_id}/"
    assert "Tirocinio di inclusione" in coordinatore.get(url).content.decode()
    bad = coordinatore.post(url, {"esito": "respinta", "testo": ""})
    assert bad.status_code == 400
    assert coordinatore.post(url, {"esito": "accolta"}).status_code == 302
    assert coordinatore.post(url, {"esito": "conclusa",
                                   "testo": "Tirocinio avviato presso la coop. Alfa"}).status_code == 302
    connection.set_tenant(cast.comune_a.ente)
    (mostrato,) = invii_della_cartella(caso)
    assert mostrato.stato == Invio.Stato.CONCLUSO
    assert mostrato.risposta == "Tirocinio avviato presso la coop. Alfa"
    page = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/").content.decode()
    assert "Tirocinio avviato presso la coop. Alfa" in page


def test_a_zone_referral_needs_consent_and_a_service_of_ones_zone(cast, in_a, caso, sil):
    with pytest.raises(ValidationFailed) as exc:
        svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil, quesito="Tirocinio",
                              consenso_data=None, consenso_modalita="scritto")
    assert exc.value.field == "consenso_data"
    altra = ServizioZonale(zona_id=cast.zona.pk + 10_000, nome="Altrove", tipo="altro")
    with pytest.raises(ValidationFailed):
        svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=altra, quesito="Tirocinio",
                              consenso_data=date(2025, 3, 1), consenso_modalita="scritto")
    assert not RichiestaZonale.objects.exists()
    assert not Invio.objects.exists()


def test_withdrawing_a_zone_referral_before_the_answer(cast, in_a, caso, sil):
    invio = svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil, quesito="Tirocinio",
                                  consenso_data=date(2025, 3, 1), consenso_modalita="verbale")
    svc.invio_annulla(actor=in_a, invio=invio)
    assert RichiestaZonale.objects.get().stato == RichiestaZonale.Stato.ANNULLATA
    # A new referral to the same service is possible again.
    svc.invio_zonale_crea(actor=in_a, cartella=caso, servizio=sil, quesito="Di nuovo",
                          consenso_data=date(2025, 3, 1), consenso_modalita="verbale")


def test_pages_by_role(cast, caso, affidi, sil):
    a, zona = cast.comune_a.ente, cast.zona.ente
    assert client_for(cast.by_role["dirigente"], a).get("/invii/servizi/").status_code == 200
    for role in ("assistente_sociale", "operatore_sportello", "amministrativo"):
        assert client_for(cast.by_role[role], a).get("/invii/servizi/").status_code == 403
    assert client_for(cast.outsider, a).get("/invii/ricevuti/").status_code == 404
    assert client_for(cast.outsider, a).get(
        f"/invii/cartella/{caso.public_id}/nuovo/").status_code == 404
    assert client_for(cast.by_role["assistente_sociale"], zona).get("/invii/").status_code == 404
    assert client_for(cast.osservatore, zona).get("/invii/").status_code == 404
    # The zone office never reaches a case of the comune.
    assert client_for(cast.coordinatore, a).get(f"/cartelle/{caso.public_id}/").status_code == 404
