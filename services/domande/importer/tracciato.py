"""The CSV layout of the protocol export (documented in
services/domande/docs/protocollo-import.md) and the reading of one file into rows ready to
apply, or rejected with their reason.

Only what can be judged from the file alone is checked here (format, mandatory fields,
dates, codice fiscale, duplicates within the file). Rules about applications (DSU
consistency, protocol already registered) belong to the service functions the import calls.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only its ParseError; parsing is defusedxml's
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from services.core.codice_fiscale import normalize_codice_fiscale
from services.core.csvimport import campo_troppo_lungo, righe_csv
from services.core.errors import ValidationFailed
from services.core.forms import NumeroNonLeggibile, parse_numero
from services.core.importjob import Scarto
from services.core.text import fold

SEPARATORE = ";"
ESTENSIONI = (".csv", ".xml")
DIMENSIONE_MASSIMA = 20 * 1024 * 1024

COLONNE = (
    "numero_protocollo", "data_protocollo", "codice_fiscale", "cognome", "nome", "servizio",
    "oggetto", "dsu_protocollo", "dsu_anno", "dsu_data", "isee_valore", "isee_tipo",
    "importo_richiesto",
)
OBBLIGATORIE = ("numero_protocollo", "data_protocollo", "codice_fiscale", "servizio")
# Other names the protocol software uses for the same columns.
SINONIMI = {"protocollo": "numero_protocollo", "n_protocollo": "numero_protocollo",
            "data": "data_protocollo", "cf": "codice_fiscale",
            "codice_fiscale_richiedente": "codice_fiscale", "codice_servizio": "servizio",
            "nome_servizio": "servizio"}
DATA = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISEE_TIPI = {"ordinario", "minorenni", "sociosanitario", "residenziale", "universita", "corrente"}


@dataclass(frozen=True)
class RigaProtocollo:
    numero: int
    grezza: str
    numero_protocollo: str
    data_protocollo: date
    codice_fiscale: str
    cognome: str
    nome: str
    servizio: str
    oggetto: str
    dsu_protocollo: str
    dsu_anno: int | None
    dsu_data: date | None
    isee_valore: Decimal | None
    isee_tipo: str
    importo_richiesto: Decimal | None


class RigaNonValida(Exception):
    pass


def _chiave(nome: str) -> str:
    chiave = re.sub(r"[^a-z0-9]+", "_", fold(nome)).strip("_")
    return SINONIMI.get(chiave, chiave)


def decodifica(contenuto: bytes) -> str:
    try:
        return contenuto.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return contenuto.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(_("Il file non è un testo leggibile: salvalo come CSV UTF-8."),
                                   field="file") from exc


def intestazione(testo: str) -> list[str]:
    prima = next(righe_csv(testo, separatore=SEPARATORE), [])
    colonne = [_chiave(c) for c in prima]
    mancanti = [c for c in OBBLIGATORIE if c not in colonne]
    if mancanti:
        raise ValidationFailed(
            _("Il file non ha le colonne %(c)s nella prima riga: non sembra un'esportazione del "
              "protocollo (colonne separate da punto e virgola).") % {"c": ", ".join(mancanti)},
            field="file")
    return colonne


def _data(valore: str, etichetta: str, *, obbligatoria: bool = False) -> date | None:
    valore = valore.strip()
    if not valore:
        if obbligatoria:
            raise RigaNonValida(_("Manca la %(what)s.") % {"what": etichetta})
        return None
    match = DATA.match(valore)
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError as exc:
        raise RigaNonValida(_("La %(what)s «%(v)s» non è una data valida (gg/mm/aaaa).")
                            % {"what": etichetta, "v": valore}) from exc


def _importo(valore: str, etichetta: str) -> Decimal | None:
    """An amount read as the forms read it (``services.core.forms.parse_numero``):
    ``2.500,00``, ``2500,00``, ``2500.00``, ``€ 1.250``."""
    valore = valore.strip()
    if not valore:
        return None
    try:
        importo = parse_numero(valore)
    except NumeroNonLeggibile as exc:
        raise RigaNonValida(_("Il %(what)s «%(v)s» non è un importo valido.")
                            % {"what": etichetta, "v": valore}) from exc
    if importo != importo.quantize(Decimal("0.01")):
        raise RigaNonValida(_("Il %(what)s «%(v)s» ha più di due decimali.")
                            % {"what": etichetta, "v": valore})
    return importo


def _riga(numero: int, grezza: str, campi: dict[str, str]) -> RigaProtocollo:
    protocollo = campi.get("numero_protocollo", "").strip()
    if not protocollo:
        raise RigaNonValida(_("Manca il numero di protocollo."))
    data = _data(campi.get("data_protocollo", ""), _("data di protocollo"), obbligatoria=True)
    assert data is not None
    cf_grezzo = campi.get("codice_fiscale", "").strip()
    if not cf_grezzo:
        raise RigaNonValida(_("Manca il codice fiscale del richiedente."))
    try:
        cf = normalize_codice_fiscale(cf_grezzo)
    except ValidationFailed as exc:
        raise RigaNonValida(str(exc)) from exc
    servizio = campi.get("servizio", "").strip()
    if not servizio:
        raise RigaNonValida(_("Manca il servizio richiesto."))
    anno_testo = campi.get("dsu_anno", "").strip()
    if anno_testo and not (anno_testo.isdigit() and len(anno_testo) == 4):
        raise RigaNonValida(_("L'anno DSU «%(v)s» non è un anno di 4 cifre.") % {"v": anno_testo})
    isee_tipo = fold(campi.get("isee_tipo", "")).replace("-", "").replace(" ", "")
    if isee_tipo and isee_tipo not in ISEE_TIPI:
        raise RigaNonValida(_("Il tipo di ISEE «%(v)s» non è previsto.")
                            % {"v": campi.get("isee_tipo", "")})
    return RigaProtocollo(
        numero=numero, grezza=grezza, numero_protocollo=protocollo[:40], data_protocollo=data,
        codice_fiscale=cf, cognome=campi.get("cognome", "").strip()[:100],
        nome=campi.get("nome", "").strip()[:100], servizio=servizio,
        oggetto=campi.get("oggetto", "").strip()[:300],
        dsu_protocollo=campi.get("dsu_protocollo", "").strip().upper(),
        dsu_anno=int(anno_testo) if anno_testo else None,
        dsu_data=_data(campi.get("dsu_data", ""), _("data di presentazione DSU")),
        isee_valore=_importo(campi.get("isee_valore", ""), _("valore ISEE")),
        isee_tipo=isee_tipo,
        importo_richiesto=_importo(campi.get("importo_richiesto", ""), _("importo richiesto")),
    )


def _grezza(campi: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=SEPARATORE, lineterminator="").writerow(campi)
    return buffer.getvalue()


# XML 1.0, appendix F: the encoding of an entity, from its first four bytes.
_BOM = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_DICHIARAZIONE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _codifica_xml(contenuto: bytes) -> str:
    for bom, codifica in _BOM:
        if contenuto.startswith(bom):
            return codifica
    a, b, c, d = (contenuto[:4] + b"\x01\x01\x01\x01")[:4]
    if a == b == c == 0 and d:
        return "utf-32-be"
    if b == c == d == 0 and a:
        return "utf-32-le"
    if a == 0 and b:
        return "utf-16-be"
    if b == 0 and a:
        return "utf-16-le"
    dichiarata = _DICHIARAZIONE.match(contenuto[:200])
    return dichiarata.group(1).decode("ascii").lower() if dichiarata else "utf-8"


def testo_xml(contenuto: bytes) -> str | None:
    """The file as text if it is XML, in whichever encoding it is written (UTF-8, UTF-16
    or UTF-32, with or without a byte order mark, or the 8-bit one its declaration names);
    None if it is not XML. Decoding here, before the parser, is what makes every later
    check see the document the parser sees."""
    codifica = _codifica_xml(contenuto)
    try:
        testo = contenuto.decode(codifica)
    except (LookupError, UnicodeDecodeError):
        if contenuto.lstrip().startswith(b"<?xml"):
            raise ValidationFailed(
                _("Il file XML non è leggibile nella codifica %(c)s: salvalo in UTF-8.")
                % {"c": codifica.upper()}, field="file") from None
        return None
    testo = testo.lstrip("\ufeff \t\r\n")
    return testo if testo.startswith("<") else None


def is_xml(contenuto: bytes) -> bool:
    return testo_xml(contenuto) is not None


def domande_xml(contenuto: bytes) -> list[dict[str, str]]:
    """The <domanda> elements of an XML file, each as {column: text}. The parser refuses
    any DOCTYPE, entity declaration or external reference, whatever the encoding."""
    testo = testo_xml(contenuto)
    if testo is None:
        raise ValidationFailed(_("Il file XML non è ben formato: non inizia con un elemento."),
                               field="file")
    try:
        radice = SafeET.fromstring(testo, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException as exc:
        raise ValidationFailed(_("Il file XML non può contenere dichiarazioni DOCTYPE o ENTITY."),
                               field="file") from exc
    except ET.ParseError as exc:
        raise ValidationFailed(_("Il file XML non è ben formato: %(e)s.") % {"e": exc},
                               field="file") from exc
    if _chiave(radice.tag) != "domande":
        raise ValidationFailed(_("Il file XML deve avere l'elemento radice <domande>."),
                               field="file")
    return [{_chiave(c.tag): (c.text or "").strip() for c in el}
            for el in radice if _chiave(el.tag) == "domanda"]


def _sorgente(contenuto: bytes) -> list[tuple[int, list[str], dict[str, str]]]:
    """(row number, raw fields, {column: value}) for each record of a CSV or XML file. In
    XML the "row" is the position of the <domanda> element, counting from 1."""
    if is_xml(contenuto):
        return [(n, [d.get(c, "") for c in COLONNE], d)
                for n, d in enumerate(domande_xml(contenuto), start=1)]
    testo = decodifica(contenuto)
    colonne = intestazione(testo)
    lettore = righe_csv(testo, separatore=SEPARATORE)
    next(lettore, None)
    return [(n, campi, dict(zip(colonne, campi, strict=False)))
            for n, campi in enumerate(lettore, start=2) if any(c.strip() for c in campi)]


def leggi(contenuto: bytes) -> list[RigaProtocollo | Scarto]:
    """Every record of the file, in order: parsed, or rejected with the reason."""
    righe: list[RigaProtocollo | Scarto] = []
    viste: dict[tuple[str, date], int] = {}
    for numero, campi, valori in _sorgente(contenuto):
        grezza = _grezza(campi)
        troppo_lungo = campo_troppo_lungo(campi)
        if troppo_lungo:
            righe.append(Scarto(numero, grezza, troppo_lungo))
            continue
        try:
            riga = _riga(numero, grezza, valori)
        except RigaNonValida as exc:
            righe.append(Scarto(numero, grezza, str(exc)))
            continue
        chiave = (riga.numero_protocollo, riga.data_protocollo)
        if chiave in viste:
            righe.append(Scarto(numero, grezza, _(
                "Il protocollo n. %(n)s del %(d)s compare già alla riga %(r)s del file.")
                % {"n": riga.numero_protocollo, "d": riga.data_protocollo.strftime("%d/%m/%Y"),
                   "r": viste[chiave]}))
            continue
        viste[chiave] = numero
        righe.append(riga)
    return righe
