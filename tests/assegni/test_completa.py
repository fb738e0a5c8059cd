"""An application of an assegno service registered without its assegno (the protocol import
creates the Domanda only): listed on the assegni page as to complete, completed there or from
the application's page with the same checks as a new assegno; refused, changing nothing, when
it is not an assegno, has its assegno already, or is closed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from services.assegni.models import Assegno
from services.assegni.selectors import assegni_elenco, domande_da_completare
from services.assegni.services import DatiAssegno, assegno_completa, assegno_create
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from services.domande.models import Domanda
from services.domande.services import Dsu, domanda_create, domanda_esito
from tests.conftest import client_for
from tests.domande.conftest import new_servizio

MANAGE = {"assistente_sociale", "amministrativo", "dirigente"}
NATO = DatiAssegno(figlio_cognome="Rossi", figlio_nome="Sara",
                   figlio_data_nascita=date(2025, 2, 10))


@pytest.fixture
def maternita(in_a):
    return new_servizio("Assegno di maternità dei comuni", tipo="maternita")


@pytest.fixture
def nucleo(in_a):
    return new_servizio("Assegno al nucleo familiare", tipo="nucleo")


def _importata(actor, persona, servizio, numero="P-10", **extra):
    """An application as the protocol import registers it: no assegno."""
    return domanda_create(actor=actor, persona=persona, servizio=servizio,
                          numero_protocollo=numero, data_protocollo=date(2025, 3, 3),
                          origine=Domanda.Origine.PROTOCOLLO, **extra)


@pytest.fixture
def importata(in_a, persona, maternita):
    return _importata(in_a, persona, maternita,
                      dsu=Dsu(protocollo="INPS-ISEE-2025-000123456-00", anno=2025,
                              data=date(2025, 2, 1), isee_valore=Decimal("12345.67"),
                              isee_tipo="ordinario"))


# --- the service --------------------------------------------------------------------------


def test_completa_creates_the_assegno_audited(in_a, importata):
    assert list(domande_da_completare()) == [importata]
    assegno = assegno_completa(actor=in_a, domanda=importata, dati=NATO)
    assert (assegno.domanda, assegno.tipo, assegno.figlio_data_nascita) == (
        importata, "maternita", date(2025, 2, 10))
    entry = AuditEntry.objects.get(action="assegno.completato")
    assert entry.object_id == str(assegno.public_id)
    assert entry.payload["domanda"] == str(importata.public_id)
    assert entry.payload["figlio_data_nascita"] == "2025-02-10"
    assert list(assegni_elenco()) == [assegno]
    assert not domande_da_completare().exists()
    importata.refresh_from_db()
    assert (importata.stato, importata.origine) == ("presentata", "protocollo")


def test_completa_nucleo_and_corrects_the_isee(in_a, persona, nucleo):
    domanda = _importata(in_a, persona, nucleo)
    assegno = assegno_completa(
        actor=in_a, domanda=domanda, dati=DatiAssegno(figli_minori=3, componenti_nucleo=5),
        dsu=Dsu(protocollo="inps-isee-2025-000000001-00", anno=2025, data=date(2025, 1, 20),
                isee_valore=Decimal("9000.00"), isee_tipo="ordinario"))
    assert (assegno.tipo, assegno.figli_minori) == ("nucleo", 3)
    domanda.refresh_from_db()
    assert (domanda.dsu_protocollo, domanda.isee_valore) == (
        "INPS-ISEE-2025-000000001-00", Decimal("9000.00"))
    assert AuditEntry.objects.filter(action="domanda.modificata",
                                     object_id=str(domanda.public_id)).exists()


def test_completa_an_accolta_application_may_record_the_inps_transmission(in_a, importata):
    domanda_esito(actor=in_a, domanda=importata, esito="accolta", data=date(2025, 3, 20))
    assegno = assegno_completa(actor=in_a, domanda=importata,
                               dati=DatiAssegno(figlio_data_nascita=date(2025, 2, 10),
                                                trasmessa_inps_il=date(2025, 4, 1)))
    assert assegno.trasmessa_inps_il == date(2025, 4, 1)


def _refusal(in_a, persona, maternita, importata, caso):
    if caso == "non_assegno":
        return _importata(in_a, persona, new_servizio("Contributo affitto"), numero="P-11")
    if caso == "gia_completata":
        assegno_completa(actor=in_a, domanda=importata, dati=NATO)
        return importata
    if caso == "creata_col_modulo":
        return assegno_create(actor=in_a, persona=persona, servizio=maternita,
                              numero_protocollo="M1", data_protocollo=date(2025, 3, 3),
                              dati=NATO).domanda
    domanda_esito(actor=in_a, domanda=importata, esito=caso, motivazione="ISEE oltre soglia",
                  data=date(2025, 3, 20))
    return importata


@pytest.mark.parametrize(("caso", "errore", "message"), [
    ("non_assegno", ValidationFailed, "non è un assegno di maternità o al nucleo familiare"),
    ("gia_completata", AlreadyExists, "ha già i dati dell'assegno"),
    ("creata_col_modulo", AlreadyExists, "ha già i dati dell'assegno"),
    ("respinta", NotAllowed, "La domanda è respinta"),
    ("archiviata", NotAllowed, "La domanda è archiviata"),
])
def test_completa_refusals_change_nothing(in_a, persona, maternita, importata, caso, errore,
                                          message):
    domanda = _refusal(in_a, persona, maternita, importata, caso)
    assegni, tracce = Assegno.objects.count(), AuditEntry.objects.count()
    with pytest.raises(errore, match=message):
        assegno_completa(actor=in_a, domanda=domanda, dati=NATO,
                         dsu=Dsu(isee_valore=Decimal("1.00")))
    assert (Assegno.objects.count(), AuditEntry.objects.count()) == (assegni, tracce)
    domanda.refresh_from_db()
    assert domanda.isee_valore != Decimal("1.00")


@pytest.mark.parametrize(("dati", "message"), [
    (DatiAssegno(), "Indica la data di nascita"),
    (DatiAssegno(figlio_data_nascita=date(2025, 3, 4)), "successiva alla domanda"),
    (DatiAssegno(figlio_data_nascita=date(2025, 2, 10), importo_mensile=Decimal("-1")),
     "non possono essere negativi"),
    (DatiAssegno(figlio_data_nascita=date(2025, 2, 10), trasmessa_inps_il=date(2025, 3, 5)),
     "solo una domanda accolta"),
])
def test_completa_validates_as_a_new_assegno_and_changes_nothing(in_a, importata, dati, message):
    tracce = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed, match=message):
        # The DSU change is valid: it must be rolled back with the rest.
        assegno_completa(actor=in_a, domanda=importata, dati=dati,
                         dsu=Dsu(isee_valore=Decimal("1.00")))
    assert not Assegno.objects.exists()
    assert AuditEntry.objects.count() == tracce
    importata.refresh_from_db()
    assert importata.isee_valore == Decimal("12345.67")


def test_completa_a_bad_dsu_changes_nothing(in_a, importata):
    with pytest.raises(ValidationFailed, match="vanno indicati insieme"):
        assegno_completa(actor=in_a, domanda=importata, dati=NATO,
                         dsu=Dsu(protocollo="INPS-ISEE-2025-000123456-00"))
    assert not Assegno.objects.exists()


def test_nucleo_needs_three_minor_children(in_a, persona, nucleo):
    domanda = _importata(in_a, persona, nucleo)
    with pytest.raises(ValidationFailed, match="almeno tre figli minori"):
        assegno_completa(actor=in_a, domanda=domanda, dati=DatiAssegno(figli_minori=2))
    assert list(domande_da_completare()) == [domanda]


# --- the pages ----------------------------------------------------------------------------


def test_list_shows_the_applications_to_complete_and_the_form_completes_them(
        cast, in_a, persona, importata):
    with tenant_context(cast.comune_a.ente):
        respinta = _importata(in_a, persona, importata.servizio, numero="P-12")
        domanda_esito(actor=in_a, domanda=respinta, esito="respinta", motivazione="Fuori termine",
                      data=date(2025, 3, 20))
        _importata(in_a, persona, new_servizio("Contributo affitto"), numero="P-13")
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/assegni/completa/{importata.public_id}/"
    body = client.get("/assegni/").content.decode()
    assert 'id="da-completare"' in body
    assert f'href="{url}"' in body
    assert "n. P-10" in body
    assert "n. P-12" not in body  # respinta: nothing to complete any more
    assert "n. P-13" not in body  # not an assegno
    assert "Nessuna domanda di assegno." in body  # not yet among the assegni

    page = client.get(url).content.decode()
    assert persona.nome_completo in page
    assert "n. P-10 del 03/03/2025" in page
    assert 'value="INPS-ISEE-2025-000123456-00"' in page
    assert 'value="12.345,67"' in page
    assert 'name="figlio_data_nascita"' in page
    assert 'name="figli_minori"' not in page  # a maternità: only the child's fieldset
    assert 'name="trasmessa_inps_il"' not in page  # not accolta

    response = client.post(url, {
        "dsu_protocollo": "INPS-ISEE-2025-000123456-00", "dsu_anno": "2025",
        "dsu_data": "2025-02-01", "isee_valore": "12.345,67", "isee_tipo": "ordinario",
        "figlio_cognome": "Rossi", "figlio_nome": "Sara", "figlio_data_nascita": "2025-02-10",
        "importo_mensile": "407,40"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assegno = Assegno.objects.get(domanda=importata)
        assert response["Location"] == f"/assegni/{assegno.public_id}/"
        assert (assegno.figlio_nome, assegno.importo_mensile) == ("Sara", Decimal("407.40"))
        assert not AuditEntry.objects.filter(action="domanda.modificata").exists()  # DSU as was
    body = client.get("/assegni/").content.decode()
    assert 'id="da-completare"' not in body
    assert f'href="/assegni/{assegno.public_id}/">n. P-10</a>' in body
    # Done once: the form now sends back to the application.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/domande/{importata.public_id}/"


def test_bad_input_on_the_page_changes_nothing(cast, importata):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    response = client.post(f"/assegni/completa/{importata.public_id}/", {
        "figlio_data_nascita": "2025-04-01", "isee_valore": "1,00"})
    assert response.status_code == 400
    assert "successiva alla domanda" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Assegno.objects.exists()
        importata.refresh_from_db()
        assert importata.isee_valore == Decimal("12345.67")


def test_domanda_page_links_to_the_completion_then_to_the_assegno(cast, in_a, importata):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    domanda_url = f"/domande/{importata.public_id}/"
    body = client.get(domanda_url).content.decode()
    assert "Completa i dati dell'assegno" in body
    assert f'href="/assegni/completa/{importata.public_id}/"' in body
    with tenant_context(cast.comune_a.ente):
        assegno = assegno_completa(actor=in_a, domanda=importata, dati=NATO)
    body = client.get(domanda_url).content.decode()
    assert 'id="completa-assegno"' not in body
    assert f'href="/assegni/{assegno.public_id}/"' in body
    assert "assegno.completato" in body  # in the application's history


def test_no_completion_link_for_closed_or_other_applications(cast, in_a, persona, importata):
    with tenant_context(cast.comune_a.ente):
        altra = _importata(in_a, persona, new_servizio("Contributo affitto"), numero="P-13")
        domanda_esito(actor=in_a, domanda=importata, esito="archiviata",
                      motivazione="Rinuncia", data=date(2025, 3, 20))
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    for domanda, message in [(importata, "i dati dell&#x27;assegno non si aggiungono più"),
                             (altra, "non è un assegno di maternità o al nucleo familiare")]:
        assert 'id="completa-assegno"' not in client.get(
            f"/domande/{domanda.public_id}/").content.decode()
        response = client.get(f"/assegni/completa/{domanda.public_id}/", follow=True)
        assert response.redirect_chain == [(f"/domande/{domanda.public_id}/", 302)]
        assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Assegno.objects.exists()


def test_accolta_application_keeps_its_dsu_and_may_record_inps(cast, in_a, importata):
    with tenant_context(cast.comune_a.ente):
        domanda_esito(actor=in_a, domanda=importata, esito="accolta", data=date(2025, 3, 20))
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/assegni/completa/{importata.public_id}/"
    page = client.get(url).content.decode()
    assert 'name="isee_valore"' not in page  # closed: the DSU is shown, not edited
    assert "12345,67 €" in page
    assert 'name="trasmessa_inps_il"' in page
    response = client.post(url, {"figlio_data_nascita": "2025-02-10",
                                 "trasmessa_inps_il": "2025-04-01"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Assegno.objects.get().trasmessa_inps_il == date(2025, 4, 1)


def test_completion_page_by_role(cast, importata):
    url = f"/assegni/completa/{importata.public_id}/"
    for role, user in cast.by_role.items():
        client = client_for(user, cast.comune_a.ente)
        assert client.get(url).status_code == (200 if role in MANAGE else 403), role
        if role not in MANAGE:
            assert client.post(url, {"figlio_data_nascita": "2025-02-10"}).status_code == 403
    assert client_for(cast.outsider, cast.comune_a.ente).get(url).status_code == 404
    assert client_for(cast.outsider, cast.comune_b.ente).get(url).status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert not Assegno.objects.exists()
