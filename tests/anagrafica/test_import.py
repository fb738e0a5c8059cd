"""Import from the population register: what the office uploads, what the registry becomes.

The sample files in tests/anagrafica/data/ are the comune of Perugia's register: a first full
export (31 people in 10 households), a later one with a death, an emigration, a household
split, a merge, a move and a birth, and a file full of mistakes among three good rows.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.anagrafica.importer import anagrafe_import_run
from services.anagrafica.models import (
    ImportAnagrafe,
    Indirizzo,
    MembroNucleo,
    Nucleo,
    Persona,
    RigaScartata,
)
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import AvvisoCartella
from services.cartella.services import cartella_apri
from services.core.models import AuditEntry
from tests.conftest import client_for

DATA = Path(__file__).parent / "data"
PRIMO = "anagrafe_perugia.csv"
VARIAZIONI = "anagrafe_perugia_variazioni.csv"
ERRORI = "anagrafe_errori.csv"
NEW_URL = "/anagrafica/importazioni/nuova/"
LIST_URL = "/anagrafica/importazioni/"

R = MembroNucleo.Relazione


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def amministrativo(cast):
    return client_for(cast.by_role["amministrativo"], cast.comune_a.ente)


@pytest.fixture
def carica(cast, amministrativo, django_capture_on_commit_callbacks):
    """Upload a file from the page, as the office does, and run the queued import."""

    def upload(nome: str, contenuto: bytes | None = None, client=None):
        data = contenuto if contenuto is not None else (DATA / nome).read_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or amministrativo).post(
                NEW_URL, {"file": SimpleUploadedFile(nome, data, content_type="text/csv")})
        return response

    return upload


def _ultima(cast) -> ImportAnagrafe:
    with tenant_context(cast.comune_a.ente):
        return ImportAnagrafe.objects.latest("created_at")


def _counters(job: ImportAnagrafe) -> tuple[int, int, int, int, int]:
    return (job.righe_totali, job.creati, job.aggiornati, job.invariati, job.scartati)


def _stato(cast) -> dict[str, int]:
    """Everything an import may touch, counted."""
    with tenant_context(cast.comune_a.ente):
        return {
            "persone": Persona.objects.count(),
            "indirizzi": Indirizzo.objects.count(),
            "nuclei": Nucleo.objects.count(),
            "membri": MembroNucleo.objects.count(),
            "avvisi": AvvisoCartella.objects.count(),
            "audit": AuditEntry.objects.exclude(action__startswith="anagrafe.").count(),
        }


def _persona(codice: str) -> Persona:
    return Persona.objects.get(codice_anagrafe=codice)


def _famiglia(codice: str) -> set[tuple[str, str]]:
    return {(m.persona.codice_anagrafe, m.relazione) for m in
            MembroNucleo.objects.filter(nucleo__codice_anagrafe=codice, al__isnull=True)
            .select_related("persona")}


def test_full_register_creates_people_households_and_addresses(cast, carica):
    before = _stato(cast)
    response = carica(PRIMO)
    job = _ultima(cast)
    assert response.status_code == 302
    assert response["Location"] == f"/anagrafica/importazioni/{job.public_id}/"
    assert job.stato == ImportAnagrafe.Stato.DONE
    assert job.avanzamento == 100
    assert _counters(job) == (31, 31, 0, 0, 0)
    after = _stato(cast)
    assert after["persone"] - before["persone"] == 31
    assert after["indirizzi"] - before["indirizzi"] == 31
    assert after["nuclei"] - before["nuclei"] == 10
    assert after["membri"] - before["membri"] == 31
    with tenant_context(cast.comune_a.ente):
        mario = _persona("100001")
        assert (mario.cognome, mario.nome, mario.codice_fiscale) == ("Rossi", "Mario",
                                                                     "RSSMRA48C12G478X")
        casa = mario.indirizzi.get()
        assert (casa.via, casa.civico, casa.cap, casa.comune, casa.comune_istat, casa.dal) == (
            "Via dei Priori", "12", "06123", "Perugia", "054039", date(1985, 3, 15))
        assert _famiglia("5001") == {("100001", R.INTESTATARIO), ("100002", R.CONIUGE)}
        assert _famiglia("5010") == {
            ("100026", R.INTESTATARIO), ("100027", R.CONIUGE), ("100028", R.FIGLIO),
            ("100029", R.FIGLIO), ("100030", R.ALTRO_PARENTE), ("100031", R.ALTRO)}
        # Register habits: capitals, a CAP without its leading zero, ISO codes without zeros.
        antonio = _persona("100024")
        assert (antonio.cognome, antonio.nome, antonio.luogo_nascita) == ("Caruso", "Antonio",
                                                                          "Perugia")
        assert _persona("100007").indirizzi.get().cap == "06124"
        assert _persona("100014").cittadinanza == "008"
        assert _persona("100031").luogo_nascita_belfiore == "Z129"
        # The uploader signs every change.
        entry = AuditEntry.objects.get(action="persona.creata", object_id=str(mario.public_id))
        assert entry.actor_id == cast.by_role["amministrativo"].pk
    page = client_for(cast.by_role["amministrativo"], cast.comune_a.ente).get(response["Location"])
    content = page.content.decode()
    assert 'data-import-status="done"' in content
    assert "hx-trigger" not in content
    assert "Nessuna riga scartata" in content
    listing = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(LIST_URL)
    assert PRIMO in listing.content.decode()


def test_the_same_file_twice_changes_nothing(cast, carica, amministrativo):
    carica(PRIMO)
    before = _stato(cast)
    response = carica(PRIMO)
    job = _ultima(cast)
    assert job.stato == ImportAnagrafe.Stato.DONE
    assert _counters(job) == (31, 0, 0, 31, 0)
    assert _stato(cast) == before
    with tenant_context(cast.comune_a.ente):
        assert ImportAnagrafe.objects.filter(sha256=job.sha256).count() == 2
    page = amministrativo.get(response["Location"])
    assert "Lo stesso file era già stato caricato" in page.content.decode()


def test_running_a_finished_import_again_does_nothing(cast, carica):
    carica(PRIMO)
    job = _ultima(cast)
    before = _stato(cast)
    with tenant_context(cast.comune_a.ente):
        again = anagrafe_import_run(job.pk)
    assert _counters(again) == _counters(job)
    assert _stato(cast) == before


def test_a_crashed_import_resumes_after_its_last_batch(cast, carica, monkeypatch):
    """A worker died after the first batch was committed: the retry does only the rest."""
    from services.anagrafica.importer import run

    monkeypatch.setattr(run, "LOTTO", 10)
    carica(PRIMO)
    job = _ultima(cast)
    with tenant_context(cast.comune_a.ente):
        # Pretend only the first batch had been committed when the worker died.
        ImportAnagrafe.objects.filter(pk=job.pk).update(
            stato=ImportAnagrafe.Stato.RUNNING, righe_elaborate=10, creati=10,
            invariati=0, avanzamento=32)
        resumed = anagrafe_import_run(job.pk)
    assert resumed.stato == ImportAnagrafe.Stato.DONE
    # The 21 rows after the first batch were already there: unchanged, nothing doubled.
    assert _counters(resumed) == (31, 10, 0, 21, 0)


def test_a_file_altered_after_upload_fails_the_import_and_changes_nothing(cast, carica, tmp_path):
    from services.anagrafica.tasks import anagrafe_import_task

    with mock.patch.object(anagrafe_import_task, "apply_async") as queued:
        carica(PRIMO)
    job = _ultima(cast)
    queued.assert_called_once()
    assert queued.call_args.kwargs["headers"] == {"_schema_name": cast.comune_a.ente.schema_name}
    assert job.stato == ImportAnagrafe.Stato.QUEUED
    (tmp_path / job.file.name).write_bytes(b"codice_individuale;altro\n")
    before = _stato(cast)
    with tenant_context(cast.comune_a.ente):
        result = anagrafe_import_task.apply(args=[job.pk]).get()
        job.refresh_from_db()
    assert result == ImportAnagrafe.Stato.FAILED
    assert job.messaggio == "Il file è stato modificato dopo il caricamento: caricalo di nuovo."
    assert _stato(cast) == before


def test_register_changes_keep_history_and_warn_the_social_worker(cast, carica):
    carica(PRIMO)
    oggi = timezone.localdate()
    social_worker = Actor(cast.by_role["assistente_sociale"])
    with tenant_context(cast.comune_a.ente):
        cartella_mario = cartella_apri(actor=social_worker, persona=_persona("100001"),
                                       area_target="anziani", data=date(2025, 1, 10))
        cartella_anna = cartella_apri(actor=social_worker, persona=_persona("100002"),
                                      area_target="anziani", data=date(2025, 1, 10))
        cartella_stefano = cartella_apri(actor=social_worker, persona=_persona("100019"),
                                         area_target="famiglia_minori", data=date(2025, 3, 1))
        cartella_francesco = cartella_apri(actor=social_worker, persona=_persona("100013"),
                                           area_target="poverta",
                                           data=date(2025, 3, 1))
        before = {"persone": Persona.objects.count(), "membri": MembroNucleo.objects.count()}

    carica(VARIAZIONI)
    job = _ultima(cast)
    assert job.stato == ImportAnagrafe.Stato.DONE
    # Giulia is born; Mario dies, Anna heads the family, Paola moves in with her, Francesco
    # emigrates, Davide and his son Niccolò leave for a household of their own, Chiara and
    # Lucia move house. The other 23 are as they were.
    assert _counters(job) == (32, 1, 8, 23, 0)

    with tenant_context(cast.comune_a.ente):
        assert Persona.objects.count() == before["persone"] + 1  # nobody deleted

        # Death: marked, household membership closed on the day, notices on the case files.
        mario = _persona("100001")
        assert (mario.stato, mario.data_decesso) == (Persona.Stato.DECEDUTA, date(2026, 10, 2))
        assert mario.appartenenze.get().al == date(2026, 10, 2)
        avviso = cartella_mario.avvisi.get()
        assert (avviso.tipo, avviso.fonte) == (AvvisoCartella.Tipo.DECESSO, "anagrafe")
        assert "decesso di Rossi Mario" in avviso.testo
        assert "02/10/2026" in avviso.testo

        # Anna becomes the head: her membership as spouse is closed, not rewritten.
        anna = _persona("100002")
        storia = list(anna.appartenenze.order_by("dal").values_list("relazione", "dal", "al"))
        assert storia == [(R.CONIUGE, date(1985, 3, 15), oggi - timedelta(days=1)),
                          (R.INTESTATARIO, oggi, None)]

        # Merge: Paola leaves household 5003 (which stays, empty) and joins 5001 at her
        # new residence, from the register's decorrenza.
        paola = _persona("100007")
        assert list(paola.appartenenze.order_by("dal").values_list(
            "nucleo__codice_anagrafe", "dal", "al")) == [
            ("5003", date(2001, 5, 20), date(2026, 10, 14)), ("5001", date(2026, 10, 15), None)]
        assert Nucleo.objects.filter(codice_anagrafe="5003").exists()
        assert _famiglia("5003") == set()
        assert _famiglia("5001") == {("100002", R.INTESTATARIO), ("100007", R.ALTRO)}
        assert list(paola.indirizzi.order_by("dal").values_list("via", "al")) == [
            ("Via Cortonese", date(2026, 10, 14)), ("Via dei Priori", None)]
        testi_anna = set(cartella_anna.avvisi.values_list("tipo", "testo"))
        assert (AvvisoCartella.Tipo.NUCLEO,
                "Variazione del nucleo familiare: Rossi Mario è deceduto/a il 02/10/2026.") in testi_anna
        assert any("Greco Paola vi è entrato/a dal 15/10/2026" in t for _tipo, t in testi_anna)

        # Split: Davide heads the new household 5011 with his son; 5008 keeps the others.
        assert _famiglia("5011") == {("100021", R.INTESTATARIO), ("100023", R.FIGLIO)}
        assert _famiglia("5008") == {("100019", R.INTESTATARIO), ("100020", R.CONIUGE),
                                     ("100022", R.FIGLIO)}
        davide = _persona("100021")
        assert davide.appartenenze.count() == 2
        assert davide.appartenenze.get(nucleo__codice_anagrafe="5008").al == date(2026, 10, 31)
        uscite = cartella_stefano.avvisi.filter(tipo=AvvisoCartella.Tipo.NUCLEO)
        assert sorted(a.testo.split(": ")[1] for a in uscite) == [
            "Moretti Davide ne è uscito/a dal 01/11/2026.",
            "Moretti Niccolò ne è uscito/a dal 01/11/2026.",
        ]

        # Emigration: marked, residence and household closed, notice on the case.
        francesco = _persona("100013")
        assert francesco.stato == Persona.Stato.EMIGRATA
        assert francesco.indirizzi.get().al == date(2026, 9, 30)
        assert cartella_francesco.avvisi.get().tipo == AvvisoCartella.Tipo.EMIGRAZIONE

        # A move: the old address closed the day before the new one.
        chiara = _persona("100017")
        assert list(chiara.indirizzi.order_by("dal").values_list("via", "dal", "al")) == [
            ("Via Bonazzi", date(2020, 3, 3), date(2026, 6, 30)),
            ("Via Pellini", date(2026, 7, 1), None)]

        # A birth joins the existing household.
        assert ("100032", R.FIGLIO) in _famiglia("5010")

    # And the same later file again changes nothing: no second notice either.
    notices = _stato(cast)["avvisi"]
    carica(VARIAZIONI)
    again = _ultima(cast)
    assert _counters(again) == (32, 0, 0, 32, 0)
    assert _stato(cast)["avvisi"] == notices


def test_bad_rows_are_rejected_with_their_reason_and_good_rows_imported(cast, carica):
    before = _stato(cast)
    carica(ERRORI)
    job = _ultima(cast)
    assert job.stato == ImportAnagrafe.Stato.DONE
    assert _counters(job) == (14, 3, 0, 0, 11)
    assert _stato(cast)["persone"] == before["persone"] + 3
    with tenant_context(cast.comune_a.ente):
        assert set(Persona.objects.filter(codice_anagrafe__startswith="2000").values_list(
            "codice_anagrafe", flat=True)) == {"200001", "200002", "200003"}
        assert not Persona.objects.filter(codice_anagrafe__in=["200004", "200009"]).exists()
        motivi = dict(RigaScartata.objects.filter(importazione=job)
                      .values_list("numero_riga", "motivo"))
    assert sorted(motivi) == [3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14]
    expected = {
        3: "Data di nascita «31/02/1980» non valida: usa il formato gg/mm/aaaa",
        4: "Il codice fiscale «MRNLSE88D54G478X» non è valido",
        5: "Il codice fiscale RZZMRC70A01G478H non corrisponde a: data di nascita, sesso, cognome, nome",
        7: "Codice di relazione con l'intestatario «XX» sconosciuto",
        8: "Mancano dati obbligatori: cognome.",
        9: "Il codice individuale 200009 compare più volte nel file (righe 9, 10)",
        10: "Il codice individuale 200009 compare più volte nel file (righe 9, 10)",
        11: "La riga ha 4 campi invece di 16",
        12: "Stato «trasferito» sconosciuto",
        13: "La famiglia n. 6099 non è ancora registrata",
        14: "Mancano dati obbligatori: data_evento.",
    }
    for riga, testo in expected.items():
        assert testo in motivi[riga], (riga, motivi[riga])

    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/anagrafica/importazioni/{job.public_id}/"
    page = client.get(url).content.decode()
    assert "11 righe non sono state importate" in page
    assert "Stato «trasferito» sconosciuto" in page
    export = client.get(url + "scartate.csv")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("riga;motivo;codice_individuale;numero_famiglia;")
    assert len(lines) == 12
    assert lines[1].startswith("3;Data di nascita «31/02/1980» non valida")
    with tenant_context(cast.comune_a.ente):
        assert AuditEntry.objects.filter(action="anagrafe.scartate_esportate",
                                         object_id=str(job.public_id)).exists()


def test_rejected_rows_corrected_in_the_export_can_be_uploaded_again(cast, carica, amministrativo):
    carica(ERRORI)
    job = _ultima(cast)
    export = amministrativo.get(f"/anagrafica/importazioni/{job.public_id}/scartate.csv")
    corrected = export.content.decode("utf-8-sig").replace("31/02/1980", "28/02/1980")
    carica("scartate-corrette.csv", corrected.encode())
    again = _ultima(cast)
    assert again.pk != job.pk
    # The extra riga and motivo columns are ignored; the corrected row goes in.
    assert _counters(again) == (11, 1, 0, 0, 10)
    with tenant_context(cast.comune_a.ente):
        assert _persona("200004").data_nascita == date(1980, 2, 28)


def test_progress_page_polls_while_running_and_reloads_when_done(cast, carica):
    carica(PRIMO)
    job = _ultima(cast)
    client = client_for(cast.by_role["amministrativo"], cast.comune_a.ente)
    url = f"/anagrafica/importazioni/{job.public_id}/"
    with tenant_context(cast.comune_a.ente):
        ImportAnagrafe.objects.filter(pk=job.pk).update(stato=ImportAnagrafe.Stato.RUNNING,
                                                        avanzamento=40)
    running = client.get(url, HTTP_HX_REQUEST="true")
    content = running.content.decode()
    assert 'hx-trigger="every 1s"' in content
    assert "40%" in content
    assert "HX-Refresh" not in running
    with tenant_context(cast.comune_a.ente):
        ImportAnagrafe.objects.filter(pk=job.pk).update(stato=ImportAnagrafe.Stato.DONE,
                                                        avanzamento=100)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_person_known_by_codice_fiscale_is_linked_not_duplicated(cast, carica):
    """Registered at the front desk before the first import: found by codice fiscale."""
    with tenant_context(cast.comune_a.ente):
        persona = persona_create(actor=Actor(cast.by_role["operatore_sportello"]),
                                 cognome="Greco", nome="Paola", sesso="F",
                                 data_nascita=date(1944, 1, 30),
                                 codice_fiscale="GRCPLA44A70F839W", telefono="075 123456")
    carica(PRIMO)
    job = _ultima(cast)
    assert _counters(job) == (31, 30, 1, 0, 0)
    with tenant_context(cast.comune_a.ente):
        persona.refresh_from_db()
        assert persona.codice_anagrafe == "100007"
        assert persona.telefono == "075 123456"
        assert persona.indirizzi.get().via == "Via Cortonese"
        assert AuditEntry.objects.filter(action="persona.collegata_anagrafe",
                                         object_id=str(persona.public_id)).exists()


@pytest.mark.parametrize(
    ("nome", "contenuto", "message"),
    [
        ("anagrafe.xlsx", b"PK\x03\x04 binary", "Carica un file .csv"),
        ("anagrafe.csv", b"PK\x03\x04\x00\x00 zip", "non è un CSV di testo"),
        ("anagrafe.csv", b"codice_individuale;cognome\n1;Rossi\n", "mancano le colonne"),
        ("anagrafe.csv", (DATA / PRIMO).read_text(encoding="utf-8").replace(";", ",").encode(),
         "punto e virgola"),
        ("anagrafe.csv", "Perugia;Niccolò".encode("latin-1"), "UTF-8"),
        ("anagrafe.csv", (DATA / PRIMO).read_bytes().splitlines()[0], "solo l'intestazione"),
    ],
)
def test_upload_refuses_what_is_not_a_register_csv_and_writes_nothing(
    cast, carica, nome, contenuto, message, tmp_path
):
    before = _stato(cast)
    with tenant_context(cast.comune_a.ente):
        imports = ImportAnagrafe.objects.count()
    response = carica(nome, contenuto)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    with tenant_context(cast.comune_a.ente):
        assert ImportAnagrafe.objects.count() == imports
    assert _stato(cast) == before
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_upload_refuses_files_over_50_mb(cast, carica, monkeypatch):
    from services.anagrafica.importer import services

    monkeypatch.setattr(services, "DIMENSIONE_MASSIMA", 100)
    response = carica(PRIMO)
    assert response.status_code == 200
    assert "il massimo è 50 MB" in response.content.decode()


def test_file_is_stored_in_the_comunes_folder(cast, carica, tmp_path):
    carica(PRIMO)
    job = _ultima(cast)
    assert job.file.name.startswith(f"{cast.comune_a.ente.schema_name}/anagrafe/")
    assert (tmp_path / job.file.name).read_bytes() == (DATA / PRIMO).read_bytes()
    assert job.nome_file == PRIMO
    assert job.caricato_da_id == cast.by_role["amministrativo"].pk


@pytest.mark.parametrize("role", ["amministrativo", "dirigente"])
def test_roles_with_the_capability_reach_the_pages(cast, role):
    client = client_for(cast.by_role[role], cast.comune_a.ente)
    assert client.get(LIST_URL).status_code == 200
    assert client.get(NEW_URL).status_code == 200


def test_social_worker_gets_403_and_uploads_nothing(cast, carica):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    before = _stato(cast)
    assert carica(PRIMO, client=client).status_code == 403
    # Nothing imported; the only new audit entry is the refused attempt itself.
    assert _stato(cast) == {**before, "audit": before["audit"] + 1}
    with tenant_context(cast.comune_a.ente):
        assert AuditEntry.objects.latest("id").action == "accesso.negato"


def test_operator_of_another_comune_gets_404(cast, carica):
    carica(PRIMO)
    job = _ultima(cast)
    client = client_for(cast.outsider, cast.comune_a.ente)
    for url in (LIST_URL, NEW_URL, f"/anagrafica/importazioni/{job.public_id}/",
                f"/anagrafica/importazioni/{job.public_id}/scartate.csv"):
        assert client.get(url).status_code == 404, url
    assert carica(PRIMO, client=client).status_code == 404


def test_an_import_of_comune_a_is_not_found_in_comune_b(cast, carica):
    carica(PRIMO)
    job = _ultima(cast)
    with tenant_context(cast.comune_b.ente):
        assert not ImportAnagrafe.objects.filter(public_id=job.public_id).exists()
        assert not Persona.objects.filter(codice_anagrafe="100001").exists()


# --- rows a spreadsheet or the csv module would trip on ---------------------------------


def _righe(nome: str) -> list[str]:
    return (DATA / nome).read_text(encoding="utf-8").splitlines()


def test_a_field_over_128_kb_rejects_its_row_and_the_rest_goes_on(cast, carica):
    righe = _righe(ERRORI)
    campi = righe[2].split(";")
    campi[10] = '"' + "Via " + "x" * 140_000 + '"'  # via: a broken quote swallowed the file
    righe[2] = ";".join(campi)
    response = carica("anagrafe.csv", ("\n".join(righe) + "\n").encode())
    assert response.status_code == 302
    job = _ultima(cast)
    assert job.stato == "done", job.messaggio
    assert job.righe_totali == len(righe) - 1
    with tenant_context(cast.comune_a.ente):
        scarto = job.righe_scartate.get(numero_riga=3)
        assert "Il campo n. 11 della riga" in scarto.motivo
        assert "128 kB" in scarto.motivo
        assert Persona.objects.filter(cognome="Santoro", nome="Federica").exists()  # row 2


def test_formulas_in_rejected_rows_come_back_as_text(cast, carica, amministrativo):
    righe = _righe(ERRORI)
    campi = righe[2].split(";")
    campi[3], campi[4], campi[7] = "=cmd|' /C calc'!A0", "@SUM(1)", "-2+3"
    righe[2] = ";".join(campi)
    carica("anagrafe.csv", ("\n".join(righe) + "\n").encode())
    job = _ultima(cast)
    export = amministrativo.get(f"/anagrafica/importazioni/{job.public_id}/scartate.csv")
    testo = export.content.decode("utf-8-sig")
    riga = next(r for r in csv.reader(io.StringIO(testo), delimiter=";") if r and r[0] == "3")
    assert riga[2 + 3] == "'=cmd|' /C calc'!A0"
    assert riga[2 + 4] == "'@SUM(1)"
    assert riga[2 + 7] == "'-2+3"
    assert "=cmd|' /C calc'!A0" not in [c for r in csv.reader(io.StringIO(testo), delimiter=";")
                                        for c in r]
