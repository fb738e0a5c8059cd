"""End to end in Chromium: an application -> the social worker's proposal -> the
dirigente's decision -> a determina funds it -> an atto di liquidazione pays it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor, persona_create
from tests.conftest import _CAST
from tests.e2e.test_browser import ARTIFACTS, browser, server  # noqa: F401
from tests.e2e.test_case_path import _sign_in


def _cleanup(created: dict) -> None:
    from services.determine.models import Determina, Liquidazione, RigaLiquidazione
    from services.domande.models import Domanda
    from services.interventi.models import Intervento, Pagamento
    from services.pai.models import Notifica

    interventi = Intervento.objects.filter(domanda__in=created.get("domande", []))
    determine = Determina.objects.filter(oggetto=created.get("oggetto", "-"))
    RigaLiquidazione.objects.filter(liquidazione__determina__in=determine).delete()
    Liquidazione.objects.filter(determina__in=determine).delete()
    Pagamento.objects.filter(intervento__in=interventi).delete()
    from services.determine.models import ModalitaPagamento

    ModalitaPagamento.objects.filter(persona=created.get("persona")).delete()
    for i in interventi:
        Notifica.objects.filter(link__contains=str(i.public_id)).delete()
    interventi.delete()
    determine.delete()
    Domanda.objects.filter(pk__in=[d.pk for d in created.get("domande", [])]).delete()
    for key in ("servizio", "persona"):
        if created.get(key) is not None:
            created[key].delete()


@pytest.mark.browser
def test_application_to_proposal_to_decision_to_payment(server, browser, django_db_blocker):  # noqa: F811
    from services.domande.models import Domanda
    from services.interventi.models import Intervento, Pagamento
    from services.interventi.services import servizio_create

    cast = _CAST[0]
    ente = cast.comune_a.ente
    base = f"http://{ente.get_primary_domain().domain}:{server}"
    tag = uuid.uuid4().hex[:6]
    created: dict = {"oggetto": f"Contributi straordinari {tag}"}
    try:
        with django_db_blocker.unblock(), tenant_context(ente):
            dirigente = Actor(cast.by_role["dirigente"])
            created["servizio"] = servizio = servizio_create(
                actor=dirigente, nome=f"Contributo straordinario {tag}", tipo="economica",
                area_target="poverta", carattere="occasionale", prova_mezzi=1)
            created["persona"] = persona = persona_create(
                actor=Actor(cast.by_role["operatore_sportello"]), cognome="Bartolini",
                nome="Ilario", sesso="M", data_nascita=date(1961, 4, 9))
            domanda = Domanda.objects.create(
                numero_protocollo=f"P-{tag}", data_protocollo=date(2025, 3, 3), persona=persona,
                servizio=servizio, importo_richiesto=Decimal("480.00"))
            created["domande"] = [domanda]

        # The social worker proposes the intervention from the application.
        worker = _sign_in(browser, base, cast.by_role["assistente_sociale"])
        worker.goto(f"{base}/servizi/interventi/nuovo/?domanda={domanda.public_id}")
        worker.wait_for_selector("#intervento-form")
        assert f"P-{tag}" in worker.inner_text("#intervento-domanda")
        worker.fill("#intervento-form input[name=data_inizio]", "2025-03-20")
        worker.fill("#intervento-form input[name=importo_totale]", "450,00")
        worker.fill("#intervento-form textarea[name=motivazione]", "Morosità sulle utenze")
        worker.click("#intervento-form button[type=submit]")
        worker.wait_for_selector("#intervento-stato")
        assert "Proposto" in worker.inner_text("#intervento-stato")
        worker.context.close()

        # The dirigente approves it from the list of proposals.
        boss = _sign_in(browser, base, cast.by_role["dirigente"])
        boss.goto(f"{base}/servizi/interventi/da-decidere/")
        row = boss.locator("#proposte-table tr", has_text="Bartolini")
        row.locator("button[value=approva]").click()
        boss.wait_for_load_state("networkidle")
        assert "Decisione registrata" in boss.content()
        boss.context.close()

        # The administrative officer registers the determina, funds the intervention with
        # it and liquidates the payment.
        office = _sign_in(browser, base, cast.by_role["amministrativo"])
        office.goto(f"{base}/determine/nuova/")
        office.fill("#determina-form input[name=data_adozione]", "2025-03-25")
        office.fill("#determina-form input[name=oggetto]", created["oggetto"])
        office.fill("#determina-form input[name=capitolo]", "11040")
        office.fill("#determina-form input[name=importo_impegnato]", "5000,00")
        office.click("#determina-form button[type=submit]")
        office.wait_for_selector("#determina-dati")
        with django_db_blocker.unblock(), tenant_context(ente):
            intervento = Intervento.objects.get(domanda=domanda)
            assert intervento.stato == Intervento.Stato.APPROVATO
            determina_id = str(Intervento._meta.get_field("determina").related_model.objects.get(
                oggetto=created["oggetto"]).public_id)
        office.goto(f"{base}/servizi/interventi/{intervento.public_id}/")
        office.select_option("#determina-form select[name=determina]", determina_id)
        office.click("#determina-form button[type=submit]")
        office.wait_for_selector("text=Determina aggiornata")
        # Nobody is paid without payment details: the office records the IBAN first.
        office.click("#intervento-modalita a")
        office.wait_for_selector("#modalita-form")
        office.select_option("#modalita-form select[name=tipo]", "bonifico")
        office.fill("#modalita-form input[name=iban]", "IT60 X054 2811 1010 0000 0123 456")
        office.click("#modalita-form button[type=submit]")
        office.wait_for_selector("#modalita-table")
        office.goto(f"{base}/determine/{determina_id}/")
        office.click("#liquida-link")
        office.wait_for_selector("#liquidazione-form")
        office.locator("#liquidazione-form tr", has_text="Bartolini").locator(
            "input[type=checkbox]").check(force=True)
        office.click("#liquidazione-form button[type=submit]")
        office.wait_for_selector("#liquidazione-totale")
        assert "450,00" in office.inner_text("#liquidazione-totale")
        assert "IT60X0542811101000000123456" in office.inner_text("#righe-table")
        ARTIFACTS.mkdir(exist_ok=True)
        office.screenshot(path=str(ARTIFACTS / "liquidazione.png"), full_page=True)
        office.context.close()

        with django_db_blocker.unblock(), tenant_context(ente):
            pagamento = Pagamento.objects.get(intervento__domanda=domanda)
            assert pagamento.stato == Pagamento.Stato.LIQUIDATO
            assert pagamento.importo == Decimal("450.00")
            intervento.refresh_from_db()
            assert intervento.stato == Intervento.Stato.IN_CORSO
            assert intervento.determina.importo_liquidato == Decimal("450.00")
    finally:
        with django_db_blocker.unblock(), tenant_context(ente):
            _cleanup(created)
