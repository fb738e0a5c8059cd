# ruff: noqa: F811  (the fixtures of tests/interventi are imported by name)
"""The person as the hub: from the person's page, the applications with their outcomes, the
interventions of the person and of the household, the totals per year and the documents —
for a person with or without a case file, within what the user's role may see."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from services.anagrafica.services import nucleo_aggiungi, nucleo_crea
from services.cartella.documenti import documento_carica
from services.cartella.services import cartella_apri
from services.determine.services import liquidazione_create
from services.domande.services import domanda_create
from services.interventi.services import intervento_assegna_determina
from tests.cartella.conftest import new_persona
from tests.conftest import client_for
from tests.factories import pdf_file
from tests.interventi.conftest import (  # noqa: F401  (fixtures)
    a,
    approvato,
    catalogo,
    determina,
    persona,
    servizio,
)


def _storia(a, persona, servizio, determina):  # noqa: F811
    figlia = new_persona(a.assistente_sociale)
    nucleo = nucleo_crea(actor=a.assistente_sociale, intestatario=persona, dal=date(2024, 1, 1))
    nucleo_aggiungi(actor=a.assistente_sociale, nucleo=nucleo, persona=figlia,
                    relazione="figlio", dal=date(2024, 1, 1))
    domanda_create(actor=a.amministrativo, persona=persona, servizio=servizio,
                   numero_protocollo="4512", data_protocollo=date(2025, 1, 10),
                   oggetto="Contributo per le utenze")
    own = approvato(a, persona, servizio, importo="300.00")
    approvato(a, figlia, servizio, importo="120.00")
    intervento_assegna_determina(actor=a.amministrativo, intervento=own, determina=determina)
    liquidazione_create(actor=a.amministrativo, determina=determina,
                        oggetti=[("interventi.pagamento", own.pagamenti.get().pk)],
                        data=date(2025, 3, 1))
    return figlia


def _page(cast, role, persona):  # noqa: F811
    response = client_for(cast.by_role[role], cast.comune_a.ente).get(
        f"/anagrafica/{persona.public_id}/")
    assert response.status_code == 200
    text = response.content.decode()
    return text[text.index('id="persona-storia"'):]


def test_a_person_without_a_case_file_has_the_whole_picture(cast, a, persona, servizio,  # noqa: F811
                                                            determina):
    figlia = _storia(a, persona, servizio, determina)
    hub = _page(cast, "assistente_sociale", persona)
    assert "prot. 4512" in hub
    assert "Contributo economico straordinario" in hub
    assert f"per {figlia.nome_completo}" in hub  # the household's interventions too
    assert "Totale interventi 2025" in hub
    assert "pagato 300,00 €" in hub
    assert "nucleo familiare: 420,00 €" in hub


def test_each_role_sees_only_what_it_may(cast, a, persona, servizio, determina):  # noqa: F811
    _storia(a, persona, servizio, determina)
    sportello = _page(cast, "operatore_sportello", persona)
    assert "prot. 4512" not in sportello
    assert "Totale interventi" not in sportello
    educatore = _page(cast, "educatore", persona)
    assert "prot. 4512" not in educatore  # applications: who manages them
    assert "Totale interventi" not in educatore
    amministrativo = _page(cast, "amministrativo", persona)
    assert "prot. 4512" in amministrativo
    assert "Totale interventi 2025" in amministrativo  # pays them


def test_with_a_case_file_its_documents_come_too(cast, a, persona, servizio, settings,  # noqa: F811
                                                 tmp_path):
    settings.MEDIA_ROOT = tmp_path
    caso = cartella_apri(actor=a.assistente_sociale, persona=persona, area_target="poverta",
                         data=date(2025, 1, 15), motivo="Primo colloquio")
    documento_carica(actor=a.assistente_sociale, cartella=caso, tipo="isee",
                     data=date(2025, 1, 20),
                     uploaded=SimpleUploadedFile("isee.pdf", pdf_file()))
    hub = _page(cast, "assistente_sociale", persona)
    assert "isee.pdf" in hub
    assert f"/cartelle/{caso.public_id}/documenti/" in hub
    # Who may not open the case file does not see its documents.
    assert "isee.pdf" not in _page(cast, "amministrativo", persona)
