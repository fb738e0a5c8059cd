"""End to end in Chromium: contact at the front office -> scheda di accesso -> the social
worker takes the case in charge -> PAI written, sent, and approved by the dirigente."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor, persona_create
from tests.conftest import _CAST
from tests.e2e.test_browser import ARTIFACTS, browser, server, submit_sign_in  # noqa: F401


def _sign_in(browser, base, user):  # noqa: F811
    context = browser.new_context(locale="it-IT")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    submit_sign_in(page, user)
    page.wait_for_selector("#comune-home")
    return page


@pytest.mark.browser
def test_contact_to_scheda_to_presa_in_carico_to_pai(server, browser, django_db_blocker):  # noqa: F811
    cast = _CAST[0]
    base = f"http://{cast.comune_a.ente.get_primary_domain().domain}:{server}"
    with django_db_blocker.unblock(), tenant_context(cast.comune_a.ente):
        persona_create(actor=Actor(cast.by_role["operatore_sportello"]), cognome="Pettinari",
                       nome="Gemma", sesso="F", data_nascita=date(1958, 11, 3))

    # The front office records the contact and forwards it to the social worker.
    front = _sign_in(browser, base, cast.by_role["operatore_sportello"])
    front.goto(f"{base}/accesso/nuova/")
    front.check("input[name=interlocutore_tipo][value=utente]", force=True)
    front.fill("#utente_cerca", "pettinari")
    front.wait_for_selector("#utente-risultati [data-scegli-persona]")
    front.click("#utente-risultati [data-scegli-persona]")
    front.check("input[name=consenso][value=concesso]", force=True)
    front.fill("#id_bisogno_espresso", "Vive sola, non riesce più a pagare l'affitto")
    front.click("#save-scheda")
    front.wait_for_selector("#scheda-stato")
    front.check("input[name=esito][value=inoltro_as]", force=True)
    front.fill("#id_motivo", "Chiede un sostegno economico")
    front.click("#close-form button[type=submit]")
    front.wait_for_selector("#scheda-esito")
    assert "Inoltro all'assistente sociale" in front.inner_text("#scheda-esito")
    front.context.close()

    # The social worker finds it among the schede to review and takes the case in charge.
    worker = _sign_in(browser, base, cast.by_role["assistente_sociale"])
    worker.goto(f"{base}/cartelle/schede-da-valutare/")
    row = worker.locator("#schede-table tr", has_text="Pettinari")
    row.locator("a").first.click()
    worker.wait_for_selector("#presa-form")
    worker.select_option("#presa-form select[name=area_target]", "poverta")
    worker.fill("#presa-form textarea[name=colloquio]",
                "Primo colloquio: morosità incolpevole, nessuna rete familiare vicina.")
    worker.click("#presa-form button[type=submit]")
    worker.wait_for_selector("#cartella-pai")
    assert "Pettinari" in worker.content()

    # A PAI: drafted, then sent for approval.
    worker.click("#pai-new-link")
    worker.wait_for_selector("#pai-form")
    worker.fill("#pai-form input[name=data_inizio]", date.today().isoformat())
    worker.fill("#pai-form textarea[name=sintesi_bisogno]",
                "Sostegno al pagamento dell'affitto e ricerca di un alloggio sociale.")
    worker.click("#pai-form button[type=submit]")
    worker.wait_for_selector("text=creato in bozza")
    worker.get_by_label("Obiettivo", exact=True).fill("Nessuno sfratto nei prossimi 12 mesi")
    worker.get_by_role("button", name="Aggiungi obiettivo").click()
    worker.wait_for_selector("text=Nessuno sfratto nei prossimi 12 mesi")
    worker.get_by_role("button", name="Invia il PAI").click()
    worker.wait_for_selector("#pai-approvazioni")
    ARTIFACTS.mkdir(exist_ok=True)
    worker.screenshot(path=str(ARTIFACTS / "pai-inviato.png"), full_page=True)
    worker.context.close()

    # The dirigente approves it from the list of what waits for them.
    boss = _sign_in(browser, base, cast.by_role["dirigente"])
    boss.goto(f"{base}/pai/approvazioni/")
    boss.locator("form.ambito-decisione button[value=approva]").first.click()
    boss.wait_for_load_state("networkidle")
    boss.context.close()

    from services.pai.models import PAI

    with django_db_blocker.unblock(), tenant_context(cast.comune_a.ente):
        pai = PAI.objects.get(cartella__persona__cognome="Pettinari")
        assert pai.stato == PAI.Stato.APPROVATO
        assert pai.cartella.scheda_origine.bisogno_espresso.startswith("Vive sola")
