"""Documents: checked by content before anything is written, stored under our own name,
downloaded only through the case-file helper, every download audited."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from services.cartella import documenti
from services.cartella.documenti import documento_carica
from services.cartella.models import Documento
from services.core.errors import ValidationFailed
from services.core.models import AuditEntry
from tests.conftest import client_for
from tests.factories import image_file, pdf_file

from .conftest import files_under

PDF = pdf_file()
PNG = image_file("PNG")
JPEG = image_file("JPEG")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _upload(in_a, caso, name: str, content: bytes, **kwargs) -> Documento:
    values = {"tipo": "relazione_sociale", "data": date(2025, 2, 1), **kwargs}
    return documento_carica(actor=in_a, cartella=caso,
                            uploaded=SimpleUploadedFile(name, content), **values)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "ext"),
    [("Relazione.pdf", PDF, "application/pdf", "pdf"), ("foto.JPEG", JPEG, "image/jpeg", "jpg"),
     ("scan.png", PNG, "image/png", "png"),
     ("lettera.odt", ODT, "application/vnd.oasis.opendocument.text", "odt"),
     ("verbale.docx", DOCX, documenti.DOCX.content_type, "docx")],
)
def test_allowed_files_are_stored_under_our_own_name(cast, in_a, caso, media, name, content,
                                                     content_type, ext):
    documento = _upload(in_a, caso, name, content, numero_protocollo="PG/2025/123")
    assert documento.content_type == content_type
    assert documento.nome_originale == name
    assert documento.dimensione == len(content)
    assert len(documento.sha256) == 64
    stored = files_under(media)
    assert len(stored) == 1
    relative = stored[0].relative_to(media).as_posix()
    assert relative == documento.percorso
    schema, cartelle, cartella_id, filename = relative.split("/")
    assert (schema, cartelle, cartella_id) == (cast.comune_a.ente.schema_name, "cartelle",
                                               str(caso.public_id))
    assert filename.endswith(f".{ext}")
    assert name.rsplit(".", 1)[0] not in filename
    assert stored[0].read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("relazione.pdf", b"MZ\x90\x00 this is a windows program", "non è un file PDF valido"),
        ("relazione.pdf", PNG, "il contenuto è un PNG"),
        ("relazione.pdf", b"<html><script>alert(1)</script></html>", "non è un file PDF"),
        ("lettera.docx", _zip({"hello.txt": b"hi"}), "non è un file DOCX"),
        ("programma.exe", PDF, "Sono ammessi solo"),
        ("senza_estensione", PDF, "Sono ammessi solo"),
        ("vuoto.pdf", b"", "vuoto"),
    ],
)
def test_refused_files_leave_nothing_behind(cast, in_a, caso, media, name, content, message):
    with pytest.raises(ValidationFailed, match=message) as exc:
        _upload(in_a, caso, name, content)
    assert exc.value.field == "file"
    assert not Documento.objects.exists()
    assert files_under(media) == []
    assert not AuditEntry.objects.filter(action="documento.caricato").exists()


def test_a_file_over_20_mb_is_refused(cast, in_a, caso, media):
    big = PDF + b"0" * (20 * 1024 * 1024)
    with pytest.raises(ValidationFailed, match="il massimo è 20 MB"):
        _upload(in_a, caso, "grande.pdf", big)
    assert not Documento.objects.exists()
    assert files_under(media) == []


def test_upload_from_the_page_refuses_a_disguised_file_with_a_message(cast, caso, media):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    url = f"/cartelle/{caso.public_id}/documenti/"
    fake = SimpleUploadedFile("relazione.pdf", b"GIF89a....", content_type="application/pdf")
    response = client.post(url, {"file": fake, "tipo": "relazione_sociale", "data": "2025-02-01"})
    assert response.status_code == 200
    assert "non è un file PDF valido" in response.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not Documento.objects.exists()
    assert files_under(media) == []
    good = SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"file": good, "tipo": "relazione_sociale", "data": "2025-02-01",
                                 "numero_protocollo": "PG/2025/77"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Documento.objects.get().numero_protocollo == "PG/2025/77"


def test_download_goes_through_the_case_and_is_audited(cast, in_a, caso, media):
    documento = _upload(in_a, caso, "Relazione Rossi.pdf", PDF)
    url = f"/cartelle/{caso.public_id}/documenti/{documento.public_id}/"
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    response = client.get(url, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "Relazione Rossi.pdf" in response["Content-Disposition"]
    with tenant_context(cast.comune_a.ente):
        entry = AuditEntry.objects.get(action="documento.scaricato")
        assert entry.actor_id == cast.by_role["dirigente"].pk
        assert entry.ip_address == "192.0.2.44"
        assert entry.object_id == str(caso.public_id)
        assert entry.payload["documento"] == str(documento.public_id)
    # Not enabled, front office, other comune: no file, no trace of one.
    for user, status in ((cast.by_role["educatore"], 404),
                         (cast.by_role["operatore_sportello"], 403), (cast.outsider, 404)):
        assert client_for(user, cast.comune_a.ente).get(url).status_code == status
    # A document of another case through this case's URL: 404.
    assert client.get(f"/cartelle/{caso.public_id}/documenti/{caso.public_id}/").status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert AuditEntry.objects.filter(action="documento.scaricato").count() == 1
    # Media files are never served by URL.
    assert client.get("/media/" + documento.percorso).status_code == 404


def _azione(tipo: str, **voci):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    azione = DictionaryObject({NameObject("/S"): NameObject(tipo)})
    for chiave, valore in voci.items():
        azione[NameObject(chiave)] = TextStringObject(valore)
    return azione


def _pdf_attivi():
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    js = _azione("/JavaScript", **{"/JS": "app.alert('x')"})
    return {
        "openaction-js": pdf_file(**{"/OpenAction": js}),
        "names-javascript": pdf_file(**{"/Names": DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject()})})}),
        "aa": pdf_file(**{"/AA": DictionaryObject({NameObject("/WC"): js})}),
        "launch": pdf_file(**{"/OpenAction": _azione("/Launch", **{"/F": "cmd.exe"})}),
        "embedded": pdf_file(**{"/Names": DictionaryObject({
            NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): ArrayObject()})})}),
        "uri-on-open": pdf_file(**{"/OpenAction": _azione("/URI", **{"/URI": "https://x.example"})}),
        "two-pages": pdf_file(pages=2, **{"/PageMode": NameObject("/UseNone")}),
        "_goto": pdf_file(**{"/OpenAction": ArrayObject([NumberObject(0), NameObject("/Fit")])}),
    }


@pytest.mark.parametrize("caso_pdf", ["openaction-js", "names-javascript", "aa", "launch",
                                      "embedded", "uri-on-open"])
def test_a_pdf_with_active_content_is_refused(cast, in_a, caso, media, caso_pdf):
    with pytest.raises(ValidationFailed, match="contiene contenuti attivi") as exc:
        _upload(in_a, caso, "relazione.pdf", _pdf_attivi()[caso_pdf])
    assert exc.value.field == "file"
    assert not Documento.objects.exists()
    assert files_under(media) == []


def test_a_plain_pdf_with_a_destination_on_open_is_kept(cast, in_a, caso, media):
    for nome in ("two-pages", "_goto"):
        _upload(in_a, caso, f"{nome}.pdf", _pdf_attivi()[nome])
    assert Documento.objects.count() == 2


@pytest.mark.parametrize(("name", "content", "message"), [
    # An executable behind the PDF magic bytes.
    ("relazione.pdf", b"%PDF-1.7\nMZ\x90\x00\x03\x00\x00\x00PE\x00\x00" + b"\x00" * 200,
     "non è un file PDF valido"),
    ("relazione.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
     "non è un file PDF valido"),
    ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "non è un'immagine PNG leggibile"),
    ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"MZ" * 40, "non è un'immagine JPEG"),
    ("lettera.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                          "content.xml": b"<x/>", "Basic/Standard/Module1.xml": b"<m/>"}),
     "contiene macro"),
    ("verbale.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>",
                           "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "contiene macro"),
])
def test_content_is_checked_beyond_the_magic_bytes(cast, in_a, caso, media, name, content,
                                                   message):
    with pytest.raises(ValidationFailed, match=message):
        _upload(in_a, caso, name, content)
    assert not Documento.objects.exists()
    assert files_under(media) == []
