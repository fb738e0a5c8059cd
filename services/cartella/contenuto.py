"""What is inside a document, beyond its first bytes: a PDF must parse as a PDF and carry
no active content, an image must decode as the image it says it is, an office file must
hold no macros or embedded programs. A file that begins with ``%PDF-`` and is a program
stops here.

Active content is refused, not stripped: the stored file is the one the operator chose
(its SHA-256 is recorded), so we do not rewrite it; a clean copy is one "Stampa in PDF"
away.
"""

from __future__ import annotations

import logging
import zipfile
from typing import IO, Any

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# Keys that make a PDF do something by itself: scripts, actions on open or on events,
# launching programs, attached files, multimedia and XFA forms.
PDF_CHIAVI_ATTIVE = frozenset({"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile",
                               "/EmbeddedFiles", "/RichMedia", "/XFA"})
# Action types (``/S``) that run code, open programs or other files, or send data away.
PDF_AZIONI_ATTIVE = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData",
                               "/GoToE", "/GoToR", "/Rendition", "/Sound", "/Movie"})
# Members of an ODT or DOCX archive that hold macros, ActiveX controls or OLE programs.
OFFICE_ATTIVI = ("basic/", "scripts/", "vbaproject.bin", "activex/", "oleobject", "vbadata.xml")


class ContenutoNonValido(Exception):
    """Why the file is refused (a translated, user-facing message)."""


def _pdf_attivo(oggetto: Any) -> str | None:
    """The first active element found walking the PDF's objects from its trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    visti: set[tuple[int, int]] = set()
    pila = [oggetto]
    while pila:
        corrente = pila.pop()
        if isinstance(corrente, IndirectObject):
            chiave = (corrente.idnum, corrente.generation)
            if chiave in visti:
                continue
            visti.add(chiave)
            corrente = corrente.get_object()
        if isinstance(corrente, DictionaryObject):
            for nome in corrente:
                if nome in PDF_CHIAVI_ATTIVE:
                    return str(nome)
            azione = corrente.get("/S")
            if azione in PDF_AZIONI_ATTIVE:
                return str(azione)
            apertura = corrente.get("/OpenAction")
            if apertura is not None:
                apertura = apertura.get_object()
                # A destination ([page /Fit]) or a GoTo only opens the page it names.
                if isinstance(apertura, DictionaryObject) and apertura.get("/S") != "/GoTo":
                    return "/OpenAction"
            pila.extend(corrente.values())
        elif isinstance(corrente, ArrayObject):
            pila.extend(corrente)
    return None


def controlla_pdf(fileobj: IO[bytes], nome: str) -> None:
    from pypdf import PdfReader

    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            raise ContenutoNonValido(
                _("«%(name)s» è un PDF protetto da password: togli la protezione e riprova.")
                % {"name": nome})
        pagine = len(reader.pages)
        attivo = _pdf_attivo(reader.trailer)
    except ContenutoNonValido:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to parse an untrusted file means "not a PDF"
        log.info("PDF refused (%s): %s", type(exc).__name__, exc)
        raise ContenutoNonValido(
            _("Il contenuto di «%(name)s» non è un file PDF valido: forse è danneggiato o è un "
              "file di altro tipo rinominato.") % {"name": nome}) from exc
    finally:
        fileobj.seek(0)
    if pagine < 1:
        raise ContenutoNonValido(_("Il PDF «%(name)s» non ha pagine.") % {"name": nome})
    if attivo is not None:
        log.info("PDF refused: active content %s", attivo)
        raise ContenutoNonValido(
            _("Il PDF «%(name)s» contiene contenuti attivi (script, azioni automatiche, "
              "programmi o file allegati) e non può essere caricato: stampalo di nuovo in PDF "
              "(«Stampa» → «Salva come PDF») o scansionalo, e riprova.") % {"name": nome})


def controlla_immagine(fileobj: IO[bytes], nome: str, formato: str) -> None:
    from PIL import Image

    fileobj.seek(0)
    try:
        with Image.open(fileobj) as immagine:
            trovato = immagine.format
            immagine.verify()
    except Exception as exc:  # noqa: BLE001 - any failure to decode means "not an image"
        log.info("image refused (%s): %s", type(exc).__name__, exc)
        trovato = None
    finally:
        fileobj.seek(0)
    if trovato != formato:
        raise ContenutoNonValido(
            _("Il contenuto di «%(name)s» non è un'immagine %(label)s leggibile: forse è "
              "danneggiato.") % {"name": nome, "label": formato})


def controlla_office(fileobj: IO[bytes], nome: str) -> None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archivio:
            membri = [m.lower() for m in archivio.namelist()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ContenutoNonValido(
            _("Il contenuto di «%(name)s» è danneggiato.") % {"name": nome}) from exc
    finally:
        fileobj.seek(0)
    if any(segno in membro for membro in membri for segno in OFFICE_ATTIVI):
        raise ContenutoNonValido(
            _("«%(name)s» contiene macro o programmi incorporati e non può essere caricato: "
              "salvalo come documento senza macro (o in PDF) e riprova.") % {"name": nome})
