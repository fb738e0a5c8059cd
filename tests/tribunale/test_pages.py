"""The pages: who reaches each URL, the list, the new proceeding, the actions of the
proceeding page (a refusal shows the reason and changes nothing), the calendar and the
.ics file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.pai.models import Notifica
from services.tribunale.documenti import documento_carica
from services.tribunale.models import DocumentoProcedimento, Procedimento, Udienza
from tests.conftest import client_for
from tests.factories import pdf_file

from .conftest import new_minore

PDF = pdf_file()
ALLOWED = ["assistente_sociale", "dirigente"]
FORBIDDEN = ["operatore_sportello", "educatore", "psicologo", "amministrativo"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pieno(cast, in_a, proc, udienza, minore, media):
    documento = documento_carica(actor=in_a, procedimento=proc, tipo="decreto",
                                 data=timezone.localdate(),
                                 uploaded=SimpleUploadedFile("d.pdf", PDF, "application/pdf"))
    return {"proc": proc, "udienza": udienza, "documento": documento, "minore": minore}


def _proc_urls(p: dict) -> list[tuple[str, str]]:
    base = f"/tribunale/{p['proc'].public_id}/"
    u = p["udienza"].public_id
    return [
        ("get", base),
        ("get", base + f"documenti/{p['documento'].public_id}/"),
        ("get", base + f"udienze/{u}/"),
        ("post", base + f"udienze/{u}/"),
        ("post", base + f"udienze/{u}/esito/"),
        ("post", base + "udienze/"),
        ("post", base + "documenti/"),
        ("post", base + "problematiche/"),
        ("post", base + "interventi/"),
        ("post", base + "operatori/"),
        ("post", base + "operatori/1/revoca/"),
        ("post", base + "decreto/"),
        ("post", base + "chiudi/"),
        ("post", base + f"minori/{p['minore'].public_id}/apri-cartella/"),
    ]


GENERAL = ["/tribunale/", "/tribunale/nuovo/", "/tribunale/udienze/", "/tribunale/udienze.ics"]


def _hit(client, method, url):
    connection.set_schema_to_public()
    return getattr(client, method)(url)


@pytest.mark.parametrize("role", ALLOWED)
def test_general_pages_open_for_allowed_roles(cast, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for url in GENERAL:
        assert client.get(url).status_code == 200, url


# Who may be summoned to a hearing (the case-work roles) opens their own calendar.
CALENDAR = {"/tribunale/udienze/", "/tribunale/udienze.ics"}
SUMMONABLE = {"educatore", "psicologo"}


@pytest.mark.parametrize("role", FORBIDDEN)
def test_general_pages_forbidden_to_other_roles(cast, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for url in GENERAL:
        expected = 200 if url in CALENDAR and role in SUMMONABLE else 403
        assert client.get(url).status_code == expected, url


def test_outsider_gets_404_everywhere(cast, pieno):
    client = client_for(cast.outsider, cast.comune_a.ente)
    for url in GENERAL:
        assert client.get(url).status_code == 404, url
    for method, url in _proc_urls(pieno):
        assert _hit(client, method, url).status_code == 404, url


def test_unassigned_social_worker_gets_404_on_the_proceeding(cast, pieno, collega):
    client = client_for(collega, cast.comune_a.ente)
    for method, url in _proc_urls(pieno):
        assert _hit(client, method, url).status_code == 404, url
    # and it is not in their list
    assert pieno["proc"].numero_rg not in client.get("/tribunale/").content.decode()


@pytest.mark.parametrize("role", FORBIDDEN)
def test_proceeding_forbidden_to_other_roles(cast, pieno, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for method, url in _proc_urls(pieno):
        assert _hit(client, method, url).status_code == 403, url


@pytest.mark.parametrize("role", ALLOWED)
def test_proceeding_pages_open_for_assigned_and_dirigente(cast, pieno, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    base = f"/tribunale/{pieno['proc'].public_id}/"
    page = client.get(base)
    assert page.status_code == 200
    body = page.content.decode()
    assert "123/2026" in body
    assert "Aula 3" in body
    assert "d.pdf" in body
    download = client.get(base + f"documenti/{pieno['documento'].public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client.get(base + f"udienze/{pieno['udienza'].public_id}/").status_code == 200


def test_list_shows_own_and_pins_queries(cast, in_a, proc, dirigente,
                                         django_assert_max_num_queries):
    from services.tribunale.services import procedimento_crea

    for n in range(5):
        procedimento_crea(actor=dirigente, numero_rg=f"{n}/2025", tribunale="TM Perugia",
                          tipo="affidamento", ricevuto_il=timezone.localdate(),
                          minori=[new_minore(in_a)], operatori_ids=[in_a.user.pk])
    client = client_for(in_a.user, cast.comune_a.ente)
    with django_assert_max_num_queries(25):
        page = client.get("/tribunale/")
    assert page.status_code == 200
    assert page.content.decode().count('href="/tribunale/') >= 6
    filtered = client.get("/tribunale/?q=123/2026").content.decode()
    assert "123/2026" in filtered
    assert "0/2025" not in filtered


def test_new_proceeding_page(cast, in_a, minore):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    data = {"numero_rg": "500/2026", "tribunale": "Tribunale per i minorenni di Perugia",
            "tipo": "adottabilita", "ricevuto_il": timezone.localdate().isoformat(),
            "minori": minore.codice_fiscale, "operatori": [str(in_a.user.pk)]}
    bad = client.post("/tribunale/nuovo/", {**data, "minori": "RSSMRA80A01H501U"})
    assert bad.status_code == 400
    assert "Non in anagrafica" in bad.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Procedimento.objects.exists()
    ok = client.post("/tribunale/nuovo/", data)
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        proc = Procedimento.objects.get()
        assert ok["Location"] == f"/tribunale/{proc.public_id}/"
        assert list(proc.minori.all()) == [minore]
        assert Notifica.objects.filter(destinatario_id=in_a.user.pk).exists()


def test_schedule_hearing_page(cast, in_a, proc, minore):
    client = client_for(in_a.user, cast.comune_a.ente)
    url = f"/tribunale/{proc.public_id}/udienze/"
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"inizio": past, "luogo": "Aula 1",
                            "operatori": [str(in_a.user.pk)]})
    assert bad.status_code == 400
    assert "già passate" in bad.content.decode()
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ok = client.post(url, {"inizio": future, "luogo": "Aula 1", "operatori": [str(in_a.user.pk)],
                           "persone": [str(minore.public_id)]})
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        udienza = Udienza.objects.get()
        assert udienza.luogo == "Aula 1"
        assert udienza.convocati.count() == 2


def test_upload_refuses_a_fake_pdf(cast, in_a, proc, media):
    client = client_for(in_a.user, cast.comune_a.ente)
    resp = client.post(f"/tribunale/{proc.public_id}/documenti/",
                       {"file": SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"),
                        "tipo": "decreto", "data": timezone.localdate().isoformat()})
    assert resp.status_code == 400
    assert "non è un file PDF valido" in resp.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not DocumentoProcedimento.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_family_problem_and_close(cast, in_a, proc):
    client = client_for(in_a.user, cast.comune_a.ente)
    base = f"/tribunale/{proc.public_id}/"
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.post(base + "problematiche/", {"categoria": "trascuratezza",
                                                 "rilevata_il": future}).status_code == 400
    assert client.post(base + "problematiche/", {"categoria": "trascuratezza",
                                                 "rilevata_il": timezone.localdate().isoformat(),
                                                 "descrizione": "Assenze scolastiche"}
                       ).status_code == 302
    assert client.post(base + "chiudi/", {"data": timezone.localdate().isoformat(),
                                          "motivo": "Archiviazione"}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        proc.refresh_from_db()
        assert proc.stato == "chiuso"
        assert proc.problematiche.count() == 1
    assert "è chiuso" in client.get(base).content.decode()


def test_calendar_and_ics(cast, in_a, udienza, collega):
    client = client_for(in_a.user, cast.comune_a.ente)
    mese = timezone.localtime(udienza.inizio).strftime("%Y-%m")
    page = client.get(f"/tribunale/udienze/?mese={mese}").content.decode()
    assert "Aula 3" in page
    assert "123/2026" in page
    # a social worker cannot look at someone else's calendar
    page = client.get(f"/tribunale/udienze/?mese={mese}&operatore={collega.pk}").content.decode()
    assert "Aula 3" in page
    ics = client.get("/tribunale/udienze.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in body
    assert f"UID:{udienza.public_id}@" in body
    assert "Aula 3" in body
    with tenant_context(cast.comune_a.ente):
        minore = udienza.procedimento.minori.get()
    # no minors' names in phone calendars (full names: a bare surname may be an operator's)
    assert f"{minore.cognome} {minore.nome}" not in body
    assert f"{minore.nome} {minore.cognome}" not in body
    # the dirigente picks an operator
    boss = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    own = boss.get(f"/tribunale/udienze/?mese={mese}").content.decode()
    assert "Aula 3" not in own
    picked = boss.get(f"/tribunale/udienze/?mese={mese}&operatore={in_a.user.pk}").content.decode()
    assert "Aula 3" in picked
    empty = client_for(collega, cast.comune_a.ente).get(f"/tribunale/udienze/?mese={mese}")
    assert "Aula 3" not in empty.content.decode()


def _intervento(persona):
    from services.interventi.models import Intervento, Servizio

    servizio, _created = Servizio.objects.get_or_create(
        nome="Educativa domiciliare minori",
        defaults={"tipo": "minori", "area_target": "famiglia_minori",
                  "carattere": "periodico"})
    return Intervento.objects.create(persona=persona, servizio=servizio, tipo="minori",
                                     carattere="periodico", area_target="famiglia_minori",
                                     proposto_il=timezone.localdate())


def test_link_an_intervention_of_the_minor(cast, in_a, proc, minore):
    dello_minore = _intervento(minore)
    di_altri = _intervento(new_minore(in_a))
    client = client_for(in_a.user, cast.comune_a.ente)
    url = f"/tribunale/{proc.public_id}/interventi/"
    page = client.get(f"/tribunale/{proc.public_id}/").content.decode()
    assert str(dello_minore.public_id) in page
    assert str(di_altri.public_id) not in page  # only the minor's interventions are offered
    assert client.post(url, {"intervento": str(di_altri.public_id)}).status_code == 400
    assert client.post(url, {"intervento": str(dello_minore.public_id)}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert list(proc.interventi.all()) == [dello_minore]


def test_new_intervention_button_only_when_the_page_exists(cast, in_a, proc, minore):
    from django.urls import NoReverseMatch, reverse

    body = client_for(in_a.user, cast.comune_a.ente).get(
        f"/tribunale/{proc.public_id}/").content.decode()
    try:
        url = reverse("intervento_new", urlconf="ambito.urls.comune")
    except NoReverseMatch:
        assert "Nuovo intervento per" not in body
    else:
        assert f"{url}?persona={minore.public_id}" in body


def test_operators_and_decree_pages(cast, in_a, proc, collega):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    base = f"/tribunale/{proc.public_id}/"
    assert client.post(base + "operatori/", {"user_id": str(cast.outsider.pk)}).status_code == 400
    assert client.post(base + "operatori/", {"user_id": str(collega.pk)}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Notifica.objects.filter(destinatario_id=collega.pk).count() == 1
    assert client_for(collega, cast.comune_a.ente).get(base).status_code == 200
    assert client.post(base + f"operatori/{collega.pk}/revoca/").status_code == 302
    assert client_for(collega, cast.comune_a.ente).get(base).status_code == 404
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert client.post(base + "decreto/", {"decreto_numero": "99/2026",
                                           "decreto_data": future}).status_code == 400
    assert client.post(base + "decreto/", {"decreto_numero": "99/2026",
                                           "decreto_data": timezone.localdate().isoformat(),
                                           "decreto_sintesi": "Affidamento al servizio"}
                       ).status_code == 302
    with tenant_context(cast.comune_a.ente):
        proc.refresh_from_db()
        assert proc.decreto_numero == "99/2026"


def test_move_hearing_page(cast, in_a, udienza):
    client = client_for(in_a.user, cast.comune_a.ente)
    url = f"/tribunale/{udienza.procedimento.public_id}/udienze/{udienza.public_id}/"
    form = client.get(url).content.decode()
    assert "Aula 3" in form
    nuovo = (timezone.localtime(udienza.inizio) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(url, {"inizio": nuovo, "luogo": "Aula 9",
                             "operatori": [str(in_a.user.pk)]})
    assert resp.status_code == 302
    with tenant_context(cast.comune_a.ente):
        udienza.refresh_from_db()
        assert udienza.luogo == "Aula 9"
        assert Notifica.objects.filter(destinatario_id=in_a.user.pk,
                                       testo__contains="modificata").exists()


def test_calendar_pins_queries(cast, in_a, proc, django_assert_max_num_queries):
    from services.tribunale.services import udienza_fissa

    domani = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    for n in range(6):
        udienza_fissa(actor=in_a, procedimento=proc, inizio=domani + timedelta(hours=n),
                      luogo=f"Aula {n}", operatori_ids=[in_a.user.pk])
    mese = domani.strftime("%Y-%m")
    client = client_for(in_a.user, cast.comune_a.ente)
    with django_assert_max_num_queries(20):
        page = client.get(f"/tribunale/udienze/?mese={mese}")
    assert page.content.decode().count('class="mb-1 udienza"') == 6


def test_open_the_minors_case_file(cast, in_a, proc, minore, collega):
    from services.cartella.models import Cartella, OperatoreCartella
    from services.tribunale.services import operatore_assegna

    operatore_assegna(actor=in_a, procedimento=proc, user_id=collega.pk)
    url = f"/tribunale/{proc.public_id}/minori/{minore.public_id}/apri-cartella/"
    assert f'action="{url}"' in client_for(in_a.user, cast.comune_a.ente).get(
        f"/tribunale/{proc.public_id}/").content.decode()
    resp = client_for(in_a.user, cast.comune_a.ente).post(url)
    with tenant_context(cast.comune_a.ente):
        cartella = Cartella.objects.get(persona=minore)
        assert resp["Location"] == f"/cartelle/{cartella.public_id}/"
        assert cartella.responsabile_id == in_a.user.pk
        assert cartella.area_target == "famiglia_minori"
        assert set(OperatoreCartella.objects.filter(cartella=cartella, al__isnull=True)
                   .values_list("user_id", flat=True)) == {in_a.user.pk, collega.pk}
    # a second time: the case is already open, nothing new
    again = client_for(in_a.user, cast.comune_a.ente).post(url)
    assert again.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Cartella.objects.filter(persona=minore).count() == 1
