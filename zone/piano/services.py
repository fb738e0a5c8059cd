"""Writes on the piano di zona: plans, sources, lines with their funding, comuni shares;
and the region's reporting forms with their rows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from zone.catalogo.models import AreaTarget
from zone.catalogo.services import validate

from .models import (
    ZERO,
    FonteFinanziamento,
    ModelloRendiconto,
    Piano,
    QuotaComune,
    RigaModello,
    Stanziamento,
    VocePiano,
)
from .selectors import NAZIONALE

if TYPE_CHECKING:
    from services.anagrafica.services import Actor
    from tenants.models import Comune, Regione, Zona


def _audit(actor: Actor, action: str, obj: Any, payload: dict) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload,
              ip_address=actor.ip_address)


def _importo(value: Any, field: str) -> Decimal:
    value = ZERO if value in (None, "") else Decimal(value)
    if value < 0:
        raise ValidationFailed(_("Gli importi non possono essere negativi."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Gli importi hanno al massimo due decimali."), field=field)
    return value.quantize(Decimal("0.01"))


def euro(value: Decimal) -> str:
    """1234.5 -> "1.234,50", for messages."""
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def _set(obj: Any, dati: dict[str, Any], campi: tuple[str, ...]) -> list[str]:
    cambiati = [k for k in campi if k in dati and getattr(obj, k) != dati[k]]
    for k in cambiati:
        setattr(obj, k, dati[k])
    return cambiati


PIANO_CAMPI = ("titolo", "anno_inizio", "anno_fine", "stato", "atto_approvazione", "note")


def _check_periodo(piano: Piano) -> None:
    if piano.anno_fine < piano.anno_inizio:
        raise ValidationFailed(_("L'anno finale precede quello iniziale."), field="anno_fine")
    if piano.anno_fine - piano.anno_inizio > 2:
        raise ValidationFailed(_("Un piano copre al massimo tre anni."), field="anno_fine")


def piano_create(*, actor: Actor, zona: Zona, **dati: Any) -> Piano:
    piano = Piano(zona=zona)
    _set(piano, dati, PIANO_CAMPI)
    _check_periodo(piano)
    if Piano.objects.filter(zona=zona, titolo=piano.titolo).exists():
        raise AlreadyExists(_("L'ambito ha già un piano con questo titolo."), field="titolo")
    validate(piano)
    with transaction.atomic():
        piano.save()
        _audit(actor, "piano.creato", piano, {"titolo": piano.titolo, "periodo": piano.periodo})
    return piano


def piano_update(*, actor: Actor, piano: Piano, **dati: Any) -> Piano:
    prima = {k: str(getattr(piano, k)) for k in PIANO_CAMPI}
    cambiati = _set(piano, dati, PIANO_CAMPI)
    if not cambiati:
        return piano
    _check_periodo(piano)
    validate(piano)
    with transaction.atomic():
        piano.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "piano.modificato", piano,
               {"prima": {k: prima[k] for k in cambiati},
                "dopo": {k: str(getattr(piano, k)) for k in cambiati}})
    return piano


def _modificabile(piano: Piano) -> None:
    if piano.stato == Piano.Stato.CHIUSO:
        raise NotAllowed(_("Il piano è chiuso: non si può più modificare."))


def fonte_create(*, actor: Actor, piano: Piano, tipo: str, nome: str,
                 riferimento: str = "") -> FonteFinanziamento:
    _modificabile(piano)
    nome = (nome or "").strip()
    if not nome and tipo in FonteFinanziamento.Tipo.values:
        nome = str(FonteFinanziamento.Tipo(tipo).label)
    fonte = FonteFinanziamento(piano=piano, tipo=tipo, nome=nome, riferimento=riferimento)
    if piano.fonti.filter(nome=fonte.nome).exists():
        raise AlreadyExists(_("Il piano ha già una fonte con questo nome."), field="nome")
    validate(fonte)
    with transaction.atomic():
        fonte.save()
        _audit(actor, "piano.fonte_aggiunta", fonte, {"piano": str(piano.public_id),
                                                       "tipo": tipo, "nome": fonte.nome})
    return fonte


VOCE_CAMPI = ("codice", "descrizione", "area_target", "codice_prestazione", "servizio")


def _check_voce(voce: VocePiano) -> None:
    if voce.servizio is not None and voce.servizio.zona_id != voce.piano.zona_id:
        raise ValidationFailed(_("Il servizio non è nel listino di questo ambito."), field="servizio")
    validate(voce, validate_constraints=False, validate_unique=False)
    if VocePiano.objects.filter(piano=voce.piano, codice=voce.codice).exclude(pk=voce.pk).exists():
        raise AlreadyExists(_("Il piano ha già una voce con questo numero."), field="codice")


def voce_create(*, actor: Actor, piano: Piano, importi: dict[FonteFinanziamento, Any] | None = None,
                **dati: Any) -> VocePiano:
    """A budget line, with what each source puts on it (``importi``)."""
    _modificabile(piano)
    voce = VocePiano(piano=piano)
    _set(voce, dati, VOCE_CAMPI)
    _check_voce(voce)
    with transaction.atomic():
        voce.save()
        _audit(actor, "piano.voce_aggiunta", voce, {"piano": str(piano.public_id),
                                                     "codice": voce.codice})
        if importi:
            _stanziamenti(actor, voce, importi)
    return voce


def voce_update(*, actor: Actor, voce: VocePiano, importi: dict[FonteFinanziamento, Any] | None = None,
                **dati: Any) -> VocePiano:
    _modificabile(voce.piano)
    prima = {k: str(getattr(voce, k) or "") for k in VOCE_CAMPI}
    cambiati = _set(voce, dati, VOCE_CAMPI)
    _check_voce(voce)
    with transaction.atomic():
        if cambiati:
            voce.save(update_fields=[*cambiati, "updated_at"])
            _audit(actor, "piano.voce_modificata", voce,
                   {"prima": {k: prima[k] for k in cambiati},
                    "dopo": {k: str(getattr(voce, k) or "") for k in cambiati}})
        if importi is not None:
            _stanziamenti(actor, voce, importi)
    return voce


def _stanziamenti(actor: Actor, voce: VocePiano, importi: dict[FonteFinanziamento, Any]) -> None:
    esistenti = {s.fonte_id: s for s in voce.stanziamenti.select_for_update()}
    cambi = {}
    for fonte, valore in importi.items():
        if fonte.piano_id != voce.piano_id:
            raise ValidationFailed(_("La fonte non appartiene a questo piano."))
        importo = _importo(valore, f"fonte_{fonte.pk}")
        s = esistenti.get(fonte.pk)
        if s is None:
            if importo:
                Stanziamento.objects.create(voce=voce, fonte=fonte, importo=importo)
                cambi[fonte.nome] = ["0.00", str(importo)]
            continue
        if s.importo != importo:
            assegnato = sum((q.assegnato for q in voce.quote.filter(fonte=fonte)), ZERO)
            if importo < assegnato:
                raise ValidationFailed(
                    _("%(fonte)s: l'importo (%(i)s €) è inferiore a quanto già assegnato ai comuni "
                      "(%(a)s €).") % {"fonte": fonte.nome, "i": euro(importo), "a": euro(assegnato)},
                    field=f"fonte_{fonte.pk}",
                )
            cambi[fonte.nome] = [str(s.importo), str(importo)]
            s.importo = importo
            s.save(update_fields=["importo", "updated_at"])
    if cambi:
        _audit(actor, "piano.stanziamenti_modificati", voce, {"importi": cambi})


def quota_set(*, actor: Actor, voce: VocePiano, fonte: FonteFinanziamento, comune: Comune,
              contributo: Any, assegnato: Any) -> QuotaComune:
    """What ``comune`` contributes to and receives from ``voce`` on ``fonte``. What the
    comuni receive from one source on one line cannot exceed what the source puts there."""
    _modificabile(voce.piano)
    if fonte.piano_id != voce.piano_id:
        raise ValidationFailed(_("La fonte non appartiene a questo piano."), field="fonte")
    if comune.zona_id != voce.piano.zona_id:
        raise ValidationFailed(_("Il comune non fa parte dell'ambito."), field="comune")
    contributo = _importo(contributo, "contributo")
    assegnato = _importo(assegnato, "assegnato")
    with transaction.atomic():
        stanziato = (Stanziamento.objects.select_for_update().filter(voce=voce, fonte=fonte)
                     .values_list("importo", flat=True).first()) or ZERO
        altri = sum((q.assegnato for q in QuotaComune.objects.filter(voce=voce, fonte=fonte)
                     .exclude(comune=comune)), ZERO)
        if altri + assegnato > stanziato:
            raise ValidationFailed(
                _("Ai comuni sarebbero assegnati %(t)s € su questa voce e fonte, più dei %(s)s € "
                  "stanziati.") % {"t": euro(altri + assegnato), "s": euro(stanziato)},
                field="assegnato",
            )
        quota, created = QuotaComune.objects.get_or_create(
            voce=voce, fonte=fonte, comune=comune,
            defaults={"contributo": contributo, "assegnato": assegnato},
        )
        if not created:
            if (quota.contributo, quota.assegnato) == (contributo, assegnato):
                return quota
            quota.contributo, quota.assegnato = contributo, assegnato
            quota.save(update_fields=["contributo", "assegnato", "updated_at"])
        _audit(actor, "piano.quota_comune", quota,
               {"voce": voce.codice, "fonte": fonte.nome, "comune": comune.name,
                "contributo": str(contributo), "assegnato": str(assegnato)})
    return quota


# The region's reporting forms. A region changes only its own; the national forms ("00")
# and the example structures are copied, not edited.

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
