"""The piano di zona: the plan and its period, its funding sources, its budget lines with
what each source puts on them, and the comuni's shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from zone.catalogo.services import validate

from ..models import ZERO, FonteFinanziamento, Piano, QuotaComune, Stanziamento, VocePiano
from .scritture import _audit, _importo, _set, euro

if TYPE_CHECKING:
    from services.anagrafica.services import Actor
    from tenants.models import Comune, Zona

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
