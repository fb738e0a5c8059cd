"""The PAI pages as the people of the comune use them, and who gets a 403 or a 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse, set_urlconf
from django_tenants.utils import tenant_context

from services.cartella.models import Cartella
from services.cartella.services import cartella_chiudi, operatore_abilita
from services.core.models import AuditEntry
from services.pai.models import PAI, Approvazione, Notifica
from services.pai.services import approvazione_richiedi_chiusura, pai_submit
from tests.conftest import client_for

from .conftest import actor, altro_operatore, approvazioni, pai_in_vigore, pai_pronto

URLCONF = "ambito.urls.comune"


def url(name: str, *args) -> str:
    return reverse(name, args=args, urlconf=URLCONF)


def test_a_social_worker_drafts_and_sends_a_plan(cast, caso, worker):
    approvazioni(pai=True)
    c = client_for(worker, cast.comune_a.ente)
    assert c.get(url("pai_new", caso.public_id)).status_code == 200
    r = c.post(url("pai_new", caso.public_id), {"data_inizio": "2025-02-01",
                                                 "sintesi_bisogno": "Morosità incolpevole"})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        pai = PAI.objects.get()
    assert r["Location"] == url("pai_edit", pai.public_id)
    assert c.get(r["Location"]).status_code == 200

    r = c.post(url("pai_obiettivo_add", pai.public_id),
               {"descrizione": "Rientro dalla morosità", "indicatore": "Arretrati azzerati"})
    assert r.status_code == 302
    r = c.post(url("pai_intervento_add", pai.public_id),
               {"descrizione": "Contributo economico", "area": "Assistenza economica",
                "frequenza": "mensile", "responsabile": str(worker.pk),
                "dal": "2025-02-01", "al": "2025-07-31"})
    assert r.status_code == 302
    r = c.post(url("pai_responsabile_add", pai.public_id),
               {"user": str(cast.by_role["educatore"].pk), "ruolo": "Educatore"})
    assert r.status_code == 302
    r = c.post(url("pai_submit", pai.public_id), {"nota": "Da vedere entro venerdì"})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        pai.refresh_from_db()
        assert pai.stato == PAI.Stato.IN_APPROVAZIONE
        assert pai.interventi.get().responsabile_id == worker.pk
        assert pai.responsabili.count() == 2
    page = c.get(url("pai_detail", pai.public_id))
    assert page.status_code == 200
    assert "Contributo economico" in page.content.decode()


def test_bad_input_on_the_page_shows_the_message_and_writes_nothing(cast, caso, worker):
    c = client_for(worker, cast.comune_a.ente)
    r = c.post(url("pai_new", caso.public_id), {"data_inizio": "2024-12-01",
                                                 "sintesi_bisogno": "Bisogno"})
    assert r.status_code == 200
    assert "prima dell&#x27;apertura della cartella" in r.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not PAI.objects.exists()


def test_a_closed_case_refuses_a_plan_on_the_page(cast, caso, worker, dirigente):
    cartella_chiudi(actor=actor(worker), cartella=caso, data=date(2025, 5, 1), motivo="Fine",
                    approvata=True)
    with tenant_context(cast.comune_a.ente):
        audit_before = AuditEntry.objects.exclude(action__startswith="cartella.").count()
    # The dirigente still reads the case: the page says why no plan can be added.
    c = client_for(dirigente, cast.comune_a.ente)
    r = c.post(url("pai_new", caso.public_id), {"data_inizio": "2025-05-02",
                                                 "sintesi_bisogno": "Bisogno"})
    assert r.status_code == 200
    assert "La cartella è chiusa" in r.content.decode()
    # The social worker is no longer enabled on a closed case: it is not theirs to see.
    w = client_for(worker, cast.comune_a.ente)
    assert w.post(url("pai_new", caso.public_id), {"data_inizio": "2025-05-02",
                                                    "sintesi_bisogno": "Bisogno"}).status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert not PAI.objects.exists()
        # Nothing written but the refused attempt (services.core.middleware).
        assert AuditEntry.objects.exclude(action__startswith="cartella.").exclude(
            action="accesso.negato").count() == audit_before
        assert AuditEntry.objects.filter(action="accesso.negato", actor_id=worker.pk).count() == 1


def test_the_dirigente_decides_on_the_page(cast, caso, worker, dirigente):
    approvazioni(pai=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    richiesta = pai.approvazioni.get()
    prefix = str(richiesta.public_id)
    c = client_for(dirigente, cast.comune_a.ente)
    page = c.get(url("approvazioni_list"))
    assert page.status_code == 200
    assert f"approvazione-{prefix}" in page.content.decode()

    # Rejecting without a reason: the message, nothing changed.
    r = c.post(url("approvazione_decide", richiesta.public_id),
               {f"{prefix}-decisione": "respingi", f"{prefix}-motivazione": ""})
    assert r.status_code == 200
    assert "indica la motivazione" in r.content.decode()
    with tenant_context(cast.comune_a.ente):
        richiesta.refresh_from_db()
        assert richiesta.stato == "in_attesa"

    # With htmx, the row is replaced in place.
    r = c.post(url("approvazione_decide", richiesta.public_id),
               {f"{prefix}-decisione": "respingi",
                f"{prefix}-motivazione": "Obiettivi non misurabili"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert body.lstrip().startswith("<tr")
    assert "Richiesta respinta" in body
    with tenant_context(cast.comune_a.ente):
        richiesta.refresh_from_db()
        assert richiesta.stato == "respinta"
        assert richiesta.motivazione == "Obiettivi non misurabili"
        notifica = Notifica.objects.get(destinatario_id=worker.pk)

    # The social worker reads it on the dashboard and marks it read.
    w = client_for(worker, cast.comune_a.ente)
    assert "Obiettivi non misurabili" in w.get(url("cartella_dashboard")).content.decode()
    assert w.post(url("notifica_letta", notifica.public_id)).status_code == 302
    with tenant_context(cast.comune_a.ente):
        notifica.refresh_from_db()
        assert notifica.letta
    # Someone else's notice is not theirs to touch.
    d = client_for(dirigente, cast.comune_a.ente)
    assert d.post(url("notifica_letta", notifica.public_id)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("assistente_sociale", 403), ("educatore", 403),
                                              ("operatore_sportello", 403)])
def test_only_the_dirigente_sees_and_decides_approvals(cast, caso, worker, role, status):
    approvazioni(pai=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    richiesta = pai.approvazioni.get()
    prefix = str(richiesta.public_id)
    c = client_for(cast.by_role[role], cast.comune_a.ente)
    assert c.get(url("approvazioni_list")).status_code == status
    r = c.post(url("approvazione_decide", richiesta.public_id),
               {f"{prefix}-decisione": "approva"})
    assert r.status_code == status
    with tenant_context(cast.comune_a.ente):
        richiesta.refresh_from_db()
        assert richiesta.stato == "in_attesa"


def test_closure_requested_on_the_page_and_approved_closes_the_case(cast, caso, worker,
                                                                     dirigente):
    approvazioni(chiusura=True)
    c = client_for(worker, cast.comune_a.ente)
    assert c.get(url("approvazione_chiusura_richiesta", caso.public_id)).status_code == 200
    r = c.post(url("approvazione_chiusura_richiesta", caso.public_id),
               {"data": "2025-09-30", "motivo": ""})
    assert r.status_code == 200
    assert "Campo obbligatorio" in r.content.decode()
    r = c.post(url("approvazione_chiusura_richiesta", caso.public_id),
               {"data": "2025-09-30", "motivo": "Obiettivi raggiunti"})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        richiesta = Approvazione.objects.get(tipo="chiusura_cartella")
    prefix = str(richiesta.public_id)
    d = client_for(dirigente, cast.comune_a.ente)
    r = d.post(url("approvazione_decide", richiesta.public_id),
               {f"{prefix}-decisione": "approva", f"{prefix}-motivazione": ""})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        caso.refresh_from_db()
        assert caso.stato == Cartella.Stato.CHIUSA
        assert caso.data_chiusura == date(2025, 9, 30)


def test_who_sees_the_plan_pages(cast, caso, worker):
    pai = pai_pronto(worker, caso)
    collega = altro_operatore(cast)  # a social worker not enabled on this case
    pages = [url("pai_detail", pai.public_id), url("pai_edit", pai.public_id),
             url("verifica_record", pai.public_id), url("pai_conclude", pai.public_id),
             url("pai_new", caso.public_id),
             url("approvazione_chiusura_richiesta", caso.public_id)]
    for user, expected in [(collega, 404), (cast.outsider, 404)]:
        c = client_for(user, cast.comune_a.ente)
        for page in pages:
            assert c.get(page).status_code == expected, (user.email, page)
        r = c.post(url("pai_obiettivo_add", pai.public_id), {"descrizione": "Intrusione"})
        assert r.status_code == expected
    with tenant_context(cast.comune_a.ente):
        assert pai.obiettivi.count() == 1

    # Once enabled, the colleague works on it.
    operatore_abilita(actor=actor(worker), cartella=caso, user=collega, ruolo="Supporto",
                      dal=date(2025, 2, 1))
    c = client_for(collega, cast.comune_a.ente)
    assert c.get(url("pai_detail", pai.public_id)).status_code == 200
    assert c.get(url("pai_edit", pai.public_id)).status_code == 200

    # The dirigente reads every case, but changes only those they are enabled on.
    d = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert d.get(url("pai_detail", pai.public_id)).status_code == 200
    assert d.get(url("pai_edit", pai.public_id)).status_code == 404


def test_reading_a_plan_is_recorded(cast, caso, worker):
    pai = pai_pronto(worker, caso)
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    c.get(url("pai_detail", pai.public_id), REMOTE_ADDR="198.51.100.4")
    with tenant_context(cast.comune_a.ente):
        entry = AuditEntry.objects.filter(action="cartella.letta",
                                          object_id=str(caso.public_id)).first()
        assert entry.actor_id == cast.by_role["dirigente"].pk
        assert entry.ip_address == "198.51.100.4"


def test_a_review_recorded_on_the_page(cast, caso, worker):
    pai = pai_in_vigore(worker, caso)
    obiettivo = pai.obiettivi.get()
    c = client_for(worker, cast.comune_a.ente)
    assert c.get(url("verifica_record", pai.public_id)).status_code == 200
    r = c.post(url("verifica_record", pai.public_id),
               {"data_effettuata": "2025-04-01", "esito": "Buoni progressi",
                f"ob_{obiettivo.public_id}": "raggiunto", "prossima": "2025-03-01"})
    assert r.status_code == 200
    assert "successiva a questa" in r.content.decode()
    r = c.post(url("verifica_record", pai.public_id),
               {"data_effettuata": "2025-04-01", "esito": "Buoni progressi",
                f"ob_{obiettivo.public_id}": "raggiunto", "prossima": "2025-07-01"})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        obiettivo.refresh_from_db()
        assert obiettivo.esito == "raggiunto"
        assert pai.verifiche.get(data_effettuata__isnull=True).data_prevista == date(2025, 7, 1)
    r = c.post(url("verifica_schedule", pai.public_id), {"data_prevista": "2025-01-01"})
    assert r.status_code == 200
    assert "precedere l&#x27;inizio" in r.content.decode()


def test_the_case_page_box(cast, caso, worker):
    approvazioni(chiusura=True)
    pai = pai_in_vigore(worker, caso)
    approvazione_richiedi_chiusura(actor=actor(worker), cartella=caso, data=date(2025, 9, 1),
                                   motivo="Fine percorso")
    request = RequestFactory().get("/")
    request.user = worker
    set_urlconf(URLCONF)  # as on a comune's site
    try:
        with tenant_context(cast.comune_a.ente):
            html = render_to_string("pai/_cartella_pai.html",
                                    {"cartella": caso, "request": request})
    finally:
        set_urlconf(None)
    assert url("pai_detail", pai.public_id) in html
    assert "Approvato, in vigore" in html
    assert url("pai_new", caso.public_id) in html  # a new version may be drafted
    assert 'id="chiusura-in-attesa"' in html


def test_a_rejected_plan_shows_why_and_goes_back_to_editing(cast, caso, worker, dirigente):
    from services.pai.services import approvazione_decide

    approvazioni(pai=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    c = client_for(worker, cast.comune_a.ente)
    # Waiting: readable, not editable.
    assert "In attesa di approvazione" in c.get(url("pai_detail", pai.public_id)).content.decode()
    assert c.get(url("pai_edit", pai.public_id)).status_code == 302
    approvazione_decide(actor=actor(dirigente), approvazione=pai.approvazioni.get(),
                        approva=False, motivazione="Manca la frequenza degli interventi")
    page = c.get(url("pai_edit", pai.public_id))
    assert page.status_code == 200
    assert "Manca la frequenza degli interventi" in page.content.decode()
    # Set aside instead of sending it again.
    assert c.get(url("pai_conclude", pai.public_id)).status_code == 200
    r = c.post(url("pai_conclude", pai.public_id), {"data": "2025-03-01",
                                                     "esito": "Sostituito da un nuovo piano"})
    assert r.status_code == 302
    with tenant_context(cast.comune_a.ente):
        pai.refresh_from_db()
        assert pai.stato == PAI.Stato.CONCLUSO


def test_the_operator_of_another_comune_gets_404_everywhere(cast, caso, worker):
    approvazioni(pai=True)
    pai = pai_submit(actor=actor(worker), pai=pai_pronto(worker, caso))
    richiesta = pai.approvazioni.get()
    c = client_for(cast.outsider, cast.comune_a.ente)
    for page in (url("cartella_dashboard"), url("pai_overdue"), url("approvazioni_list"),
                 url("pai_detail", pai.public_id)):
        assert c.get(page).status_code == 404, page
    for page in (url("approvazione_decide", richiesta.public_id), url("pai_submit", pai.public_id),
                 url("verifica_schedule", pai.public_id)):
        assert c.post(page, {}).status_code == 404, page
