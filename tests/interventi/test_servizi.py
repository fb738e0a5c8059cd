"""The comune's services: the dirigente activates them against the shared catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.core.errors import AlreadyExists, ValidationFailed
from services.interventi.models import Servizio
from services.interventi.services import servizio_create, servizio_update
from tests.conftest import client_for


def _new(a, **kw):
    data = {"nome": "Pasti a domicilio", "tipo": "domiciliare", "area_target": "anziani",
            "carattere": "periodico"}
    data.update(kw)
    return servizio_create(actor=a.dirigente, **data)


def test_a_service_is_mapped_to_the_catalogue_and_logged(a, catalogo):
    from services.core.models import AuditEntry

    s = _new(a, codice_prestazione=catalogo["codice"], voce_nomenclatore=catalogo["voce"],
             tariffa=Decimal("7.50"), unita_tariffa="prestazione",
             campi_domanda=["isee_valore", "dsu_protocollo", "isee_valore"])
    s.refresh_from_db()
    assert s.codice_prestazione.codice == "A1.02"
    assert s.campi_domanda == ["dsu_protocollo", "isee_valore"]
    assert AuditEntry.objects.filter(action="servizio.attivato", object_id=str(s.public_id)).exists()


@pytest.mark.parametrize(("kw", "field", "text"), [
    ({"nome": "  "}, "nome", "denominazione"),
    ({"tariffa": Decimal("5")}, "unita_tariffa", "tariffa"),
    ({"soglia_isee": Decimal("1000")}, "soglia_isee", "ISEE"),
    ({"campi_domanda": ["stato"]}, "campi_domanda", "non riconosciuti"),
    ({"campi_domanda": ["inventato"]}, "campi_domanda", "non riconosciuti"),
    ({"tipo": "boh"}, "tipo", ""),
])
def test_bad_services_are_refused_in_italian(a, kw, field, text):
    with pytest.raises(ValidationFailed) as exc:
        _new(a, **kw)
    assert exc.value.field == field
    assert text in str(exc.value)
    assert not Servizio.objects.exists()


def test_a_retired_code_is_refused(a, catalogo):
    with pytest.raises(ValidationFailed, match="ritirato"):
        _new(a, codice_prestazione=catalogo["ritirato"])


def test_two_services_cannot_share_a_name(a):
    _new(a)
    with pytest.raises(AlreadyExists, match="Esiste già un servizio"):
        _new(a, nome="pasti a domicilio")


def test_update_changes_only_what_is_valid(a):
    s = _new(a)
    servizio_update(actor=a.dirigente, servizio=s, richiede_decisione=False, nome="Pasti caldi")
    s.refresh_from_db()
    assert (s.nome, s.richiede_decisione) == ("Pasti caldi", False)
    with pytest.raises(ValidationFailed):
        servizio_update(actor=a.dirigente, servizio=s, tariffa=Decimal("3"))
    s.refresh_from_db()
    assert s.tariffa is None


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("dirigente", 200), ("assistente_sociale", 403), ("amministrativo", 403),
    ("operatore_sportello", 403), ("educatore", 403),
])
def test_service_pages_are_for_the_dirigente(cast, a, servizio, role, status):
    c = client_for(cast.by_role[role], cast.comune_a.ente)
    for url in ["/servizi/", "/servizi/nuovo/", f"/servizi/{servizio.public_id}/",
                f"/servizi/{servizio.public_id}/modifica/"]:
        assert c.get(url).status_code == status, url


def test_the_outsider_gets_404(cast, a, servizio):
    c = client_for(cast.outsider, cast.comune_a.ente)
    for url in ["/servizi/", f"/servizi/{servizio.public_id}/"]:
        assert c.get(url).status_code == 404


def test_the_form_offers_the_catalogue_and_the_domanda_fields(cast, a, catalogo):
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = c.get("/servizi/nuovo/").content.decode()
    assert "A1.02" in page
    assert "A9.99" not in page  # retired
    assert 'value="isee_valore"' in page
    assert 'value="stato"' not in page
    r = c.post("/servizi/nuovo/", {
        "nome": "Buoni spesa", "tipo": "economica", "area_target": "poverta",
        "carattere": "occasionale", "prova_mezzi": "1", "codice_prestazione": catalogo["codice"].pk,
        "richiede_decisione": "on", "campi_domanda": ["isee_valore", "importo_richiesto"],
        "attivo": "on",
    })
    assert r.status_code == 302
    s = Servizio.objects.get(nome="Buoni spesa")
    assert s.campi_domanda == ["importo_richiesto", "isee_valore"]
    assert c.get(r["Location"]).status_code == 200


def test_a_bad_form_says_why_and_saves_nothing(cast, a):
    c = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    r = c.post("/servizi/nuovo/", {"nome": "Buoni", "tipo": "economica", "area_target": "poverta",
                                   "carattere": "occasionale", "prova_mezzi": "4",
                                   "tariffa": "10"})
    assert r.status_code == 200
    assert "Indica a cosa si riferisce la tariffa" in r.content.decode()
    assert not Servizio.objects.filter(nome="Buoni").exists()
