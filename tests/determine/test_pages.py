"""Pages of determine, liquidazioni and the summary, against the roles."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.determine.models import Determina, Liquidazione
from services.determine.services import determina_create, liquidazione_create
from services.interventi.models import Pagamento
from services.interventi.services import intervento_assegna_determina
from tests.conftest import client_for
from tests.interventi.conftest import approvato

D = Decimal
ROLES = ["amministrativo", "dirigente", "assistente_sociale", "operatore_sportello",
         "educatore"]


@pytest.fixture
def pagato(a, persona, servizio, determina):
    i = approvato(a, persona, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    liq = liquidazione_create(actor=a.amministrativo, determina=determina,
                              oggetti=[("interventi.pagamento", i.pagamenti.get().pk)],
                              data=date(2025, 4, 1))
    return liq


def _c(cast, role):
    return client_for(cast.by_role[role], cast.comune_a.ente)


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(cast, a, determina, pagato, role):
    expected = 200 if role in ("amministrativo", "dirigente") else 403
    c = _c(cast, role)
    for url in ["/determine/", "/determine/nuova/", f"/determine/{determina.public_id}/",
                "/determine/liquidazioni/", "/determine/liquidazioni/nuova/",
                f"/determine/liquidazioni/nuova/?determina={determina.public_id}",
                f"/determine/liquidazioni/{pagato.public_id}/", "/determine/riepilogo/"]:
        assert c.get(url).status_code == expected, url


def test_the_outsider_gets_404(cast, a, determina, pagato):
    c = client_for(cast.outsider, cast.comune_a.ente)
    for url in ["/determine/", f"/determine/{determina.public_id}/",
                f"/determine/liquidazioni/{pagato.public_id}/", "/determine/riepilogo/"]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/determine/liquidazioni/{pagato.public_id}/",
                  {"motivo": "x"}).status_code == 404
    pagato.refresh_from_db()
    assert pagato.stato == Liquidazione.Stato.EMESSA


def test_the_list_query_count_does_not_grow(cast, a):
    def nuova(n):
        determina_create(actor=a.amministrativo, data_adozione=date(2025, 1, 1),
                         oggetto=f"D{n}", capitolo="1", importo_impegnato=D("10"))
    nuova(0)
    c = _c(cast, "amministrativo")
    c.get("/determine/")
    with CaptureQueriesContext(connection) as few:
        c.get("/determine/")
    for n in range(1, 12):
        nuova(n)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/determine/")
    assert len(many) == len(few)
    assert r.content.decode().count("D1") >= 3


def test_register_a_determina_from_the_form(cast, a, servizio):
    c = _c(cast, "amministrativo")
    r = c.post("/determine/nuova/", {"data_adozione": "2025-02-01", "oggetto": "Contributi",
                                     "capitolo": "1100", "importo_impegnato": "2500,00",
                                     "servizio": servizio.public_id, "voce_piano": "boh"})
    assert r.status_code == 200
    assert "Voce del piano di zona" in r.content.decode()
    assert "boh non è tra quelle disponibili" in r.content.decode()
    assert not Determina.objects.exists()
    r = c.post("/determine/nuova/", {"data_adozione": "2025-02-01", "oggetto": "Contributi",
                                     "capitolo": "1100", "importo_impegnato": "2500,00",
                                     "servizio": servizio.public_id})
    assert r.status_code == 302
    d = Determina.objects.get()
    assert (d.importo_impegnato, d.esercizio, d.servizio) == (D("2500.00"), 2025, servizio)


def test_liquidate_by_ticking_items(cast, a, persona, servizio, determina):
    i = approvato(a, persona, servizio, "120.50")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    c = _c(cast, "amministrativo")
    url = f"/determine/liquidazioni/nuova/?determina={determina.public_id}"
    page = c.get(url).content.decode()
    p = i.pagamenti.get()
    assert f'value="interventi.pagamento:{p.pk}"' in page
    assert persona.nome_completo in page
    r = c.post(url, {"data_atto": "2025-04-01"})
    assert r.status_code == 400
    assert "Scegli almeno un elemento" in r.content.decode()
    r = c.post(url, {"data_atto": "2025-04-01", "oggetti": [f"interventi.pagamento:{p.pk}"]})
    assert r.status_code == 302
    liq = Liquidazione.objects.get()
    assert liq.importo_totale == D("120.50")
    p.refresh_from_db()
    assert p.stato == Pagamento.Stato.LIQUIDATO
    assert "120,50" in c.get(r["Location"]).content.decode()
    # Cancel it from its page.
    r = c.post(r["Location"], {"motivo": "Beneficiario deceduto"})
    assert r.status_code == 302
    determina.refresh_from_db()
    assert determina.importo_liquidato == D("0.00")


def test_summary_and_excel_export(cast, a, persona, servizio, determina, pagato):
    from openpyxl import load_workbook

    determina_create(actor=a.amministrativo, data_adozione=date(2024, 6, 1), oggetto="Vecchia",
                     capitolo="1", importo_impegnato=D("99.99"))
    c = _c(cast, "dirigente")
    page = c.get("/determine/riepilogo/").content.decode()
    assert "700,00" in page  # remaining on the determina: 1000 - 300
    assert "799,99" in page  # remaining overall
    interventi = page[page.index('id="riepilogo-interventi"'):]
    assert "<th scope=\"row\">2025</th><td>1</td><td class=\"text-end\">300,00 €" in interventi
    page = c.get("/determine/riepilogo/?esercizio=2025").content.decode()
    assert 'id="riepilogo-residuo">700,00' in page
    r = c.get("/determine/riepilogo/?formato=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert wb.sheetnames == ["Per determina", "Per servizio", "Per anno"]
    anni = list(wb["Per anno"].iter_rows(values_only=True))
    assert anni[0] == ("Esercizio", "Determine", "Impegnato", "Liquidato", "Residuo")
    assert [tuple(row) for row in anni[1:]] == [(2025, 1, 1000, 300, 700), (2024, 1, 99.99, 0, 99.99)]
    servizi = {row[0]: row for row in wb["Per servizio"].iter_rows(min_row=2, values_only=True)}
    assert servizi[servizio.nome][2:] == (1000, 300, 700)
    csv = c.get("/determine/riepilogo/?formato=csv").content.decode()
    assert "700,00" in csv
    assert ";" in csv
