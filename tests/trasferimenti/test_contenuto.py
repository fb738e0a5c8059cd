"""A case handed to another comune carries what the receiver needs to go on: the diary
(private notes only if the sender chooses), the problems, the documents and the care plan,
besides movements and social conditions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from services.anagrafica.services import Actor, persona_create
from services.cartella.diario import voce_diario_crea
from services.cartella.documenti import documento_carica
from services.cartella.fascicolo import problematica_registra
from services.cartella.models import Cartella, Documento, Problematica, VoceDiario
from services.cartella.services import cartella_apri
from services.pai.models import PAI
from services.pai.services import intervento_add, obiettivo_add, pai_create
from services.trasferimenti.models import Trasferimento
from services.trasferimenti.services import trasferimento_accetta, trasferimento_richiedi
from tests.factories import pdf_file, person

PDF = pdf_file()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def caso(cast, media):
    worker = cast.by_role["assistente_sociale"]
    with tenant_context(cast.comune_a.ente):
        actor = Actor(worker)
        p = person()
        persona = persona_create(actor=actor, cognome=p.last_name, nome=p.first_name,
                                 sesso=p.sex, data_nascita=p.birth_date,
                                 codice_fiscale=p.codice_fiscale)
        cartella = cartella_apri(actor=actor, persona=persona, area_target="poverta",
                                 data=date(2025, 1, 10), motivo="Primo colloquio")
        voce_diario_crea(actor=actor, cartella=cartella, tipo="colloquio",
                         data=date(2025, 1, 20), testo="Colloquio con la famiglia")
        voce_diario_crea(actor=actor, cartella=cartella, tipo="nota", data=date(2025, 1, 21),
                         testo="Sospetto di violenza domestica", riservata=True)
        problematica_registra(actor=actor, cartella=cartella, categoria="abitativa",
                              descrizione="Sfratto esecutivo", rilevata_il=date(2025, 1, 20))
        documento_carica(actor=actor, cartella=cartella,
                         uploaded=SimpleUploadedFile("relazione.pdf", PDF,
                                                     content_type="application/pdf"),
                         tipo="relazione_sociale", data=date(2025, 1, 22), descrizione="Relazione")
        pai = pai_create(actor=actor, cartella=cartella, data_inizio=date(2025, 2, 1),
                         sintesi_bisogno="Nucleo con debiti di affitto")
        obiettivo_add(actor=actor, pai=pai, descrizione="Rientro dalla morosità",
                      indicatore="Nessun arretrato")
        intervento_add(actor=actor, pai=pai, descrizione="Contributo affitto",
                       dal=date(2025, 2, 1), responsabile=worker)
    return cartella


def _trasferisci(cast, caso, *, includi_riservate: bool) -> Cartella:
    with tenant_context(cast.comune_a.ente):
        t = trasferimento_richiedi(
            actor=Actor(cast.by_role["assistente_sociale"]), cartella=caso,
            destinatario_istat=cast.comune_b.istat_code, motivo="Cambio di residenza",
            consenso_data=date(2025, 5, 1), consenso_modalita="scritto",
            includi_riservate=includi_riservate)
    with tenant_context(cast.comune_b.ente):
        return trasferimento_accetta(actor=Actor(cast.outsider), public_id=t.public_id)


def test_the_receiver_gets_diary_problems_documents_and_plan(cast, caso):
    nuova = _trasferisci(cast, caso, includi_riservate=False)
    with tenant_context(cast.comune_b.ente):
        testi = list(VoceDiario.objects.filter(cartella=nuova).values_list("testo", flat=True))
        assert "Colloquio con la famiglia" in testi
        assert "Sospetto di violenza domestica" not in testi  # private: not chosen
        problema = Problematica.objects.get(cartella=nuova)
        assert problema.descrizione == "Sfratto esecutivo"
        doc = Documento.objects.get(cartella=nuova)
        assert doc.nome_originale == "relazione.pdf"
        assert doc.percorso.startswith(f"{cast.comune_b.ente.schema_name}/")
        with default_storage.open(doc.percorso, "rb") as handle:
            assert handle.read() == PDF
        pai = PAI.objects.get(cartella=nuova)
        assert pai.stato == PAI.Stato.BOZZA  # the receiver approves under its own rules
        assert "Nucleo con debiti di affitto" in pai.sintesi_bisogno
        assert pai.obiettivi.get().descrizione == "Rientro dalla morosità"
        intervento = pai.interventi.get()
        assert intervento.descrizione == "Contributo affitto"
        assert intervento.responsabile_id is None  # an operator of the other comune


def test_private_notes_go_when_the_sender_chooses(cast, caso):
    nuova = _trasferisci(cast, caso, includi_riservate=True)
    with tenant_context(cast.comune_b.ente):
        voce = VoceDiario.objects.get(cartella=nuova, testo="Sospetto di violenza domestica")
        assert voce.riservata  # still private on the receiving side
    assert Trasferimento.objects.get(cartella_origine=caso.public_id).includi_riservate


def test_a_failed_import_leaves_no_copied_file(cast, caso, media):
    from services.core.errors import ValidationFailed

    with tenant_context(cast.comune_a.ente):
        t = trasferimento_richiedi(
            actor=Actor(cast.by_role["assistente_sociale"]), cartella=caso,
            destinatario_istat=cast.comune_b.istat_code, motivo="Cambio di residenza",
            consenso_data=date(2025, 5, 1), consenso_modalita="scritto")
    with tenant_context(cast.comune_b.ente):
        # The person already has an open case in B: the import is refused.
        persona = persona_create(actor=Actor(cast.outsider), cognome=caso.persona.cognome,
                                 nome=caso.persona.nome, sesso=caso.persona.sesso,
                                 data_nascita=caso.persona.data_nascita,
                                 codice_fiscale=caso.persona.codice_fiscale)
        cartella_apri(actor=Actor(cast.outsider), persona=persona, area_target="poverta",
                      data=date(2025, 3, 1))
        with pytest.raises(ValidationFailed, match="ha già una cartella aperta"):
            trasferimento_accetta(actor=Actor(cast.outsider), public_id=t.public_id)
    schema_b = media / cast.comune_b.ente.schema_name
    assert not schema_b.exists() or not any(p.is_file() for p in schema_b.rglob("*"))
