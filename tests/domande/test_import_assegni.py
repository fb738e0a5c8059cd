"""Rows of the protocol import for an assegno service: the application is registered (the
file does not carry the assegno's data), and the import says how many need their assegno
data completed, with the way to the assegni list, where they wait until completed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from services.assegni.models import Assegno
from services.domande.models import Domanda
from tests.conftest import client_for
from tests.domande.conftest import new_servizio
from tests.domande.test_import import HEADER, URL, _ultima


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def carica(cast, django_capture_on_commit_callbacks):
    """Upload a CSV as the amministrativo; the import task runs on commit."""
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)

    def upload(testo: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(URL, {"file": SimpleUploadedFile("protocollo.csv", testo.encode("utf-8"),
                                                         content_type="text/csv")})

    return upload


@pytest.fixture
def maternita(in_a):
    return new_servizio("Assegno di maternità dei comuni", tipo="maternita")


def test_imported_assegno_applications_are_counted_and_completed_from_the_assegni_list(
        cast, carica, persona, servizio, maternita):
    cf = persona.codice_fiscale
    testo = "\n".join([
        HEADER,
        f"A-1;03/03/2025;{cf};;;Assegno di maternità dei comuni;;"
        "INPS-ISEE-2025-000123456-00;2025;15/01/2025;12.345,67;ordinario;",
        f"A-2;04/03/2025;{cf};;;assegno di maternita dei comuni;;;;;;;",
        f"A-3;05/03/2025;{cf};;;Contributo affitto;;;;;;;",
    ]) + "\n"
    carica(testo)
    job = _ultima(cast)
    assert (job.stato, job.create, job.scartate) == ("done", 3, 0)
    assert "2 domande di assegno (maternità o nucleo familiare) vanno completate" in job.messaggio
    with tenant_context(cast.comune_a.ente):
        a1, a2 = (Domanda.objects.get(numero_protocollo=n) for n in ("A-1", "A-2"))
        assert (a1.servizio, a1.origine, a1.isee_valore is not None) == (
            maternita, "protocollo", True)
        assert not Assegno.objects.exists()

    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    pagina = client.get(f"{URL}{job.public_id}/").content.decode()
    assert 'id="assegni-da-completare" href="/assegni/#da-completare"' in pagina
    assert "2 domande di assegno senza i dati dell'assegno" in pagina
    elenco = client.get("/assegni/").content.decode()
    assert f'href="/assegni/completa/{a1.public_id}/"' in elenco
    assert f'href="/assegni/completa/{a2.public_id}/"' in elenco
    assert "n. A-3" not in elenco

    response = client.post(f"/assegni/completa/{a1.public_id}/", {
        "dsu_protocollo": "INPS-ISEE-2025-000123456-00", "dsu_anno": "2025",
        "dsu_data": "2025-01-15", "isee_valore": "12.345,67", "isee_tipo": "ordinario",
        "figlio_data_nascita": "2025-02-10"})
    assert response.status_code == 302
    elenco = client.get("/assegni/").content.decode()
    assert f'href="/assegni/completa/{a1.public_id}/"' not in elenco
    assert f'href="/assegni/completa/{a2.public_id}/"' in elenco
    pagina = client.get(f"{URL}{job.public_id}/").content.decode()
    assert "1 domanda di assegno senza i dati dell'assegno" in pagina

    client.post(f"/assegni/completa/{a2.public_id}/", {"figlio_data_nascita": "2025-02-11"})
    assert 'id="da-completare"' not in client.get("/assegni/").content.decode()
    assert 'id="assegni-da-completare"' not in client.get(
        f"{URL}{job.public_id}/").content.decode()


def test_an_import_without_assegni_says_nothing_about_them(cast, carica, persona, servizio):
    carica(f"{HEADER}\nB-1;03/03/2025;{persona.codice_fiscale};;;Contributo affitto;;;;;;;\n")
    job = _ultima(cast)
    assert job.create == 1
    assert "assegno" not in job.messaggio
    pagina = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(
        f"{URL}{job.public_id}/").content.decode()
    assert 'id="assegni-da-completare"' not in pagina
