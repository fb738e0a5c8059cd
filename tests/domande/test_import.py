"""Import from the protocol system, through the upload page and the Celery task (eager in
tests, run on commit as in production): good rows become applications, bad rows are listed
with their reason, a second run changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from services.anagrafica.models import Persona
from services.domande.importer import protocollo_import_run
from services.domande.models import Domanda, ImportProtocollo
from tests.conftest import client_for
from tests.factories import person

URL = "/domande/importazioni/"
HEADER = ("Numero protocollo;Data protocollo;Codice fiscale;Cognome;Nome;Servizio;Oggetto;"
          "dsu_protocollo;dsu_anno;dsu_data;isee_valore;isee_tipo;importo_richiesto")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def carica(cast, django_capture_on_commit_callbacks):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)

    def upload(testo: str, nome: str = "protocollo.csv", c=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (c or client).post(URL, {"file": SimpleUploadedFile(
                nome, testo.encode("utf-8"), content_type="text/csv")})

    return upload


def _ultima(cast) -> ImportProtocollo:
    with tenant_context(cast.comune_a.ente):
        return ImportProtocollo.objects.latest("created_at")


@pytest.fixture
def file_misto(persona, servizio):
    nuovo = person()
    righe = [
        HEADER,
        # 2: known person, full DSU
        f"P-1;03/02/2025;{persona.codice_fiscale};;;Contributo affitto;Affitto;"
        "INPS-ISEE-2025-000123456-00;2025;15/01/2025;8.500,50;ordinario;300,00",
        # 3: unknown person with names: added to the registry
        f"P-2;04/02/2025;{nuovo.codice_fiscale};{nuovo.last_name};{nuovo.first_name};"
        "contributo AFFITTO;;;;;;;",
        # 4: unknown person without names
        "P-3;04/02/2025;RSSMRA48C12G478X;;;Contributo affitto;;;;;;;",
        # 5: malformed date
        f"P-4;31/02/2025;{persona.codice_fiscale};;;Contributo affitto;;;;;;;",
        # 6: bad codice fiscale
        "P-5;05/02/2025;RSSMRA48C12G478Y;Rossi;Mario;Contributo affitto;;;;;;;",
        # 7: duplicate of row 2 in the file
        f"P-1;03/02/2025;{persona.codice_fiscale};;;Contributo affitto;;;;;;;",
        # 8: unknown service
        f"P-6;05/02/2025;{persona.codice_fiscale};;;Bonus inesistente;;;;;;;",
        # 9: DSU without its date
        f"P-7;05/02/2025;{persona.codice_fiscale};;;Contributo affitto;;"
        "INPS-ISEE-2025-000123456-00;2025;;;;",
    ]
    return "\n".join(righe) + "\n", nuovo


def test_import_creates_good_rows_and_lists_bad_ones(cast, carica, file_misto, persona):
    testo, nuovo = file_misto
    with tenant_context(cast.comune_a.ente):
        persone_prima = Persona.objects.count()
    response = carica(testo)
    job = _ultima(cast)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{job.public_id}/"
    assert job.stato == "done"
    assert (job.righe_totali, job.create, job.invariate, job.scartate, job.persone_create) == (
        8, 2, 0, 6, 1)
    with tenant_context(cast.comune_a.ente):
        p1 = Domanda.objects.get(numero_protocollo="P-1")
        assert (p1.persona, p1.origine, p1.stato, p1.importazione_id) == (
            persona, "protocollo", "presentata", job.pk)
        assert (p1.dsu_anno, str(p1.isee_valore), str(p1.importo_richiesto)) == (
            2025, "8500.50", "300.00")
        p2 = Domanda.objects.get(numero_protocollo="P-2")
        assert p2.persona.codice_fiscale == nuovo.codice_fiscale
        assert p2.persona.data_nascita == nuovo.birth_date
        assert Persona.objects.count() == persone_prima + 1
        motivi = dict(job.righe_scartate.values_list("numero_riga", "motivo"))
    assert "Persona non presente in anagrafica" in motivi[4]
    assert "31/02/2025" in motivi[5]
    assert "non è una data valida" in motivi[5]
    assert "RSSMRA48C12G478Y" in motivi[6]
    assert "non è valido" in motivi[6]
    assert "compare già alla riga 2" in motivi[7]
    assert "Bonus inesistente" in motivi[8]
    assert "vanno indicati insieme" in motivi[9]
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(
        f"{URL}{job.public_id}/").content.decode()
    assert "Persona non presente in anagrafica" in page


def test_the_same_file_twice_changes_nothing(cast, carica, file_misto):
    testo, _nuovo = file_misto
    carica(testo)
    with tenant_context(cast.comune_a.ente):
        prima = (Domanda.objects.count(), Persona.objects.count())
    carica(testo)
    job = _ultima(cast)
    assert (job.create, job.invariate, job.scartate, job.persone_create) == (0, 2, 6, 0)
    with tenant_context(cast.comune_a.ente):
        assert (Domanda.objects.count(), Persona.objects.count()) == prima
        # Running a finished job again does nothing either.
        assert protocollo_import_run(job.pk).create == 0


def test_same_protocol_for_another_person_is_rejected(cast, carica, domanda, servizio):
    altro = person()
    testo = (f"{HEADER}\n1001;10/03/2025;{altro.codice_fiscale};{altro.last_name};"
             f"{altro.first_name};Contributo affitto;;;;;;;\n")
    carica(testo)
    job = _ultima(cast)
    assert (job.create, job.scartate) == (0, 1)
    with tenant_context(cast.comune_a.ente):
        assert "già registrato per un'altra persona" in job.righe_scartate.get().motivo
        assert not Persona.objects.filter(codice_fiscale=altro.codice_fiscale).exists()


@pytest.mark.parametrize(("nome", "testo", "message"), [
    ("dati.txt", f"{HEADER}\n", "Carica un file .csv"),
    ("vuoto.csv", f"{HEADER}\n", "solo l&#x27;intestazione"),
    ("altro.csv", "a;b;c\n1;2;3\n", "non ha le colonne"),
])
def test_upload_refuses_what_is_not_a_protocol_csv(cast, carica, nome, testo, message):
    response = carica(testo, nome)
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not ImportProtocollo.objects.exists()


def test_import_pages_by_role(cast, carica, file_misto):
    carica(file_misto[0])
    job = _ultima(cast)
    for role, expected in [("amministrativo", 200), ("dirigente", 200), ("assistente_sociale", 200),
                           ("operatore_sportello", 403), ("psicologo", 403)]:
        client = client_for(cast.by_role[role], cast.comune_a.ente)
        assert client.get(URL).status_code == expected
        assert client.get(f"{URL}{job.public_id}/").status_code == expected
    outsider = client_for(cast.outsider, cast.comune_a.ente)
    assert outsider.get(f"{URL}{job.public_id}/").status_code == 404
    assert carica(file_misto[0], c=outsider).status_code == 404
    # From comune B the job does not exist.
    assert client_for(cast.outsider, cast.comune_b.ente).get(
        f"{URL}{job.public_id}/").status_code == 404


def test_progress_box_polls_until_done(cast, carica, file_misto):
    carica(file_misto[0])
    job = _ultima(cast)
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    response = client.get(f"{URL}{job.public_id}/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert 'data-import-status="done"' in response.content.decode()


def test_the_same_layout_in_xml(cast, carica, persona, servizio):
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<domande>
  <domanda>
    <numero_protocollo>X-1</numero_protocollo><data_protocollo>03/02/2025</data_protocollo>
    <codice_fiscale>{persona.codice_fiscale}</codice_fiscale><servizio>Contributo affitto</servizio>
    <isee_valore>8500,50</isee_valore>
  </domanda>
  <domanda>
    <numero_protocollo>X-2</numero_protocollo><data_protocollo>2025-02-30</data_protocollo>
    <codice_fiscale>{persona.codice_fiscale}</codice_fiscale><servizio>Contributo affitto</servizio>
  </domanda>
</domande>
"""
    assert carica(xml, "protocollo.xml").status_code == 302
    job = _ultima(cast)
    assert (job.righe_totali, job.create, job.scartate) == (2, 1, 1)
    with tenant_context(cast.comune_a.ente):
        assert str(Domanda.objects.get(numero_protocollo="X-1").isee_valore) == "8500.50"
        scarto = job.righe_scartate.get()
    assert scarto.numero_riga == 2
    assert "non è una data valida" in scarto.motivo
    carica(xml, "protocollo.xml")
    assert (_ultima(cast).create, _ultima(cast).invariate) == (0, 1)


@pytest.mark.parametrize(("testo", "message"), [
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><domande><domanda>'
     "<numero_protocollo>&a;</numero_protocollo></domanda></domande>", "DOCTYPE"),
    ("<domande><domanda>", "non è ben formato"),
    ("<elenco><domanda/></elenco>", "radice"),
    ("<domande></domande>", "nessun elemento"),
])
def test_bad_xml_is_refused_at_upload(cast, carica, testo, message):
    response = carica(testo, "protocollo.xml")
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not ImportProtocollo.objects.exists()


@pytest.mark.parametrize(("testo", "atteso"), [
    ("8.500,50", "8500.50"), ("8500,5", "8500.50"), ("2.500", "2500.00"), ("2500.50", "2500.50"),
    ("€ 1 250,00", "1250.00"), ("", None),
])
def test_amounts_are_read_as_the_forms_read_them(testo, atteso):
    from services.domande.importer.tracciato import _importo

    valore = _importo(testo, "valore ISEE")
    assert (None if valore is None else f"{valore:.2f}") == atteso


@pytest.mark.parametrize(("testo", "motivo"), [
    ("12,34,5", "non è un importo valido"), ("1,234.56", "non è un importo valido"),
    ("abc", "non è un importo valido"), ("10,505", "più di due decimali"),
])
def test_an_unreadable_amount_rejects_the_row_with_its_reason(testo, motivo):
    from services.domande.importer.tracciato import RigaNonValida, _importo

    with pytest.raises(RigaNonValida, match=motivo):
        _importo(testo, "valore ISEE")


ENTITA = ('<?xml version="1.0" encoding="{enc}"?><!DOCTYPE d [<!ENTITY a "ENTITA-ESPANSA">]>'
          "<domande><domanda><numero_protocollo>&a;</numero_protocollo>"
          "<data_protocollo>03/02/2025</data_protocollo><codice_fiscale>{cf}</codice_fiscale>"
          "<servizio>Contributo affitto</servizio></domanda></domande>")
CODIFICHE = [("UTF-8", "utf-8"), ("UTF-8", "utf-8-sig"), ("UTF-16", "utf-16-le"),
             ("UTF-16", "utf-16-be"), ("UTF-16", "utf-16"), ("UTF-32", "utf-32-le"),
             ("UTF-32", "utf-32-be"), ("UTF-32", "utf-32")]


def _carica_bytes(cast, contenuto: bytes, django_capture_on_commit_callbacks):
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"file": SimpleUploadedFile(
            "protocollo.xml", contenuto, content_type="text/xml")})


@pytest.mark.parametrize(("dichiarata", "codec"), CODIFICHE)
def test_a_doctype_is_refused_in_every_encoding(cast, persona, servizio, dichiarata, codec,
                                                django_capture_on_commit_callbacks):
    """The old guard looked for ``<!DOCTYPE`` in the raw bytes: in UTF-16 without a BOM
    the entity was expanded into a stored domanda."""
    contenuto = ENTITA.format(enc=dichiarata, cf=persona.codice_fiscale).encode(codec)
    response = _carica_bytes(cast, contenuto, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "DOCTYPE" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not ImportProtocollo.objects.exists()
        assert not Domanda.objects.filter(numero_protocollo__contains="ENTITA").exists()


def test_the_job_refuses_a_doctype_even_if_the_file_got_past_the_upload(cast, persona,
                                                                        servizio):
    """The run reads the file with the same parser: a stored file with a DTD fails the job
    and creates nothing."""
    from services.anagrafica.services import Actor
    from services.core.importjob import importjob_create
    from services.domande.tasks import protocollo_import_task

    contenuto = ENTITA.format(enc="UTF-16", cf=persona.codice_fiscale).encode("utf-16-le")
    with tenant_context(cast.comune_a.ente):
        job = importjob_create(model=ImportProtocollo,
                               actor=Actor(user=cast.by_role["amministrativo"]),
                               nome="p.xml", contenuto=contenuto, azione="protocollo",
                               task=protocollo_import_task)
        job = protocollo_import_run(job.pk)
        assert job.stato == ImportProtocollo.Stato.FAILED
        assert "DOCTYPE" in job.messaggio
        assert not Domanda.objects.filter(numero_protocollo__contains="ENTITA").exists()


@pytest.mark.parametrize(("dichiarata", "codec"), CODIFICHE)
def test_a_clean_xml_is_read_in_every_encoding(cast, persona, servizio, dichiarata, codec,
                                               django_capture_on_commit_callbacks):
    xml = (f'<?xml version="1.0" encoding="{dichiarata}"?><domande><domanda>'
           "<numero_protocollo>U-1</numero_protocollo><data_protocollo>03/02/2025"
           f"</data_protocollo><codice_fiscale>{persona.codice_fiscale}</codice_fiscale>"
           "<servizio>Contributo affitto</servizio><oggetto>Caffè</oggetto>"
           "</domanda></domande>")
    response = _carica_bytes(cast, xml.encode(codec), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Domanda.objects.get(numero_protocollo="U-1").oggetto == "Caffè"


def test_a_field_over_128_kb_rejects_its_row_and_the_rest_goes_on(cast, carica, persona,
                                                                   servizio):
    testo = "\n".join([
        HEADER,
        f"L-1;03/02/2025;{persona.codice_fiscale};;;Contributo affitto;"
        + '"' + "x" * 140_000 + '";;;;;;',
        f"L-2;03/02/2025;{persona.codice_fiscale};;;Contributo affitto;Affitto;;;;;;",
    ]) + "\n"
    assert carica(testo).status_code == 302
    job = _ultima(cast)
    assert job.stato == ImportProtocollo.Stato.DONE, job.messaggio
    assert (job.righe_totali, job.create, job.scartate) == (2, 1, 1)
    with tenant_context(cast.comune_a.ente):
        assert "oltre il massimo di 128 kB" in job.righe_scartate.get(numero_riga=2).motivo
        assert Domanda.objects.filter(numero_protocollo="L-2").exists()
