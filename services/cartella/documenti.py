"""Documents of a case: checked before anything is written, stored under a name of our own,
read back only through the case-file helper, every download in the audit trail."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import NotFound, ValidationFailed

from .contenuto import ContenutoNonValido, controlla_immagine, controlla_office, controlla_pdf
from .models import Cartella, Documento
from .services import _label, ensure_writable

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Formato:
    key: str
    extension: str  # the one we store with
    content_type: str
    label: str


PDF = Formato("pdf", "pdf", "application/pdf", "PDF")
JPEG = Formato("jpeg", "jpg", "image/jpeg", "JPEG")
PNG = Formato("png", "png", "image/png", "PNG")
ODT = Formato("odt", "odt", "application/vnd.oasis.opendocument.text", "ODT")
DOCX = Formato("docx", "docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")

BY_EXTENSION = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG, "odt": ODT, "docx": DOCX}
ACCEPT = ",".join(f".{ext}" for ext in BY_EXTENSION)


def _zip_formato(fileobj: IO[bytes]) -> Formato | None:
    """ODT and DOCX are zip archives: tell them apart by what is inside (the central
    directory only, and a few bytes of ODT's ``mimetype``: never the whole archive)."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).strip() == ODT.content_type.encode():
                        return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def sniff(fileobj: IO[bytes]) -> Formato | None:
    """The file's real format, read from its first bytes (and, for zips, its directory)."""
    fileobj.seek(0)
    head = fileobj.read(16)
    found: Formato | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"PK\x03\x04"):
        fileobj.seek(0)
        found = _zip_formato(fileobj)
    fileobj.seek(0)
    return found


def _nome_pulito(name: str) -> str:
    """The user's file name, for display and download only: no path, no control chars."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[-255:] or "documento"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def controlla_file(uploaded: Any) -> Formato:
    """Refuse what we do not keep, with a message that says why: the type by the first
    bytes, then the content (``contenuto``). Reads, never writes."""
    if uploaded is None:
        raise ValidationFailed(_("Scegli il file da caricare."), field="file")
    size = getattr(uploaded, "size", None) or 0
    if size <= 0:
        raise ValidationFailed(_("Il file è vuoto."), field="file")
    if size > MAX_BYTES:
        raise ValidationFailed(
            _("Il file pesa %(mb)s MB: il massimo è %(max)s MB.")
            % {"mb": _mb(size), "max": MAX_BYTES // (1024 * 1024)}, field="file")
    name = _nome_pulito(getattr(uploaded, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    atteso = BY_EXTENSION.get(extension)
    if atteso is None:
        raise ValidationFailed(_("Sono ammessi solo file PDF, JPEG, PNG, ODT e DOCX."),
                               field="file")
    trovato = sniff(uploaded)
    if trovato is None:
        raise ValidationFailed(
            _("Il contenuto di «%(name)s» non è un file %(label)s valido: forse è danneggiato "
              "o è un file di altro tipo rinominato.") % {"name": name, "label": atteso.label},
            field="file")
    if trovato != atteso:
        raise ValidationFailed(
            _("«%(name)s» ha l'estensione di un file %(ext)s ma il contenuto è un %(real)s: "
              "salvalo con l'estensione giusta e riprova.")
            % {"name": name, "ext": atteso.label, "real": trovato.label}, field="file")
    try:
        if trovato == PDF:
            controlla_pdf(uploaded, name)
        elif trovato in (JPEG, PNG):
            controlla_immagine(uploaded, name, trovato.label)
        else:
            controlla_office(uploaded, name)
    except ContenutoNonValido as exc:
        raise ValidationFailed(str(exc), field="file") from exc
    return trovato


def _sha256(uploaded: Any) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def documento_carica(*, actor: Actor, cartella: Cartella, uploaded: Any, tipo: str,
                     data: date | None, numero_protocollo: str = "",
                     descrizione: str = "") -> Documento:
    """Check the file, store it as ``<schema>/cartelle/<cartella>/<uuid>.<ext>``, record it.
    On any refusal nothing is written, on disk or in the database."""
    ensure_writable(cartella)
    if tipo not in Documento.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di documento."), field="tipo")
    if data is None:
        raise ValidationFailed(_("Indica la data del documento."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data del documento non può essere nel futuro."),
                               field="data")
    formato = controlla_file(uploaded)
    sha256 = _sha256(uploaded)
    schema = connection.schema_name  # type: ignore[attr-defined]
    percorso = (f"{schema}/cartelle/{cartella.public_id}/"
                f"{uuid.uuid4()}.{formato.extension}")
    with transaction.atomic():
        stored = default_storage.save(percorso, uploaded)
        try:
            documento = Documento.objects.create(
                cartella=cartella, tipo=tipo, data=data,
                numero_protocollo=(numero_protocollo or "").strip(),
                descrizione=(descrizione or "").strip(), percorso=stored,
                nome_originale=_nome_pulito(uploaded.name), dimensione=uploaded.size,
                content_type=formato.content_type, sha256=sha256,
                caricato_da_id=actor.user.pk, caricato_da_label=_label(actor.user))
            audit_log(action="documento.caricato", actor=actor.user, obj=cartella,
                      payload={"documento": str(documento.public_id), "tipo": tipo,
                               "sha256": sha256}, ip_address=actor.ip_address)
        except BaseException:
            default_storage.delete(stored)
            raise
    return documento


def documento_della_cartella(cartella: Cartella, public_id: Any) -> Documento:
    """A document of a case already obtained through ``get_cartella_for_user``."""
    from django.core.exceptions import ValidationError

    from services.core.letture import AccessoNegato

    try:
        documento = Documento.objects.filter(cartella=cartella, public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        documento = None
    if documento is None:
        raise AccessoNegato("cartella.documento", public_id)
    return documento


def documento_apri(*, actor: Actor, documento: Documento) -> IO[bytes]:
    """The stored file, open for reading; the download is written to the audit trail."""
    if not default_storage.exists(documento.percorso):
        raise NotFound(_("Il file di questo documento non è più disponibile: avvisa "
                         "l'assistenza."))
    handle = default_storage.open(documento.percorso, "rb")
    audit_log(action="documento.scaricato", actor=actor.user, obj=documento.cartella,
              payload={"documento": str(documento.public_id), "nome": documento.nome_originale},
              ip_address=actor.ip_address)
    return handle
