"""The CSV layout of the register export (documented in services/anagrafica/docs/anagrafe-import.md), and the
reading of one file into rows ready to apply or rejected with their reason.

Only what can be judged from the file alone is checked here (format, mandatory fields,
codes, duplicates within the file). Rules about people (codice fiscale against name and
birth, dates against the history) belong to the registry's service functions, which the
import calls row by row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.anagrafica.models import MembroNucleo
from services.core import importjob
from services.core.csvimport import campo_troppo_lungo, righe_csv
from services.core.errors import ValidationFailed
from services.core.text import fold

SEPARATORE = ";"
ESTENSIONE = ".csv"
DIMENSIONE_MASSIMA = 50 * 1024 * 1024

# The columns, in the order of the sample file; in a file they may come in any order and
# extra columns are ignored. Header names are read without case, accents or spaces.
COLONNE = (
    "codice_individuale", "numero_famiglia", "relazione", "cognome", "nome", "sesso",
    "data_nascita", "luogo_nascita", "codice_fiscale", "cittadinanza", "via", "civico", "cap",
    "data_decorrenza", "stato", "data_evento",
)

R = MembroNucleo.Relazione
# Relation to the head of the household: register code -> (relation in Ambito, meaning).
RELAZIONI: dict[str, tuple[str, object]] = {
    "IS": (R.INTESTATARIO, gettext_lazy("intestatario della scheda di famiglia")),
    "CG": (R.CONIUGE, gettext_lazy("coniuge")),
    "UC": (R.CONIUGE, gettext_lazy("unito/a civilmente")),
    "CV": (R.CONVIVENTE, gettext_lazy("convivente di fatto")),
    "FG": (R.FIGLIO, gettext_lazy("figlio/a")),
    "FC": (R.FIGLIO, gettext_lazy("figlio/a del coniuge o del convivente")),
    "GE": (R.GENITORE, gettext_lazy("padre / madre")),
    "FR": (R.FRATELLO, gettext_lazy("fratello / sorella")),
    "NI": (R.NIPOTE, gettext_lazy("nipote")),
    "NO": (R.ALTRO_PARENTE, gettext_lazy("nonno/a")),
    "ZI": (R.ALTRO_PARENTE, gettext_lazy("zio/a")),
    "CU": (R.ALTRO_PARENTE, gettext_lazy("cugino/a")),
    "SU": (R.ALTRO_PARENTE, gettext_lazy("suocero/a")),
    "GN": (R.ALTRO_PARENTE, gettext_lazy("genero / nuora")),
    "CO": (R.ALTRO_PARENTE, gettext_lazy("cognato/a")),
    "PA": (R.ALTRO_PARENTE, gettext_lazy("altro parente o affine")),
    "AL": (R.ALTRO, gettext_lazy("altra persona convivente, non parente")),
}

RESIDENTE, DECEDUTO, EMIGRATO = "residente", "deceduto", "emigrato"
STATI = {
    "": RESIDENTE, "r": RESIDENTE, "residente": RESIDENTE,
    "d": DECEDUTO, "deceduto": DECEDUTO, "deceduta": DECEDUTO,
    "e": EMIGRATO, "emigrato": EMIGRATO, "emigrata": EMIGRATO,
}
# Citizenship not given: SIUSS' "non disponibile" (an existing person keeps theirs).
CITTADINANZA_NON_DISPONIBILE = "990"

LUNGHEZZE = {"codice_individuale": 30, "numero_famiglia": 30, "cognome": 100, "nome": 100,
             "luogo_nascita": 100, "via": 200, "civico": 20}
DATA = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class RigaAnagrafe:
    """One person as the register has them."""

    numero: int
    grezza: str
    codice_individuale: str
    numero_famiglia: str
    relazione: str  # a MembroNucleo.Relazione value
    codice_relazione: str
    cognome: str
    nome: str
    sesso: str
    data_nascita: date
    luogo_nascita: str
    codice_fiscale: str
    cittadinanza: str  # "" when the file does not say
    via: str
    civico: str
    cap: str
    decorrenza: date | None
    stato: str  # RESIDENTE, DECEDUTO or EMIGRATO
    data_evento: date | None


@dataclass(frozen=True)
class Scarto(importjob.Scarto):
    """A row refused before touching the database."""

    numero_famiglia: str = ""


def _chiave_colonna(nome: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(nome)).strip("_")


def _righe_csv(testo: str) -> Iterable[list[str]]:
    return righe_csv(testo, separatore=SEPARATORE)


def riga_grezza(campi: list[str]) -> str:
    """The row as CSV text again (quoting kept), to show and to export."""
    out = io.StringIO()
    csv.writer(out, delimiter=SEPARATORE, lineterminator="").writerow(campi)
    return out.getvalue()


def decodifica(contenuto: bytes) -> str:
    if b"\x00" in contenuto[:8192]:
        raise ValidationFailed(
            _("Il file non è un CSV di testo: dal programma dell'anagrafe o da Excel esporta "
              "in formato «CSV UTF-8 (delimitato da punto e virgola)»."), field="file")
    try:
        return contenuto.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("Il file non è codificato in UTF-8 (errore al byte %(pos)s): esportalo di nuovo "
              "scegliendo «CSV UTF-8».") % {"pos": exc.start}, field="file") from exc


def intestazione(testo: str) -> list[str]:
    """The header row, normalised; refuses a file without every column of the layout."""
    prima = next(iter(_righe_csv(testo)), None)
    if not prima or not any(c.strip() for c in prima):
        raise ValidationFailed(_("Il file è vuoto."), field="file")
    if len(prima) == 1 and ("," in prima[0] or "\t" in prima[0]):
        raise ValidationFailed(
            _("Le colonne del file non sono separate dal punto e virgola (;): esporta il file "
              "scegliendo il punto e virgola come separatore."), field="file")
    colonne = [_chiave_colonna(c) for c in prima]
    mancanti = [c for c in COLONNE if c not in colonne]
    if mancanti:
        raise ValidationFailed(
            _("Nell'intestazione del file mancano le colonne: %(cols)s. Controlla il tracciato "
              "nella guida all'importazione.") % {"cols": ", ".join(mancanti)}, field="file")
    doppie = sorted({c for c in colonne if c in COLONNE and colonne.count(c) > 1})
    if doppie:
        raise ValidationFailed(
            _("Nell'intestazione compaiono più volte le colonne: %(cols)s.")
            % {"cols": ", ".join(doppie)}, field="file")
    return colonne


def _data(valore: str, etichetta: str) -> date | None:
    valore = valore.strip()
    if not valore:
        return None
    m = DATA.match(valore)
    try:
        if m is None:
            raise ValueError(valore)
        giorno = date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ValidationFailed(
            _("%(label)s «%(v)s» non valida: usa il formato gg/mm/aaaa (es. 31/01/1950).")
            % {"label": etichetta, "v": valore}) from None
    if giorno > timezone.localdate():
        raise ValidationFailed(_("%(label)s %(v)s è nel futuro.") % {"label": etichetta, "v": valore})
    return giorno


def _nome_proprio(valore: str) -> str:
    """Registers often export in capitals: ROSSI -> Rossi, DELL'ACQUA -> Dell'Acqua."""
    valore = re.sub(r"\s+", " ", valore.strip())
    return valore.title() if valore.isupper() else valore


def _analizza(numero: int, campi: dict[str, str], grezza: str) -> RigaAnagrafe:
    mancanti = [c for c in ("codice_individuale", "numero_famiglia", "relazione", "cognome",
                            "nome", "sesso", "data_nascita") if not campi[c]]
    stato = STATI.get(campi["stato"].lower())
    if stato is None:
        raise ValidationFailed(
            _("Stato «%(v)s» sconosciuto: usa residente, deceduto o emigrato.")
            % {"v": campi["stato"]})
    if stato == RESIDENTE and not campi["via"]:
        mancanti.append("via")
    if stato != RESIDENTE and not campi["data_evento"]:
        mancanti.append("data_evento")
    if mancanti:
        raise ValidationFailed(_("Mancano dati obbligatori: %(cols)s.") % {"cols": ", ".join(mancanti)})
    for colonna, massimo in LUNGHEZZE.items():
        if len(campi[colonna]) > massimo:
            raise ValidationFailed(_("Il campo %(col)s supera i %(n)s caratteri.")
                                   % {"col": colonna, "n": massimo})
    codice = campi["relazione"].upper()
    if codice not in RELAZIONI:
        raise ValidationFailed(
            _("Codice di relazione con l'intestatario «%(v)s» sconosciuto (codici ammessi: %(ok)s).")
            % {"v": campi["relazione"], "ok": ", ".join(RELAZIONI)})
    sesso = campi["sesso"].upper()
    if sesso not in ("M", "F"):
        raise ValidationFailed(_("Sesso «%(v)s» non valido: usa M o F.") % {"v": campi["sesso"]})
    cittadinanza = campi["cittadinanza"]
    if cittadinanza:
        # Excel drops leading zeros: 8 is Albania's 008.
        if not (cittadinanza.isdigit() and len(cittadinanza) <= 3):
            raise ValidationFailed(
                _("Cittadinanza «%(v)s» non valida: usa il codice numerico ISO 3166 di 3 cifre "
                  "(380 = Italia).") % {"v": cittadinanza})
        cittadinanza = cittadinanza.zfill(3)
    cap = campi["cap"]
    if cap:
        if not (cap.isdigit() and 3 <= len(cap) <= 5):
            raise ValidationFailed(_("CAP «%(v)s» non valido: è di 5 cifre.") % {"v": cap})
        cap = cap.zfill(5)
    nascita = _data(campi["data_nascita"], _("Data di nascita"))
    assert nascita is not None  # mandatory, checked above
    return RigaAnagrafe(
        numero=numero, grezza=grezza,
        codice_individuale=campi["codice_individuale"],
        numero_famiglia=campi["numero_famiglia"],
        relazione=RELAZIONI[codice][0], codice_relazione=codice,
        cognome=_nome_proprio(campi["cognome"]), nome=_nome_proprio(campi["nome"]),
        sesso=sesso, data_nascita=nascita,
        luogo_nascita=_nome_proprio(campi["luogo_nascita"]),
        codice_fiscale=campi["codice_fiscale"].upper().replace(" ", ""),
        cittadinanza=cittadinanza,
        via=re.sub(r"\s+", " ", campi["via"]), civico=campi["civico"].replace(" ", ""),
        cap=cap,
        decorrenza=_data(campi["data_decorrenza"], _("Data di decorrenza della residenza")),
        stato=stato,
        data_evento=_data(campi["data_evento"], _("Data dell'evento")),
    )


def leggi(contenuto: bytes) -> list[RigaAnagrafe | Scarto]:
    """Every row of the file, in the order the import applies them: household by household,
    the head of the household first (a new household is created around them), then the file
    order. The order is the same every time, so a crashed import resumes where it stopped."""
    testo = decodifica(contenuto)
    colonne = intestazione(testo)
    righe: list[RigaAnagrafe | Scarto] = []
    for numero, campi in enumerate(_righe_csv(testo), start=1):
        if numero == 1 or not any(c.strip() for c in campi):
            continue
        grezza = riga_grezza(campi)
        troppo_lungo = campo_troppo_lungo(campi)
        if troppo_lungo:
            righe.append(Scarto(numero, grezza, troppo_lungo))
            continue
        if len(campi) < len(colonne) or any(c.strip() for c in campi[len(colonne):]):
            righe.append(Scarto(numero, grezza, _(
                "La riga ha %(n)s campi invece di %(m)s: controlla i punti e virgola.")
                % {"n": len(campi), "m": len(colonne)}))
            continue
        valori = {c: v.strip() for c, v in zip(colonne, campi, strict=False) if c in COLONNE}
        try:
            righe.append(_analizza(numero, valori, grezza))
        except ValidationFailed as exc:
            righe.append(Scarto(numero, grezza, str(exc), valori["numero_famiglia"]))
    righe = _scarta_doppioni(righe)
    return sorted(righe, key=_ordine)


def _scarta_doppioni(righe: list[RigaAnagrafe | Scarto]) -> list[RigaAnagrafe | Scarto]:
    """A register id or a codice fiscale on two rows: we cannot know which one is right, so
    neither is applied."""
    per_codice: dict[str, list[int]] = defaultdict(list)
    per_cf: dict[str, list[int]] = defaultdict(list)
    for r in righe:
        if isinstance(r, RigaAnagrafe):
            per_codice[r.codice_individuale].append(r.numero)
            if r.codice_fiscale:
                per_cf[r.codice_fiscale].append(r.numero)
    risultato: list[RigaAnagrafe | Scarto] = []
    for r in righe:
        if isinstance(r, RigaAnagrafe):
            stesse = per_codice[r.codice_individuale]
            if len(stesse) > 1:
                r = Scarto(r.numero, r.grezza, _(
                    "Il codice individuale %(c)s compare più volte nel file (righe %(rows)s): "
                    "nessuna di queste righe è stata importata.")
                    % {"c": r.codice_individuale, "rows": ", ".join(map(str, stesse))},
                    r.numero_famiglia)
            elif r.codice_fiscale and len(per_cf[r.codice_fiscale]) > 1:
                r = Scarto(r.numero, r.grezza, _(
                    "Il codice fiscale %(cf)s compare più volte nel file (righe %(rows)s): "
                    "nessuna di queste righe è stata importata.")
                    % {"cf": r.codice_fiscale, "rows": ", ".join(map(str, per_cf[r.codice_fiscale]))},
                    r.numero_famiglia)
        risultato.append(r)
    return risultato


def _ordine(r: RigaAnagrafe | Scarto) -> tuple[str, int, int]:
    if isinstance(r, RigaAnagrafe):
        return (r.numero_famiglia, 0 if r.relazione == R.INTESTATARIO else 1, r.numero)
    return (r.numero_famiglia, 1, r.numero)
