"""The application pages: who reaches each URL, the quick-entry form with its per-service
fields, every bad input refused with an Italian message and nothing changed, changes and
outcome with their history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.core.models import AuditEntry
from services.domande.models import Domanda, ImportProtocollo
from tests.conftest import client_for

from .conftest import new_servizio

MANAGE = {"assistente_sociale", "amministrativo", "dirigente"}
OTHERS = {"operatore_sportello", "educatore", "psicologo"}


def _urls(domanda: Domanda, imp: ImportProtocollo) -> list[str]:
    d = f"/domande/{domanda.public_id}/"
    return ["/domande/", "/domande/nuova/", "/domande/nuova/campi/", "/domande/assegna/",
            "/domande/importazioni/", f"/domande/importazioni/{imp.public_id}/", d,
            d + "modifica/"]


@pytest.fixture
def imp(in_a, domanda):
    return ImportProtocollo.objects.create(nome_file="p.csv", dimensione=1, sha256="x",
                                           caricato_da_id=1, caricato_da_label="x")


@pytest.mark.parametrize("role", sorted(MANAGE | OTHERS))
def test_pages_by_role(cast, domanda, imp, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    for url in _urls(domanda, imp):
        status = client.get(url).status_code
        assert status == (200 if role in MANAGE else 403), (url, status)
    coda = client.get("/domande/le-mie/").status_code
    assert coda == (200 if role == "assistente_sociale" else 403)


def test_outsider_of_comune_b_gets_404_everywhere(cast, domanda, imp):
    client = client_for(cast.outsider, cast.comune_a.ente)
    for url in [*_urls(domanda, imp), "/domande/le-mie/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/domande/{domanda.public_id}/esito/",
                       {"esito": "accolta", "data": "2025-04-01"}).status_code == 404


def test_an_application_of_comune_a_is_not_found_in_comune_b(cast, domanda):
    client = client_for(cast.outsider, cast.comune_b.ente)
    assert client.get(f"/domande/{domanda.public_id}/").status_code == 404


def test_list_filters_and_search(cast, in_a, domanda, servizio, persona):
    altro = new_servizio("Pasti a domicilio")
    from services.domande.services import domanda_create
    domanda_create(actor=in_a, persona=persona, servizio=altro, numero_protocollo="77",
                   data_protocollo=date(2024, 5, 5))
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    body = client.get("/domande/").content.decode()
    assert "n. 1001" in body
    assert "n. 77" in body
    body = client.get("/domande/", {"anno": 2024}).content.decode()
    assert "n. 77" in body
    assert "n. 1001" not in body
    body = client.get("/domande/", {"servizio": servizio.pk}).content.decode()
    assert "n. 1001" in body
    assert "n. 77" not in body
    body = client.get("/domande/", {"q": "1001"}).content.decode()
    assert "n. 1001" in body
    assert "n. 77" not in body
    body = client.get("/domande/", {"q": persona.cognome}).content.decode()
    assert "n. 1001" in body
    assert "n. 77" in body
    body = client.get("/domande/", {"assegnata_a": 0, "stato": "presentata"}).content.decode()
    assert "n. 1001" in body


def test_list_query_count_does_not_grow_with_rows(cast, in_a, servizio, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from services.domande.services import domanda_create

    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/domande/").status_code == 200
        return len(ctx)

    with tenant_context(cast.comune_a.ente):
        domanda_create(actor=in_a, persona=persona, servizio=servizio,
                       numero_protocollo="N0", data_protocollo=date(2025, 1, 2))
    one = queries()
    with tenant_context(cast.comune_a.ente):
        for i in range(1, 30):
            domanda_create(actor=in_a, persona=persona, servizio=servizio,
                           numero_protocollo=f"N{i}", data_protocollo=date(2025, 1, 2))
    assert queries() == one
    assert one <= 28  # the page's audit entry included (SET search_path + INSERT)


# --- quick entry --------------------------------------------------------------------------


def test_service_change_swaps_in_only_its_fields(cast, in_a, servizio):
    semplice = new_servizio("Trasporto sociale", campi=["note"])
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    body = client.get("/domande/nuova/campi/", {"servizio": servizio.pk},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'id="campi-servizio"' in body
    for name in ("dsu_protocollo", "dsu_anno", "dsu_data", "isee_valore", "importo_richiesto"):
        assert f'name="{name}"' in body
    assert 'name="note"' not in body
    body = client.get("/domande/nuova/campi/", {"servizio": semplice.pk}).content.decode()
    assert 'name="note"' in body
    assert 'name="isee_valore"' not in body
    page = client.get("/domande/nuova/").content.decode()
    assert 'hx-get="/domande/nuova/campi/"' in page
    assert 'name="numero_protocollo"' in page
    assert 'name="isee_valore"' not in page


def _post_new(client, chi, cosa, /, **extra):
    data = {"persona": str(chi.public_id), "servizio": cosa.pk,
            "numero_protocollo": "2001", "data_protocollo": "2025-04-02", **extra}
    return client.post("/domande/nuova/", data)


def test_new_application_from_the_form(cast, in_a, servizio, persona):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post_new(client, persona, servizio, dsu_protocollo="inps-isee-2025-000000042-01",
                         dsu_anno="2025", dsu_data="2025-01-20", isee_valore="8.500,50",
                         isee_tipo="ordinario", importo_richiesto="300")
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        d = Domanda.objects.get(numero_protocollo="2001")
        assert response["Location"] == f"/domande/{d.public_id}/"
        assert (d.persona, d.servizio, d.stato, d.origine) == (persona, servizio, "presentata",
                                                               "sportello")
        assert d.dsu_protocollo == "INPS-ISEE-2025-000000042-01"
        assert str(d.isee_valore) == "8500.50"
        assert AuditEntry.objects.filter(action="domanda.registrata",
                                         object_id=str(d.public_id)).exists()


@pytest.mark.parametrize(("extra", "message"), [
    ({"numero_protocollo": ""}, "Indica il numero di protocollo."),
    ({"data_protocollo": "31/02/2025"}, "Data non valida"),
    ({"data_protocollo": (timezone.localdate() + timedelta(days=3)).isoformat()},
     "La data di protocollo non può essere nel futuro."),
    ({"dsu_protocollo": "INPS-ISEE-2025-000000042-01"},
     "Protocollo, anno e data della DSU vanno indicati insieme"),
    ({"dsu_anno": "2025", "dsu_data": "2025-01-02"},
     "Protocollo, anno e data della DSU vanno indicati insieme"),
    ({"dsu_protocollo": "ISEE-2025-42", "dsu_anno": "2025", "dsu_data": "2025-01-02"},
     "non è nel formato INPS-ISEE-AAAA-XXXXXXXXX-XX"),
    ({"dsu_protocollo": "INPS-ISEE-2024-000000042-01", "dsu_anno": "2025",
      "dsu_data": "2025-01-02"}, "non corrisponde a quello del protocollo"),
    ({"dsu_protocollo": "INPS-ISEE-2025-000000042-01", "dsu_anno": "2025",
      "dsu_data": "2024-12-30"}, "non è dell&#x27;anno 2025"),
    ({"isee_valore": "-1"}, "Il valore ISEE non può essere negativo."),
    ({"isee_valore": "dodici"}, "Il valore ISEE non è un importo valido."),
    ({"isee_tipo": "inventato"}, "Scegli"),
    ({"persona": ""}, "Scegli il richiedente dall&#x27;anagrafica."),
    ({"servizio": "999999"}, "Il servizio scelto non è tra quelli attivi."),
])
def test_bad_input_on_new_application_changes_nothing(cast, in_a, servizio, persona, extra,
                                                      message):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    with tenant_context(cast.comune_a.ente):
        before = Domanda.objects.count()
    response = _post_new(client, persona, servizio, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert Domanda.objects.count() == before


def test_duplicate_protocol_gets_a_clear_message(cast, domanda, servizio, persona):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post_new(client, persona, servizio, numero_protocollo="1001",
                         data_protocollo="2025-03-10")
    assert response.status_code == 400
    assert "Esiste già una domanda con protocollo n. 1001 del 10/03/2025" in response.content.decode()
    # The same number on another day is another protocol.
    assert _post_new(client, persona, servizio, numero_protocollo="1001",
                     data_protocollo="2025-03-11").status_code == 302


def test_inactive_service_is_refused(cast, in_a, persona):
    spento = new_servizio("Vecchio servizio", attivo=False)
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post_new(client, persona, spento)
    assert response.status_code == 400
    with tenant_context(cast.comune_a.ente):
        assert not Domanda.objects.filter(numero_protocollo="2001").exists()


# --- the application page -----------------------------------------------------------------


def test_detail_shows_data_history_and_no_proposal_link_without_the_page(cast, domanda):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    body = client.get(f"/domande/{domanda.public_id}/").content.decode()
    assert "INPS-ISEE-2025-000123456-00" in body
    assert "domanda.registrata" in body
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse
    try:
        url = reverse("intervento_new", urlconf=str(settings.TENANT_TYPES["comune"]["URLCONF"]))
    except NoReverseMatch:
        assert 'id="proponi-intervento"' not in body
    else:
        assert f'{url}?domanda={domanda.public_id}' in body


def test_edit_changes_and_logs_before_and_after(cast, domanda):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = client.post(f"/domande/{domanda.public_id}/modifica/", {
        "numero_protocollo": "1001", "data_protocollo": "2025-03-10",
        "dsu_protocollo": "", "dsu_anno": "", "dsu_data": "", "isee_valore": "12000",
        "isee_tipo": "ordinario", "importo_richiesto": ""})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        domanda.refresh_from_db()
        assert (domanda.dsu_protocollo, domanda.dsu_anno, domanda.dsu_data) == ("", None, None)
        assert str(domanda.isee_valore) == "12000.00"
        entry = AuditEntry.objects.get(action="domanda.modificata", object_id=str(domanda.public_id))
        assert entry.payload["prima"]["dsu_protocollo"] == "INPS-ISEE-2025-000123456-00"


def test_edit_with_partial_dsu_changes_nothing(cast, domanda):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = client.post(f"/domande/{domanda.public_id}/modifica/", {
        "numero_protocollo": "1001", "data_protocollo": "2025-03-10",
        "dsu_protocollo": "INPS-ISEE-2025-000123456-00", "dsu_anno": "", "dsu_data": "2025-02-01",
        "isee_valore": "5", "isee_tipo": "", "importo_richiesto": ""})
    assert response.status_code == 400
    assert "vanno indicati insieme" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        domanda.refresh_from_db()
        assert (domanda.dsu_anno, domanda.isee_valore) == (2025, None)


def test_outcome_needs_a_reason_unless_accepted(cast, domanda):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    url = f"/domande/{domanda.public_id}/esito/"
    response = client.post(url, {"esito": "respinta", "data": "2025-04-01", "motivazione": ""})
    assert response.status_code == 400
    assert "Indica la motivazione" in response.content.decode()
    response = client.post(url, {"esito": "respinta", "data": "2025-03-01", "motivazione": "x"})
    assert "precede la data di protocollo" in response.content.decode()
    response = client.post(url, {"esito": "sospesa", "data": "2025-04-01"})
    assert response.status_code == 400
    with tenant_context(cast.comune_a.ente):
        domanda.refresh_from_db()
        assert domanda.stato == "presentata"
    response = client.post(url, {"esito": "respinta", "data": "2025-04-01",
                                 "motivazione": "ISEE oltre la soglia"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        domanda.refresh_from_db()
        assert (domanda.stato, domanda.esito_il, domanda.motivazione_esito) == (
            "respinta", date(2025, 4, 1), "ISEE oltre la soglia")
    # Closed: no second outcome, no edits.
    response = client.post(url, {"esito": "accolta", "data": "2025-04-02"})
    assert response.status_code == 400
    assert "ha già un esito" in response.content.decode()
    assert client.get(f"/domande/{domanda.public_id}/modifica/").status_code == 302


def test_an_assegno_service_points_to_the_assegni_form(cast, in_a):
    maternita = new_servizio("Assegno di maternità", tipo="maternita")
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    body = client.get("/domande/nuova/campi/", {"servizio": maternita.pk}).content.decode()
    assert 'id="usa-modulo-assegni"' in body
    assert 'href="/assegni/nuovo/"' in body


@pytest.mark.parametrize("role", sorted(OTHERS))
def test_writes_are_refused_to_roles_without_the_capability(cast, domanda, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    d = f"/domande/{domanda.public_id}/"
    assert client.post(d + "esito/", {"esito": "accolta", "data": "2025-04-01"}).status_code == 403
    assert client.post(d + "modifica/", {"numero_protocollo": "X", "data_protocollo": "2025-03-10"}
                       ).status_code == 403
    assert client.post("/domande/nuova/", {}).status_code == 403
    with tenant_context(cast.comune_a.ente):
        domanda.refresh_from_db()
        assert (domanda.stato, domanda.numero_protocollo) == ("presentata", "1001")


def test_the_picked_person_is_shown_again_after_an_error(cast, in_a, servizio, persona):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = _post_new(client, persona, servizio, numero_protocollo="")
    body = response.content.decode()
    assert 'id="persona-scelta"' in body
    assert persona.nome_completo in body
    assert f'value="{persona.public_id}"' in body
