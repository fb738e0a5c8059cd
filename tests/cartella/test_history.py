"""The case history on one page, and who read the case (for the dirigente)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.anagrafica.services import nucleo_aggiungi, nucleo_crea
from services.cartella.diario import voce_diario_crea
from services.cartella.documenti import documento_carica
from services.cartella.history import TimelineEntry, cartella_storia, timeline_provider
from services.cartella.services import cartella_sospendi
from tests.conftest import client_for
from tests.factories import pdf_file

from .conftest import new_persona, new_scheda


def _at(y: int, m: int, d: int) -> datetime:
    return timezone.make_aware(datetime(y, m, d, 10, 0))


@pytest.fixture
def storia(cast, in_a, caso, media):
    """Two years of a case: accesses of the person and of her son, a suspension, diary
    entries (one private), a document."""
    persona = caso.persona
    figlio = new_persona(in_a)
    estraneo = new_persona(in_a)
    nucleo = nucleo_crea(actor=in_a, intestatario=persona, dal=date(2010, 1, 1))
    nucleo_aggiungi(actor=in_a, nucleo=nucleo, persona=figlio, relazione="figlio",
                    dal=date(2010, 1, 1))
    new_scheda(persona, stato="in_carico", quando=_at(2025, 1, 10),
               bisogno_espresso="Affitto arretrato")
    new_scheda(figlio, stato="chiusa", quando=_at(2024, 11, 5),
               bisogno_espresso="Iscrizione al centro estivo")
    new_scheda(estraneo, stato="chiusa", quando=_at(2024, 10, 1),
               bisogno_espresso="Non c'entra niente")
    cartella_sospendi(actor=in_a, cartella=caso, data=date(2025, 3, 1), motivo="Trasferita")
    voce_diario_crea(actor=in_a, cartella=caso, tipo="visita_domiciliare",
                     data=date(2025, 2, 1), testo="Visita: casa in ordine")
    voce_diario_crea(actor=in_a, cartella=caso, tipo="nota", data=date(2024, 12, 1),
                     testo="Nota riservata sul figlio", riservata=True)
    documento_carica(actor=in_a, cartella=caso, tipo="isee", data=date(2024, 12, 15),
                     uploaded=SimpleUploadedFile("isee.pdf", pdf_file()),
                     numero_protocollo="PG/2024/999")
    return caso


def test_the_history_groups_by_year_with_counts(cast, storia):
    result = cartella_storia(storia, cast.by_role["assistente_sociale"])
    assert [a.anno for a in result.anni] == [2025, 2024]
    counts = {a.anno: {kind: n for kind, _label, n in a.counts} for a in result.anni}
    assert counts[2025] == {"accesso": 1, "movimento": 2, "diario": 1}
    assert counts[2024] == {"accesso": 1, "diario": 1, "documento": 1}
    dates = [e.data for a in result.anni for e in a.entries]
    assert dates == sorted(dates, reverse=True)
    totals = {kind: n for kind, _label, n in result.totali}
    assert totals["pai"] == 0  # every registered kind is listed, zero included


def test_the_history_page(cast, storia):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get(f"/cartelle/{storia.public_id}/storia/").content.decode()
    assert 'id="anno-2025"' in page
    assert 'id="anno-2024"' in page
    assert "Affitto arretrato" in page
    assert "Iscrizione al centro estivo" in page  # the son's access
    assert "Figlio/a" in page
    assert "Non c&#x27;entra niente" not in page
    assert "Non c'entra niente" not in page
    assert "Sospensione" in page
    assert "Trasferita" in page
    assert "Visita: casa in ordine" in page
    assert "Nota riservata sul figlio" in page  # the responsible reads private entries
    assert "isee.pdf" in page
    assert "PG/2024/999" in page
    assert f"/cartelle/{storia.public_id}/documenti/" in page


def test_a_new_kind_is_one_provider_away(cast, storia):
    @timeline_provider("prova", "Interventi di prova", order=99)
    def prova(cartella, user):
        yield TimelineEntry(data=date(2023, 5, 1), title="Contributo economico di prova")

    try:
        result = cartella_storia(storia, cast.by_role["assistente_sociale"])
        assert result.anni[-1].anno == 2023
        assert result.anni[-1].entries[0].kind_label == "Interventi di prova"
    finally:
        from services.cartella import history

        history._PROVIDERS.pop("prova")


def test_the_history_shows_the_pai_when_the_app_is_installed(cast, in_a, caso):
    piano = pytest.importorskip("services.pai.services")
    piano.pai_create(actor=in_a, cartella=caso, data_inizio=date(2025, 2, 1),
                     sintesi_bisogno="Sostegno alla genitorialità")
    result = cartella_storia(caso, cast.by_role["assistente_sociale"])
    pai = [e for a in result.anni for e in a.entries if e.kind == "pai"]
    assert len(pai) == 1
    assert "Sostegno alla genitorialità" in pai[0].detail


# --- who read the case ------------------------------------------------------------------------


def test_the_readers_page_is_for_the_dirigente(cast, storia):
    url = f"/cartelle/{storia.public_id}/letture/"
    client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(
        f"/cartelle/{storia.public_id}/", REMOTE_ADDR="198.51.100.7")
    dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    response = dirigente.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert cast.by_role["assistente_sociale"].email in page
    assert "198.51.100.7" in page
    assert "cartella.letta" in page
    assert "cartella.sospesa" in page
    only_reads = dirigente.get(url, {"azione": "letture"}).content.decode()
    assert "cartella.sospesa" not in only_reads
    # The responsible reads the case but not its audit trail; the others do not see it.
    assert client_for(cast.by_role["assistente_sociale"],
                      cast.comune_a.ente).get(url).status_code == 403
    for user, status in ((cast.by_role["educatore"], 404), (cast.by_role["psicologo"], 404),
                         (cast.by_role["operatore_sportello"], 403), (cast.outsider, 404)):
        assert client_for(user, cast.comune_a.ente).get(url).status_code == status
    with tenant_context(cast.comune_a.ente):
        from services.cartella.selectors import lettori_cartella

        # Every look at the readers page is itself a read of the case.
        assert lettori_cartella(storia).filter(
            action="cartella.letta", actor_id=cast.by_role["dirigente"].pk).count() == 2
