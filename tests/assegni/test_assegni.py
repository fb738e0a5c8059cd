"""Assegni di maternità and al nucleo familiare: the application is a Domanda with its
specific data; pages by role, bad input, INPS transmission, statistics and Excel export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from services.assegni.models import Assegno
from services.assegni.services import DatiAssegno, assegno_create
from services.domande.models import Domanda
from services.domande.services import domanda_esito
from tests.conftest import client_for
from tests.domande.conftest import new_servizio

MANAGE = {"assistente_sociale", "amministrativo", "dirigente"}


@pytest.fixture
def maternita(in_a):
    return new_servizio("Assegno di maternità dei comuni", tipo="maternita")


@pytest.fixture
def nucleo(in_a):
    return new_servizio("Assegno al nucleo familiare", tipo="nucleo")


@pytest.fixture
def assegno(in_a, persona, maternita):
    return assegno_create(actor=in_a, persona=persona, servizio=maternita, numero_protocollo="M1",
                          data_protocollo=date(2024, 6, 3),
                          dati=DatiAssegno(figlio_cognome="Rossi", figlio_nome="Luca",
                                           figlio_data_nascita=date(2024, 5, 1),
                                           importo_mensile=Decimal("404.17"),
                                           importo_totale=Decimal("2020.85")))


def test_pages_by_role(cast, assegno):
    urls = ["/assegni/", "/assegni/nuovo/", f"/assegni/{assegno.public_id}/",
            "/assegni/statistiche/", "/assegni/statistiche.xlsx"]
    for role, user in cast.by_role.items():
        client = client_for(user, cast.comune_a.ente)
        for url in urls:
            assert client.get(url).status_code == (200 if role in MANAGE else 403), (role, url)
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    assert client_for(cast.outsider, cast.comune_b.ente).get(
        f"/assegni/{assegno.public_id}/").status_code == 404


def _post(client, persona, servizio, **extra):
    return client.post("/assegni/nuovo/", {
        "persona": str(persona.public_id), "servizio": servizio.pk, "numero_protocollo": "M9",
        "data_protocollo": "2025-03-03", **extra})


def test_new_maternita_creates_domanda_and_assegno(cast, persona, maternita):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post(client, persona, maternita, figlio_cognome="Rossi", figlio_nome="Sara",
                     figlio_data_nascita="2025-02-10", isee_valore="15.000,00",
                     importo_mensile="407,40")
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        a = Assegno.objects.get(domanda__numero_protocollo="M9")
        assert response["Location"] == f"/assegni/{a.public_id}/"
        assert (a.tipo, a.figlio_data_nascita, a.importo_mensile) == (
            "maternita", date(2025, 2, 10), Decimal("407.40"))
        assert (a.domanda.persona, a.domanda.servizio, a.domanda.isee_valore) == (
            persona, maternita, Decimal("15000.00"))


@pytest.mark.parametrize(("which", "extra", "message"), [
    ("maternita", {}, "Indica la data di nascita"),
    ("maternita", {"figlio_data_nascita": "2025-04-01"}, "successiva alla domanda"),
    ("nucleo", {"figli_minori": "2"}, "almeno tre figli minori"),
    ("nucleo", {"figli_minori": "3", "componenti_nucleo": "3"}, "più dei figli minori"),
    ("nucleo", {"figli_minori": "3", "periodo_dal": "2025-06-01", "periodo_al": "2025-01-01"},
     "La fine del periodo precede l&#x27;inizio."),
    ("nucleo", {"figli_minori": "3", "importo_mensile": "-5"}, "non possono essere negativi"),
    ("nucleo", {"figli_minori": "3", "dsu_protocollo": "INPS-ISEE-2025-000000001-00"},
     "vanno indicati insieme"),
    ("altro", {}, "Il servizio scelto non è un assegno attivo."),
])
def test_bad_input_changes_nothing(cast, in_a, persona, maternita, nucleo, which, extra, message):
    servizio = {"maternita": maternita, "nucleo": nucleo,
                "altro": new_servizio("Trasporto", tipo="altro")}[which]
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post(client, persona, servizio, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Domanda.objects.filter(numero_protocollo="M9").exists()
        assert not Assegno.objects.exists()


def test_inps_transmission_only_once_accepted(cast, in_a, assegno):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/assegni/{assegno.public_id}/"
    dati = {"figlio_cognome": "Rossi", "figlio_nome": "Luca", "figlio_data_nascita": "2024-05-01",
            "importo_mensile": "404,17", "importo_totale": "2020,85",
            "trasmessa_inps_il": "2024-07-01"}
    response = client.post(url, dati)
    assert response.status_code == 400
    assert "solo una domanda accolta" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        domanda_esito(actor=in_a, domanda=assegno.domanda, esito="accolta", data=date(2024, 6, 20))
    assert client.post(url, dati).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assegno.refresh_from_db()
        assert assegno.trasmessa_inps_il == date(2024, 7, 1)
    body = client.get(f"/domande/{assegno.domanda.public_id}/").content.decode()
    assert "assegno.modificato" in body  # the assegno's history is on the application page


def test_statistics_by_year_and_outcome_and_excel(cast, in_a, persona, assegno, nucleo):
    with tenant_context(cast.comune_a.ente):
        domanda_esito(actor=in_a, domanda=assegno.domanda, esito="accolta", data=date(2024, 6, 20))
        for i, esito in enumerate(["respinta", "accolta", None]):
            a = assegno_create(actor=in_a, persona=persona, servizio=nucleo,
                               numero_protocollo=f"N{i}", data_protocollo=date(2025, 1, 10),
                               dati=DatiAssegno(figli_minori=3, componenti_nucleo=5,
                                                importo_totale=Decimal("1000.50")))
            if esito:
                domanda_esito(actor=in_a, domanda=a.domanda, esito=esito,
                              motivazione="ISEE oltre la soglia", data=date(2025, 2, 1))
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    body = client.get("/assegni/statistiche/").content.decode()
    assert 'id="assegni-chart"' in body
    assert "vendor/chartjs/chart.umd.js" in body
    assert '"labels": ["2024", "2025"]' in body
    body = client.get("/assegni/statistiche/", {"tipo": "maternita"}).content.decode()
    assert '"labels": ["2024"]' in body
    response = client.get("/assegni/statistiche.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    righe = list(wb.worksheets[0].iter_rows(values_only=True))
    assert righe[0][0] == "Anno"
    per_chiave = {(r[0], r[1], r[2]): (r[3], r[4]) for r in righe[1:]}
    assert per_chiave[(2025, "Assegno al nucleo familiare", "Accolta")] == (1, 1000.5)
    assert per_chiave[(2025, "Assegno al nucleo familiare", "Respinta")] == (1, 1000.5)
    assert per_chiave[(2024, "Assegno di maternità", "Accolta")] == (1, 2020.85)
    assert len(list(wb.worksheets[1].iter_rows())) == 5  # header + 4 applications


def test_list_filters(cast, in_a, persona, assegno, nucleo):
    with tenant_context(cast.comune_a.ente):
        assegno_create(actor=in_a, persona=persona, servizio=nucleo, numero_protocollo="N1",
                       data_protocollo=date(2025, 1, 10), dati=DatiAssegno(figli_minori=4))
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    body = client.get("/assegni/", {"tipo": "nucleo"}).content.decode()
    assert "n. N1" in body
    assert "n. M1" not in body
    body = client.get("/assegni/", {"anno": 2024}).content.decode()
    assert "n. M1" in body
    assert "n. N1" not in body


@pytest.mark.parametrize("role", ["operatore_sportello", "educatore", "psicologo"])
def test_writes_are_refused_to_roles_without_the_capability(cast, assegno, persona, maternita,
                                                            role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    assert _post(client, persona, maternita, figlio_data_nascita="2025-02-10").status_code == 403
    assert client.post(f"/assegni/{assegno.public_id}/", {"figli_minori": "9"}).status_code == 403
    with tenant_context(cast.comune_a.ente):
        assert Assegno.objects.count() == 1
        assegno.refresh_from_db()
        assert assegno.figli_minori is None


def test_a_formula_in_the_protocol_is_text_in_the_workbook(cast, in_a, assegno):
    Domanda.objects.filter(pk=assegno.domanda_id).update(numero_protocollo="=1+2")
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    wb = load_workbook(io.BytesIO(client.get("/assegni/statistiche.xlsx").content))
    riga = next(wb.worksheets[1].iter_rows(min_row=2))
    assert riga[0].data_type == "s"
    assert riga[0].value == "'=1+2"
    assert riga[1].is_date
    assert riga[6].data_type == "n"
