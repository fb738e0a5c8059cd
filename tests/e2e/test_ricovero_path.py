"""End to end in Chromium: a placement's month from the proposal to one liquidation. The
social worker proposes the ricovero (2.850 € a month), the dirigente approves it, the office
authorises the placement in the structure; the structure's March invoice (the comune's share,
the guest paying part of the rate) is checked against the presences; the atto di
liquidazione offers that month once — the invoice, no payment to the person — and after it
is paid nothing of that month is offered again."""

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
from tests.fornitori.conftest import IBAN, piva

D = Decimal
MARZO = date(2025, 3, 1)


def _cleanup(created: dict) -> None:
    from services.determine.models import Determina, Liquidazione, RigaLiquidazione
    from services.fornitori.models import Contratto, Discrepanza, Fattura, Fornitore, RigaFattura
    from services.interventi.models import Intervento, Pagamento
    from services.pai.models import Notifica
    from services.ricoveri.models import Presenza, Ricovero, Struttura

    determine = Determina.objects.filter(oggetto=created.get("oggetto", "-"))
    interventi = Intervento.objects.filter(persona=created.get("persona"))
    RigaLiquidazione.objects.filter(liquidazione__determina__in=determine).delete()
    Liquidazione.objects.filter(determina__in=determine).delete()
    fatture = Fattura.objects.filter(fornitore=created.get("gestore"))
    Discrepanza.objects.filter(fattura__in=fatture).delete()
    RigaFattura.objects.filter(fattura__in=fatture).delete()
    fatture.delete()
    Presenza.objects.filter(ricovero__intervento__in=interventi).delete()
    Ricovero.objects.filter(intervento__in=interventi).delete()
    Pagamento.objects.filter(intervento__in=interventi).delete()
    for i in interventi:
        Notifica.objects.filter(link__contains=str(i.public_id)).delete()
    interventi.delete()
    Struttura.objects.filter(fornitore=created.get("gestore")).delete()
    Contratto.objects.filter(fornitore=created.get("gestore")).delete()
    determine.delete()
    Fornitore.objects.filter(pk=getattr(created.get("gestore"), "pk", None)).delete()
    for key in ("servizio", "persona"):
        if created.get(key) is not None:
            created[key].delete()


@pytest.mark.browser
def test_a_placement_month_from_authorisation_to_a_single_liquidation(server, browser,  # noqa: F811
                                                                      django_db_blocker):
    from services.determine.models import Determina, RigaLiquidazione
    from services.determine.services import determina_create
    from services.fornitori.models import Fattura
    from services.fornitori.services import (
        RigaInput,
        contratto_create,
        fattura_create,
        fornitore_create,
    )
    from services.interventi.models import Intervento, Pagamento
    from services.interventi.services import servizio_create
    from services.ricoveri.models import Ricovero
    from services.ricoveri.services import presenze_registra, struttura_create

    cast = _CAST[0]
    ente = cast.comune_a.ente
    base = f"http://{ente.get_primary_domain().domain}:{server}"
    tag = uuid.uuid4().hex[:6]
    created: dict = {"oggetto": f"Rette RSA {tag}"}
    try:
        with django_db_blocker.unblock(), tenant_context(ente):
            office_actor = Actor(cast.by_role["amministrativo"])
            created["servizio"] = servizio = servizio_create(
                actor=Actor(cast.by_role["dirigente"]), nome=f"Ricovero RSA {tag}",
                tipo="ricovero", area_target="anziani", carattere="periodico")
            created["persona"] = persona = persona_create(
                actor=Actor(cast.by_role["operatore_sportello"]), cognome="Mazzanti",
                nome="Ersilia", sesso="F", data_nascita=date(1936, 5, 2))
            determina = determina_create(actor=office_actor, data_adozione=date(2025, 1, 10),
                                         oggetto=created["oggetto"], capitolo="12040",
                                         importo_impegnato=D("60000.00"), servizio=servizio)
            created["gestore"] = gestore = fornitore_create(
                actor=office_actor, ragione_sociale=f"Fondazione Santa Verdiana {tag}",
                tipo="struttura", codice_fiscale=piva(int(tag, 16) % 10**9), iban=IBAN)
            contratto = contratto_create(
                actor=office_actor, fornitore=gestore, servizio=servizio, numero=f"RSA-{tag}",
                dal=date(2025, 1, 1), al=date(2025, 12, 31), determina=determina,
                tariffa_giornaliera=D("95.00"), posti_massimi=20,
                importo_massimo=D("60000.00"))
            struttura = struttura_create(actor=office_actor, fornitore=gestore,
                                         nome=f"RSA Santa Verdiana {tag}", posti=20)

        # The social worker proposes the placement, 2.850 € a month from February to June.
        worker = _sign_in(browser, base, cast.by_role["assistente_sociale"])
        worker.goto(f"{base}/servizi/interventi/nuovo/?persona={persona.public_id}")
        worker.wait_for_selector("#intervento-form")
        worker.select_option("#intervento-form select[name=servizio]", str(servizio.public_id))
        worker.fill("#intervento-form input[name=data_inizio]", "2025-02-01")
        worker.fill("#intervento-form input[name=data_fine]", "2025-06-30")
        worker.fill("#intervento-form input[name=importo_mensile]", "2.850,00")
        worker.fill("#intervento-form textarea[name=motivazione]", "Non più assistibile a casa")
        worker.click("#intervento-form button[type=submit]")
        worker.wait_for_selector("#intervento-stato")
        assert "Proposto" in worker.inner_text("#intervento-stato")
        worker.context.close()

        # The dirigente approves it: no payment to the person is created.
        boss = _sign_in(browser, base, cast.by_role["dirigente"])
        boss.goto(f"{base}/servizi/interventi/da-decidere/")
        boss.locator("#proposte-table tr", has_text="Mazzanti").locator(
            "button[value=approva]").click()
        boss.wait_for_load_state("networkidle")
        assert "Decisione registrata" in boss.content()
        with django_db_blocker.unblock(), tenant_context(ente):
            intervento = Intervento.objects.get(persona=persona)
            assert intervento.stato == Intervento.Stato.APPROVATO
            assert not Pagamento.objects.filter(intervento=intervento).exists()
        boss.goto(f"{base}/servizi/interventi/{intervento.public_id}/")
        assert "si paga al fornitore" in boss.inner_text("#pagato-a")
        assert boss.locator("#pagamenti-genera").count() == 0
        boss.context.close()

        # The office authorises the placement; the guest pays 3 € of the 95 € daily rate.
        office = _sign_in(browser, base, cast.by_role["amministrativo"])
        office.goto(f"{base}/ricoveri/autorizza/?intervento={intervento.public_id}")
        office.select_option("#main-form select[name=struttura]", str(struttura.public_id))
        office.select_option("#main-form select[name=contratto]", str(contratto.public_id))
        office.fill("#main-form input[name=dal]", "2025-02-01")
        office.fill("#main-form input[name=quota_utente]", "3,00")
        office.click("#main-form button[type=submit]")
        office.wait_for_selector("#ricovero-dati")

        # March: 31 days of presence; the structure invoices the comune's share (92 € a day).
        with django_db_blocker.unblock(), tenant_context(ente):
            ricovero = Ricovero.objects.get(intervento=intervento)
            presenze_registra(actor=office_actor, ricovero=ricovero, mese=MARZO, giorni=31)
            quota_ente = D("92.00") * 31
            fattura = fattura_create(
                actor=office_actor, contratto=contratto, numero=f"{tag}/3", data=date(2025, 4, 3),
                competenza=MARZO, importo_totale=quota_ente,
                righe=[RigaInput(intervento=intervento, quantita=D("31"), importo=quota_ente)])
            assert fattura.stato == Fattura.Stato.VERIFICATA, list(fattura.discrepanze.all())

        office.goto(f"{base}/determine/{determina.public_id}/")
        office.click("#liquida-link")
        office.wait_for_selector("#liquidazione-form")
        righe = office.locator("#liquidazione-form input[type=checkbox][name=oggetti]")
        assert righe.count() == 1  # the invoice, and no payment to the person beside it
        office.locator("#liquidazione-form tr", has_text="Fattura").locator(
            "input[type=checkbox]").check(force=True)
        office.click("#liquidazione-form button[type=submit]")
        office.wait_for_selector("#liquidazione-totale")
        assert "2.852,00" in office.inner_text("#liquidazione-totale")
        assert IBAN in office.inner_text("#righe-table")
        ARTIFACTS.mkdir(exist_ok=True)
        office.screenshot(path=str(ARTIFACTS / "liquidazione-ricovero.png"), full_page=True)

        # Nothing of March is offered again.
        office.goto(f"{base}/determine/liquidazioni/nuova/?determina={determina.public_id}")
        office.wait_for_selector("#liquidazione-form")
        assert office.locator("#liquidazione-form input[type=checkbox][name=oggetti]").count() == 0
        office.context.close()

        with django_db_blocker.unblock(), tenant_context(ente):
            righe = RigaLiquidazione.objects.filter(liquidazione__determina=determina,
                                                    annullata=False)
            assert [(r.oggetto_tipo, r.importo) for r in righe] == [("fornitori.fattura",
                                                                     D("2852.00"))]
            assert Determina.objects.get(pk=determina.pk).importo_liquidato == D("2852.00")
            assert not Pagamento.objects.filter(intervento=intervento).exists()
    finally:
        with django_db_blocker.unblock(), tenant_context(ente):
            _cleanup(created)
