"""Reads of personal data write exactly one audit entry through the access helpers (who,
which code, which object, from where); lists, searches and exports one entry per page or
file, with what was asked and how many rows; refused reads a refusal entry instead."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.core.letture import EXPORTED, REFUSED
from services.core.models import AuditEntry
from services.determine.services import liquidazione_create
from services.domande.services import Dsu, domanda_create
from services.interventi.services import intervento_assegna_determina
from tests.cartella.conftest import new_persona
from tests.conftest import client_for
from tests.domande.conftest import new_servizio
from tests.interventi.conftest import approvato

IP = "192.0.2.77"


def _entries(cast, **filters) -> list[AuditEntry]:
    with tenant_context(cast.comune_a.ente):
        return list(AuditEntry.objects.filter(**filters).order_by("id"))


def _get(cast, role, url, **extra):
    return client_for(cast.by_role[role], cast.comune_a.ente).get(url, REMOTE_ADDR=IP, **extra)


def _only(cast, action) -> AuditEntry:
    entries = _entries(cast, action=action)
    assert len(entries) == 1, [e.action for e in entries]
    return entries[0]


def _check(entry, cast, role, obj=None):
    assert entry.actor_id == cast.by_role[role].pk
    assert entry.ip_address == IP
    if obj is not None:
        assert (entry.object_type, entry.object_id) == (obj._meta.label_lower, str(obj.public_id))


# --- persons --------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "role", "pagina"),
                         [("modifica/", "operatore_sportello", "modifica"),
                          ("unisci/", "amministrativo", "unione")])
def test_person_edit_and_merge_pages_are_reads(cast, a, persona, suffix, role, pagina):
    assert _get(cast, role, f"/anagrafica/{persona.public_id}/{suffix}").status_code == 200
    entry = _only(cast, "persona.letta")
    _check(entry, cast, role, persona)
    assert entry.payload == {"pagina": pagina}


def test_person_search_writes_one_entry_with_the_query(cast, a, persona):
    response = _get(cast, "operatore_sportello", f"/anagrafica/?q={persona.cognome}")
    assert response.status_code == 200
    entry = _only(cast, "persona.ricerca")
    _check(entry, cast, "operatore_sportello")
    assert entry.payload["filtro"] == {"q": persona.cognome, "contesto": "anagrafica"}
    assert entry.payload["righe"] >= 1
    assert not _entries(cast, action="persona.letta")  # not one per row


def test_person_opening_list_is_audited(cast, a, persona):
    assert _get(cast, "educatore", "/anagrafica/").status_code == 200
    entry = _only(cast, "persona.elenco")
    _check(entry, cast, "educatore")
    assert entry.payload["righe"] >= 1


def test_a_person_that_does_not_exist_is_a_recorded_refusal(cast, a):
    missing = uuid.uuid4()
    assert _get(cast, "operatore_sportello", f"/anagrafica/{missing}/").status_code == 404
    entry = _only(cast, REFUSED)
    _check(entry, cast, "operatore_sportello")
    assert (entry.object_type, entry.object_id) == ("anagrafica.persona", str(missing))
    assert entry.payload["esito"] == 404


def test_merge_without_the_capability_is_a_recorded_403(cast, a, persona):
    url = f"/anagrafica/{persona.public_id}/unisci/"
    assert _get(cast, "operatore_sportello", url).status_code == 403
    entry = _only(cast, REFUSED)
    _check(entry, cast, "operatore_sportello")
    assert entry.payload == {"percorso": url, "metodo": "GET", "esito": 403,
                             "motivo": "capacità merge_persone"}
    assert not _entries(cast, action="persona.letta")


# --- applications ---------------------------------------------------------------------------


@pytest.fixture
def domanda(a):
    servizio = new_servizio("Contributo affitto", campi=["dsu_protocollo", "isee_valore"])
    return domanda_create(actor=a.amministrativo, persona=new_persona(a.amministrativo),
                          servizio=servizio, numero_protocollo="1001",
                          data_protocollo=date(2025, 3, 10),
                          dsu=Dsu(protocollo="INPS-ISEE-2025-000123456-00", anno=2025,
                                  data=date(2025, 2, 1), isee_valore=Decimal("8000.00")))


@pytest.mark.parametrize(("suffix", "pagina"), [("", "dettaglio"), ("modifica/", "modifica")])
def test_application_detail_and_edit_are_reads(cast, a, domanda, suffix, pagina):
    assert _get(cast, "amministrativo", f"/domande/{domanda.public_id}/{suffix}").status_code == 200
    entry = _only(cast, "domanda.letta")
    _check(entry, cast, "amministrativo", domanda)
    assert entry.payload == {"pagina": pagina}


def test_application_list_writes_one_entry_per_page(cast, a, domanda):
    assert _get(cast, "dirigente", "/domande/?q=1001").status_code == 200
    entry = _only(cast, "domanda.elenco")
    _check(entry, cast, "dirigente")
    assert entry.payload["filtro"]["q"] == "1001"
    assert (entry.payload["righe"], entry.payload["pagina"]) == (1, 1)


def test_application_refused_to_the_educatore(cast, a, domanda):
    url = f"/domande/{domanda.public_id}/"
    assert _get(cast, "educatore", url).status_code == 403
    entry = _only(cast, REFUSED)
    _check(entry, cast, "educatore")
    assert entry.payload["percorso"] == url
    assert not _entries(cast, action="domanda.letta")


def test_application_helper_refuses_without_the_capability(cast, a, domanda):
    from services.core.letture import AccessoNegato
    from services.domande.selectors import get_domanda_for_user

    with pytest.raises(AccessoNegato) as refused:
        get_domanda_for_user(cast.by_role["educatore"], domanda.public_id, ip_address=IP)
    assert (refused.value.object_type, refused.value.ref) == ("domande.domanda",
                                                              str(domanda.public_id))


# --- determine and liquidazioni --------------------------------------------------------------


@pytest.fixture
def liquidazione(a, persona, servizio, determina):
    i = approvato(a, persona, servizio, "300.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=i, determina=determina)
    return liquidazione_create(actor=a.amministrativo, determina=determina,
                               oggetti=[("interventi.pagamento", i.pagamenti.get().pk)],
                               data=date(2025, 4, 1))


def test_determina_and_liquidazione_detail_are_reads(cast, a, determina, liquidazione):
    assert _get(cast, "amministrativo", f"/determine/{determina.public_id}/").status_code == 200
    _check(_only(cast, "determina.letta"), cast, "amministrativo", determina)
    url = f"/determine/liquidazioni/{liquidazione.public_id}/"
    assert _get(cast, "dirigente", url).status_code == 200
    _check(_only(cast, "liquidazione.letta"), cast, "dirigente", liquidazione)


def test_a_missing_determina_is_a_recorded_refusal(cast, a, determina):
    missing = uuid.uuid4()
    assert _get(cast, "amministrativo", f"/determine/{missing}/").status_code == 404
    entry = _only(cast, REFUSED)
    assert (entry.object_type, entry.object_id) == ("determine.determina", str(missing))
    assert not _entries(cast, action="determina.letta")


# --- exports, calendar, API -----------------------------------------------------------------


def test_an_export_writes_one_entry_with_filter_and_row_count(cast, a, determina, liquidazione):
    response = _get(cast, "amministrativo", "/determine/riepilogo/?formato=csv&esercizio=2025")
    assert response.status_code == 200
    entry = _only(cast, EXPORTED)
    _check(entry, cast, "amministrativo")
    assert entry.payload["formato"] == "csv"
    assert entry.payload["filtro"] == {"esercizio": "2025"}
    data_rows = [line for line in response.content.decode().splitlines()[1:] if line]
    assert entry.payload["righe"] >= 1
    assert entry.payload["righe"] <= len(data_rows)


def test_the_lsu_csv_export_is_audited(cast):
    response = _get(cast, "dirigente", "/lsu/dichiarazioni/?formato=csv")
    assert response.status_code == 200
    entry = _only(cast, EXPORTED)
    _check(entry, cast, "dirigente")
    assert (entry.payload["formato"], entry.payload["righe"]) == ("csv", 0)


def test_the_ics_calendar_is_audited(cast):
    response = _get(cast, "assistente_sociale", "/tribunale/udienze.ics")
    assert response.status_code == 200
    entry = _only(cast, EXPORTED)
    _check(entry, cast, "assistente_sociale")
    oggi = timezone.localdate()
    assert entry.payload["formato"] == "ics"
    assert entry.payload["righe"] == response.content.decode().count("BEGIN:VEVENT")
    assert entry.payload["filtro"]["dal"] == str(oggi - timedelta(days=30))


def test_the_ics_is_refused_to_the_front_office_and_recorded(cast):
    assert _get(cast, "operatore_sportello", "/tribunale/udienze.ics").status_code == 403
    entry = _only(cast, REFUSED)
    # Convoked educators and psychologists read their hearings too: the page asks view_cartella.
    assert entry.payload["motivo"] == "capacità view_cartella"
    assert not _entries(cast, action=EXPORTED)


def test_api_reads_are_audited(cast):
    response = _get(cast, "educatore", "/api/v1/me/")
    assert response.status_code == 200
    entry = _only(cast, "api.me.letto")
    _check(entry, cast, "educatore")
    assert entry.payload == {"filtro": {"percorso": "/api/v1/me/"}, "righe": 1}


def test_api_refusals_are_audited(cast):
    from django.test import RequestFactory
    from rest_framework.exceptions import PermissionDenied
    from rest_framework.request import Request

    from api.errors import exception_handler

    user = cast.by_role["educatore"]
    raw = RequestFactory().get("/api/v1/qualcosa/", REMOTE_ADDR=IP)
    raw.user = user
    raw.tenant = cast.comune_a.ente
    with tenant_context(cast.comune_a.ente):
        response = exception_handler(PermissionDenied(), {"request": Request(raw)})
    assert response.status_code == 403
    entry = _only(cast, REFUSED)
    _check(entry, cast, "educatore")
    assert entry.payload["percorso"] == "/api/v1/qualcosa/"


# --- case files -----------------------------------------------------------------------------


def test_case_list_writes_one_entry_per_page(cast, a):
    from services.cartella.services import cartella_apri

    cartella_apri(actor=a.assistente_sociale, persona=new_persona(a.assistente_sociale),
                  area_target="poverta", data=date(2025, 1, 15))
    assert _get(cast, "assistente_sociale", "/cartelle/?stato=aperta").status_code == 200
    entry = _only(cast, "cartella.elenco")
    _check(entry, cast, "assistente_sociale")
    assert entry.payload["filtro"] == {"stato": "aperta"}
    assert (entry.payload["righe"], entry.payload["pagina"]) == (1, 1)
    assert not _entries(cast, action="cartella.letta")


def test_schede_to_assess_list_writes_one_entry(cast, a):
    assert _get(cast, "assistente_sociale", "/cartelle/schede-da-valutare/").status_code == 200
    entry = _only(cast, "scheda.elenco")
    _check(entry, cast, "assistente_sociale")
    assert entry.payload == {"filtro": {"stato": "inoltrata"}, "righe": 0, "pagina": 1}


def test_proceedings_list_writes_one_entry_with_the_query(cast, a):
    assert _get(cast, "assistente_sociale", "/tribunale/?q=123/2026").status_code == 200
    entry = _only(cast, "procedimento.elenco")
    _check(entry, cast, "assistente_sociale")
    assert entry.payload["filtro"]["q"] == "123/2026"
    assert (entry.payload["righe"], entry.payload["pagina"]) == (0, 1)
