"""The region's reporting forms (modelli di rendicontazione) and their rows. A region
changes only its own; the national forms ("00") and the example structures are copied,
not edited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from zone.catalogo.models import AreaTarget
from zone.catalogo.services import validate

from ..models import FonteFinanziamento, ModelloRendiconto, RigaModello
from ..selectors import NAZIONALE
from .scritture import _audit, _set

if TYPE_CHECKING:
    from services.anagrafica.services import Actor
    from tenants.models import Regione

CODICE_MODELLO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PREFISSO = re.compile(r"[A-Z0-9.]*")
MODELLO_CAMPI = ("codice", "titolo", "descrizione")
RIGA_CAMPI = ("sezione", "etichetta", "area_target", "tipo_fonte",
              "prefisso_codice_prestazione", "misura")


def _testi(dati: dict[str, Any], campi: tuple[str, ...]) -> dict[str, str]:
    return {k: str(dati[k] or "").strip() for k in campi if k in dati}


def _della_regione(regione: Regione, modello: ModelloRendiconto, *, struttura: bool = True) -> None:
    """Refuse a change to a form the region does not own; with ``struttura``, also to an
    example structure (the region copies it and edits the copy)."""
    if modello.regione_istat == NAZIONALE:
        raise NotAllowed(_("I modelli nazionali non si modificano: copialo e modifica la copia."))
    if modello.regione_istat != regione.istat_code:
        raise NotAllowed(_("Il modello è di un'altra regione."))
    if struttura and modello.esempio:
        raise NotAllowed(_("È una struttura di esempio: copiala e modifica la copia."))


def _check_modello(modello: ModelloRendiconto) -> None:
    if not modello.codice:
        raise ValidationFailed(_("Indica il codice del modello."), field="codice")
    if not CODICE_MODELLO.fullmatch(modello.codice):
        raise ValidationFailed(_("Il codice si scrive con lettere, cifre, punti e trattini, "
                                 "senza spazi."), field="codice")
    if not modello.titolo:
        raise ValidationFailed(_("Indica il titolo del modello."), field="titolo")
    validate(modello, validate_constraints=False, validate_unique=False)
    if ModelloRendiconto.objects.filter(regione_istat=modello.regione_istat,
                                        codice=modello.codice).exclude(pk=modello.pk).exists():
        raise AlreadyExists(_("La regione ha già un modello con questo codice."), field="codice")


def modello_create(*, actor: Actor, regione: Regione, codice: str, titolo: str,
                   descrizione: str = "") -> ModelloRendiconto:
    """A new, empty form of the region: its zones see it at once."""
    dati = _testi({"codice": codice, "titolo": titolo, "descrizione": descrizione}, MODELLO_CAMPI)
    modello = ModelloRendiconto(regione_istat=regione.istat_code, **dati)
    _check_modello(modello)
    with transaction.atomic():
        modello.save()
        _audit(actor, "modello_rendiconto.creato", modello,
               {"regione": regione.istat_code, "codice": modello.codice, "titolo": modello.titolo})
    return modello


def modello_copy(*, actor: Actor, regione: Regione, origine: ModelloRendiconto, codice: str,
                 titolo: str, descrizione: str | None = None) -> ModelloRendiconto:
    """A form of the region with the same rows as ``origine`` (one of the region's, a
    national one or an example structure), to start from."""
    if origine.regione_istat not in (regione.istat_code, NAZIONALE) and not origine.esempio:
        raise NotAllowed(_("Il modello è di un'altra regione."))
    if descrizione is None:
        descrizione = origine.descrizione
    dati = _testi({"codice": codice, "titolo": titolo, "descrizione": descrizione}, MODELLO_CAMPI)
    modello = ModelloRendiconto(regione_istat=regione.istat_code, **dati)
    _check_modello(modello)
    with transaction.atomic():
        modello.save()
        righe = [RigaModello(modello=modello, **{k: getattr(r, k) for k in ("ordine", *RIGA_CAMPI)})
                 for r in origine.righe.order_by("ordine")]
        RigaModello.objects.bulk_create(righe)
        _audit(actor, "modello_rendiconto.copiato", modello,
               {"regione": regione.istat_code, "codice": modello.codice,
                "origine": str(origine.public_id), "origine_codice": origine.codice,
                "righe": len(righe)})
    return modello


def modello_update(*, actor: Actor, regione: Regione, modello: ModelloRendiconto,
                   **dati: Any) -> ModelloRendiconto:
    """Title and description; the code stays what the zones' exports know."""
    _della_regione(regione, modello)
    dati = _testi(dati, ("titolo", "descrizione"))
    prima = {k: getattr(modello, k) for k in dati}
    cambiati = _set(modello, dati, ("titolo", "descrizione"))
    if not cambiati:
        return modello
    _check_modello(modello)
    with transaction.atomic():
        modello.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "modello_rendiconto.modificato", modello,
               {"prima": {k: prima[k] for k in cambiati},
                "dopo": {k: getattr(modello, k) for k in cambiati}})
    return modello


def modello_delete(*, actor: Actor, regione: Regione, modello: ModelloRendiconto) -> None:
    """Remove one of the region's forms with its rows (an example structure too, once the
    region has its own): its zones no longer see it."""
    _della_regione(regione, modello, struttura=False)
    with transaction.atomic():
        _audit(actor, "modello_rendiconto.eliminato", modello,
               {"regione": regione.istat_code, "codice": modello.codice,
                "titolo": modello.titolo, "righe": modello.righe.count()})
        modello.delete()


def _check_riga(riga: RigaModello) -> None:
    if not riga.etichetta:
        raise ValidationFailed(_("Indica la voce del modello."), field="etichetta")
    if riga.misura not in RigaModello.Misura.values:
        raise ValidationFailed(_("Scegli l'importo: programmato, impegnato o liquidato."),
                               field="misura")
    if riga.area_target and riga.area_target not in AreaTarget.values:
        raise ValidationFailed(_("L'area target non è tra quelle ISTAT."), field="area_target")
    if riga.tipo_fonte and riga.tipo_fonte not in FonteFinanziamento.Tipo.values:
        raise ValidationFailed(_("Il tipo di fonte non è tra quelli previsti."), field="tipo_fonte")
    if not PREFISSO.fullmatch(riga.prefisso_codice_prestazione):
        raise ValidationFailed(_("L'inizio del codice prestazione si scrive con lettere, cifre e "
                                 "punti (per esempio «A1.»)."),
                               field="prefisso_codice_prestazione")
    validate(riga, exclude=["ordine"], validate_constraints=False, validate_unique=False)


def _riga_dati(dati: dict[str, Any]) -> dict[str, str]:
    dati = _testi(dati, RIGA_CAMPI)
    if "prefisso_codice_prestazione" in dati:  # INPS codes are upper case
        dati["prefisso_codice_prestazione"] = dati["prefisso_codice_prestazione"].upper()
    return dati


def _riga_payload(riga: RigaModello) -> dict[str, Any]:
    return {"modello": str(riga.modello.public_id), "ordine": riga.ordine,
            **{k: getattr(riga, k) for k in RIGA_CAMPI}}


def riga_create(*, actor: Actor, regione: Regione, modello: ModelloRendiconto,
                **dati: Any) -> RigaModello:
    """A row at the end of the form."""
    _della_regione(regione, modello)
    riga = RigaModello(modello=modello, **_riga_dati(dati))
    _check_riga(riga)
    with transaction.atomic():
        ModelloRendiconto.objects.select_for_update().filter(pk=modello.pk).first()
        riga.ordine = (modello.righe.aggregate(m=Max("ordine"))["m"] or 0) + 1
        riga.save()
        _audit(actor, "modello_rendiconto.riga_aggiunta", riga, _riga_payload(riga))
    return riga


def riga_update(*, actor: Actor, regione: Regione, riga: RigaModello, **dati: Any) -> RigaModello:
    _della_regione(regione, riga.modello)
    prima = {k: getattr(riga, k) for k in RIGA_CAMPI}
    cambiati = _set(riga, _riga_dati(dati), RIGA_CAMPI)
    _check_riga(riga)
    if not cambiati:
        return riga
    with transaction.atomic():
        riga.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "modello_rendiconto.riga_modificata", riga,
               {"modello": str(riga.modello.public_id),
                "prima": {k: prima[k] for k in cambiati},
                "dopo": {k: getattr(riga, k) for k in cambiati}})
    return riga


def riga_move(*, actor: Actor, regione: Regione, riga: RigaModello, verso: str) -> RigaModello:
    """Swap the row with the one above (``verso="su"``) or below (``"giu"``); at the top or
    the bottom nothing changes."""
    _della_regione(regione, riga.modello)
    if verso not in ("su", "giu"):
        raise ValidationFailed(_("Si sposta una riga solo in su o in giù."), field="verso")
    with transaction.atomic():
        righe = list(RigaModello.objects.select_for_update().filter(modello_id=riga.modello_id)
                     .order_by("ordine"))
        n = next(i for i, r in enumerate(righe) if r.pk == riga.pk)
        m = n - 1 if verso == "su" else n + 1
        if not 0 <= m < len(righe):
            return riga
        questa, altra = righe[n], righe[m]
        da, a = questa.ordine, altra.ordine
        # (modello, ordine) is unique and checked row by row: park this row past the end.
        questa.ordine = righe[-1].ordine + 1
        questa.save(update_fields=["ordine"])
        altra.ordine = da
        altra.save(update_fields=["ordine", "updated_at"])
        questa.ordine = a
        questa.save(update_fields=["ordine", "updated_at"])
        _audit(actor, "modello_rendiconto.riga_spostata", questa,
               {"modello": str(riga.modello.public_id), "etichetta": questa.etichetta,
                "da": da, "a": a})
    riga.ordine = a
    return riga


def riga_delete(*, actor: Actor, regione: Regione, riga: RigaModello) -> None:
    _della_regione(regione, riga.modello)
    with transaction.atomic():
        _audit(actor, "modello_rendiconto.riga_eliminata", riga, _riga_payload(riga))
        riga.delete()
