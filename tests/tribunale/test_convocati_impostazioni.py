"""Operators summoned to a hearing see its time and place and download it, without opening
the proceeding; e-mail links keep the site's scheme and port; the default tribunal is the
ente's setting."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from services.pai.models import Notifica
from services.tribunale.models import Impostazioni
from services.tribunale.notifiche import indirizzo_sito
from services.tribunale.services import impostazioni_aggiorna, udienza_fissa
from tests.conftest import client_for


def _convoca_educatore(cast, in_a, proc, django_capture_on_commit_callbacks):
    educatore = cast.by_role["educatore"]
    with django_capture_on_commit_callbacks(execute=True):
        udienza = udienza_fissa(actor=in_a, procedimento=proc,
                                inizio=timezone.now() + timedelta(days=3), luogo="Aula 7",
                                giudice="", operatori_ids=[in_a.user.pk, educatore.pk])
    return educatore, udienza


def test_a_summoned_educator_sees_the_hearing_not_the_proceeding(
        cast, in_a, proc, django_capture_on_commit_callbacks):
    educatore, udienza = _convoca_educatore(cast, in_a, proc, django_capture_on_commit_callbacks)
    mese = f"{timezone.localtime(udienza.inizio):%Y-%m}"
    client = client_for(educatore, cast.comune_a.ente)
    page = client.get(f"/tribunale/udienze/?mese={mese}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Aula 7" in text
    assert timezone.localtime(udienza.inizio).strftime("%H:%M") in text
    assert f"/tribunale/{proc.public_id}/" not in text  # no link to the proceeding
    ics = client.get("/tribunale/udienze.ics")
    assert ics.status_code == 200
    assert "LOCATION:Aula 7" in ics.content.decode()
    assert client.get(f"/tribunale/{proc.public_id}/").status_code in (403, 404)
    notifica = Notifica.objects.get(destinatario_id=educatore.pk)
    assert notifica.link == f"/tribunale/udienze/?mese={mese}"


def test_the_calendar_is_not_for_roles_outside_case_work(cast):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    assert client.get("/tribunale/udienze/").status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).get(
        "/tribunale/udienze.ics").status_code == 404


def test_email_links_keep_the_scheme_and_port(cast, in_a, proc, settings,
                                              django_capture_on_commit_callbacks):
    settings.AMBITO_EMAIL_NOTIFICHE = True
    settings.AMBITO_SITE_SCHEME = "http"
    settings.AMBITO_SITE_PORT = "8080"
    domain = cast.comune_a.ente.get_primary_domain().domain
    assert indirizzo_sito() == f"http://{domain}:8080"
    mail.outbox.clear()
    _convoca_educatore(cast, in_a, proc, django_capture_on_commit_callbacks)
    bodies = [m.body for m in mail.outbox]
    assert any(f"http://{domain}:8080/tribunale/{proc.public_id}/" in b for b in bodies)
    settings.AMBITO_SITE_SCHEME = "https"
    settings.AMBITO_SITE_PORT = "443"
    assert indirizzo_sito() == f"https://{domain}"


def test_the_default_tribunal_is_the_entes_setting(cast, in_a, dirigente):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    # The test region is Umbria: its only juvenile court is proposed until the ente sets one.
    assert "Tribunale per i minorenni di Perugia" in client.get("/tribunale/nuovo/").content.decode()
    response = client.post("/tribunale/impostazioni/",
                           {"tribunale_predefinito": "  Tribunale per i minorenni di  Firenze "})
    assert response.status_code == 302
    assert Impostazioni.objects.get().tribunale_predefinito == "Tribunale per i minorenni di Firenze"
    page = client.get("/tribunale/nuovo/").content.decode()
    assert 'value="Tribunale per i minorenni di Firenze"' in page
    assert "Tribunale per i minorenni di Perugia" not in page
    too_long = client.post("/tribunale/impostazioni/", {"tribunale_predefinito": "x" * 201})
    assert too_long.status_code == 400
    assert Impostazioni.objects.get().tribunale_predefinito.endswith("Firenze")
    # Only who sees every proceeding sets it.
    assert client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).post(
        "/tribunale/impostazioni/", {"tribunale_predefinito": "x"}).status_code == 403


def test_setting_the_tribunal_is_audited_once(cast, in_a, dirigente):
    from services.core.models import AuditEntry

    impostazioni_aggiorna(actor=dirigente, tribunale_predefinito="Tribunale per i minorenni di Roma")
    impostazioni_aggiorna(actor=dirigente, tribunale_predefinito="Tribunale per i minorenni di Roma")
    assert AuditEntry.objects.filter(action="tribunale.impostazioni_aggiornate").count() == 1
