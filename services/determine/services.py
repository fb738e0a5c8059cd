"""Writes of determine and atti di liquidazione.

``liquidazione_create`` is the one way money is paid: under a lock on the determina row it
locks the items (each registered ``Liquidabile`` kind's ``blocca``), refuses anything
already paid or beyond what remains, writes the rows, raises the determina's liquidated
amount with F() and marks the items paid, all in one transaction. The database backs it:
an object liquidated twice or a determina over its commitment is an IntegrityError, which
becomes a clean ``ValidationFailed`` with nothing written."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.core.numbering import next_number
from services.interventi.models import Servizio

from . import liquidabili
from .models import ZERO, Determina, Liquidazione, RigaLiquidazione

CENT = Decimal("0.01")


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def _label(user: Any) -> str:
    full = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return full or getattr(user, "email", "") or str(user)


def euro(value: Decimal) -> str:
    """1234.5 -> '1.234,50 €' for messages."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


# --- determine ----------------------------------------------------------------------------


def _data_atto_valida(data: date | None, *, field: str) -> None:
    """An act is dated on the day it is adopted: never later than today."""
    if data is None:
        raise ValidationFailed(_("Indica la data dell'atto."), field=field)
    if data > timezone.localdate():
        raise ValidationFailed(
            _("La data dell'atto (%(d)s) è nel futuro: un atto non si data dopo oggi.")
            % {"d": data.strftime("%d/%m/%Y")}, field=field)


def _amministrativo(actor: Actor) -> None:
    from tenants.roles import Capability, permission_name

    if not actor.user.has_perm(permission_name(Capability.MANAGE_DETERMINE)):
        raise NotAllowed(_("Solo l'ufficio amministrativo rettifica o annulla una determina."))


def _voce_della_zona(public_id: uuid.UUID) -> bool:
    """The line exists in a plan of the zone the current ente works in (public schema): the
    comune's zone, or the zone itself when its ufficio di piano manages services."""
    from django.db import connection

    from tenants.selectors import zona_id_of
    from zone.piano.models import VocePiano

    zona_id = zona_id_of(getattr(connection, "tenant", None))
    return zona_id is not None and VocePiano.objects.filter(
        public_id=public_id, piano__zona_id=zona_id).exists()



def _dati_atto_validi(oggetto: str, capitolo: str,
                      importo_impegnato: Decimal | None) -> tuple[str, str]:
    """The subject, chapter and amount a determina needs, whether registered or rectified;
    returns the subject and chapter trimmed."""
    oggetto, capitolo = (oggetto or "").strip(), (capitolo or "").strip()
    if not oggetto:
        raise ValidationFailed(_("Indica l'oggetto della determina."), field="oggetto")
    if not capitolo:
        raise ValidationFailed(_("Indica il capitolo di bilancio."), field="capitolo")
    if importo_impegnato is None or importo_impegnato <= 0:
        raise ValidationFailed(_("L'importo impegnato deve essere maggiore di zero."),
                               field="importo_impegnato")
    if importo_impegnato != importo_impegnato.quantize(CENT):
        raise ValidationFailed(_("Gli importi si indicano in euro con al massimo due decimali."),
                               field="importo_impegnato")
    return oggetto, capitolo

def determina_create(*, actor: Actor, data_adozione: date, oggetto: str, capitolo: str,
                     importo_impegnato: Decimal, esercizio: int | None = None,
                     numero: str = "", articolo: str = "", servizio: Servizio | None = None,
                     voce_piano: uuid.UUID | str | None = None, note: str = "") -> Determina:
    """A determina, numbered by the comune's counter unless its number is typed in."""
    _data_atto_valida(data_adozione, field="data_adozione")
    esercizio = esercizio or data_adozione.year
    oggetto, capitolo = _dati_atto_validi(oggetto, capitolo, importo_impegnato)
    if not 2000 <= esercizio <= 2100:
        raise ValidationFailed(_("Esercizio non valido."), field="esercizio")
    if voce_piano not in (None, ""):
        try:
            voce_piano = uuid.UUID(str(voce_piano))
        except ValueError as exc:
            raise ValidationFailed(_("La voce del piano di zona non è valida."),
                                   field="voce_piano") from exc
        if not _voce_della_zona(voce_piano):
            raise ValidationFailed(_("La voce non appartiene al piano di zona del tuo ambito."),
                                   field="voce_piano")
    else:
        voce_piano = None
    numero = (numero or "").strip()
    try:
        with transaction.atomic():
            if not numero:
                numero = next_number("determina", esercizio)
            elif Determina.objects.filter(esercizio=esercizio, numero=numero).exists():
                raise AlreadyExists(_("Esiste già la determina n. %(n)s del %(e)s.")
                                    % {"n": numero, "e": esercizio}, field="numero")
            determina = Determina(
                numero=numero, data_adozione=data_adozione, esercizio=esercizio, oggetto=oggetto,
                capitolo=capitolo, articolo=(articolo or "").strip(),
                importo_impegnato=importo_impegnato, servizio=servizio, voce_piano=voce_piano,
                note=(note or "").strip(),
            )
            try:
                determina.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                field, messages = next(iter(exc.message_dict.items()))
                raise ValidationFailed(messages[0], field=field) from exc
            determina.save()
            _audit(actor, "determina.registrata", determina,
                   {"numero": numero, "importo_impegnato": str(importo_impegnato)})
    except IntegrityError as exc:
        raise AlreadyExists(_("Esiste già la determina n. %(n)s del %(e)s.")
                            % {"n": numero, "e": esercizio}, field="numero") from exc
    return determina


def determina_verifica_capienza(*, determina_id: int, aggiunta: Any) -> None:
    """Refuse when the approved interventions on a determina, with ``aggiunta`` (an
    intervention about to draw on it), would commit more than the determina does. Locks
    the determina row, so two links at the same moment are checked one after the other."""
    from services.interventi.services import importo_impegnato_su

    determina = Determina.objects.select_for_update().get(pk=determina_id)
    if determina.stato != Determina.Stato.ESECUTIVA:
        raise ValidationFailed(_("La determina %(d)s è %(s)s: non impegna altri interventi.")
                               % {"d": determina.riferimento,
                                  "s": determina.get_stato_display().lower()},
                               field="determina")
    gia = importo_impegnato_su(determina_id)
    if aggiunta.pk is not None and aggiunta.determina_id == determina_id:
        from services.interventi.models import Intervento
        from services.interventi.services import STATI_IMPEGNATI

        stato_db = Intervento.objects.filter(pk=aggiunta.pk).values_list("stato", flat=True).first()
        if stato_db in STATI_IMPEGNATI:
            gia -= Intervento.objects.get(pk=aggiunta.pk).importo_totale
    totale = gia + (aggiunta.importo_totale or ZERO)
    if totale > determina.importo_impegnato:
        raise ValidationFailed(
            _("Con questo intervento gli interventi approvati sulla determina %(d)s "
              "ammonterebbero a %(t)s, oltre l'importo impegnato di %(i)s.")
            % {"d": determina.riferimento, "t": euro(totale),
               "i": euro(determina.importo_impegnato)}, field="determina")


#: what a rectification may correct (the number and the year identify the act: never)
RETTIFICA_CAMPI = ("data_adozione", "oggetto", "capitolo", "articolo", "importo_impegnato",
                   "note")


def _valore(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else (
        str(value) if isinstance(value, Decimal) else value)


def determina_rectify(*, actor: Actor, determina: Determina, motivo: str,
                      data_adozione: date, oggetto: str, capitolo: str,
                      importo_impegnato: Decimal, articolo: str = "",
                      note: str = "") -> Determina:
    """Correct an executive determina (a material error, a changed commitment), with the
    reason. The commitment never goes below what is liquidated or what the approved
    interventions on it already commit; the year and the number stay."""
    from services.interventi.services import importo_impegnato_su

    _amministrativo(actor)
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della rettifica."), field="motivo")
    _data_atto_valida(data_adozione, field="data_adozione")
    oggetto, capitolo = _dati_atto_validi(oggetto, capitolo, importo_impegnato)
    with transaction.atomic():
        det = Determina.objects.select_for_update().get(pk=determina.pk)
        if det.stato != Determina.Stato.ESECUTIVA:
            raise ValidationFailed(_("La determina è %(s)s: non si rettifica.")
                                   % {"s": det.get_stato_display().lower()})
        if data_adozione.year != det.esercizio and str(det.esercizio) in det.numero:
            raise ValidationFailed(_("La data di adozione deve restare nell'esercizio %(e)s.")
                                   % {"e": det.esercizio}, field="data_adozione")
        minimo = max(det.importo_liquidato, importo_impegnato_su(det.pk))
        if importo_impegnato < minimo:
            raise ValidationFailed(
                _("L'impegno non può scendere sotto %(m)s: tanto è già liquidato o impegnato "
                  "dagli interventi approvati sulla determina.") % {"m": euro(minimo)},
                field="importo_impegnato")
        nuovo = {"data_adozione": data_adozione, "oggetto": oggetto, "capitolo": capitolo,
                 "articolo": (articolo or "").strip(), "importo_impegnato": importo_impegnato,
                 "note": (note or "").strip()}
        cambiati = [k for k in RETTIFICA_CAMPI if getattr(det, k) != nuovo[k]]
        if not cambiati:
            raise ValidationFailed(_("Nessun dato è cambiato: non c'è nulla da rettificare."))
        prima = {k: _valore(getattr(det, k)) for k in cambiati}
        for k in cambiati:
            setattr(det, k, nuovo[k])
        det.save(update_fields=[*cambiati, "updated_at"])
        _audit(actor, "determina.rettificata", det,
               {"motivo": motivo, "prima": prima,
                "dopo": {k: _valore(getattr(det, k)) for k in cambiati}})
    determina.refresh_from_db()
    return det


def determina_annul(*, actor: Actor, determina: Determina, motivo: str) -> Determina:
    """Annul a determina, with the reason. What it already liquidated stays liquidated (and
    counted); nothing more is committed or paid on it: it takes no new liquidazione, no new
    intervention or contract, and its uncommitted remainder leaves the reports (committed =
    liquidated, see ``impegno_effettivo``)."""
    _amministrativo(actor)
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo dell'annullamento."), field="motivo")
    with transaction.atomic():
        det = Determina.objects.select_for_update().get(pk=determina.pk)
        if det.stato == Determina.Stato.ANNULLATA:
            raise ValidationFailed(_("La determina è già annullata."))
        prima = det.stato
        det.stato = Determina.Stato.ANNULLATA
        det.save(update_fields=["stato", "updated_at"])
        _audit(actor, "determina.annullata", det,
               {"motivo": motivo, "stato_prima": prima,
                "impegnato": str(det.importo_impegnato), "liquidato": str(det.importo_liquidato),
                "liberato": str(det.importo_impegnato - det.importo_liquidato)})
    determina.refresh_from_db()
    return det


# --- liquidazioni -------------------------------------------------------------------------


def _modalita_delle_voci(voci: list[liquidabili.Voce]) -> dict[tuple[str, int], str]:
    """How each line is paid; refused when a person to be paid has no payment method."""
    from services.anagrafica.models import Persona

    from .modalita import descrizioni_per_persone

    descr = descrizioni_per_persone(v.persona_id for v in voci
                                    if v.a_persona and v.persona_id is not None)
    senza = sorted({v.persona_id for v in voci if v.a_persona and v.persona_id not in descr},
                   key=lambda x: x or 0)
    if senza:
        nomi = ", ".join(p.nome_completo for p in Persona.objects.filter(pk__in=senza)
                         .order_by("cognome", "nome"))
        raise ValidationFailed(
            _("Senza modalità di pagamento non si paga nessuno: manca per %(n)s. Registrala "
              "nella scheda della persona (IBAN, contanti, quietanza o delegato), poi "
              "liquida. Nulla è stato liquidato.") % {"n": nomi or _("un beneficiario")},
            field="oggetti")
    return {(v.oggetto_tipo, v.oggetto_id): (descr.get(v.persona_id or 0, "") if v.a_persona
                                             else v.modalita) for v in voci}


def liquidazione_create(*, actor: Actor, determina: Determina,
                        oggetti: Iterable[tuple[str, int]], data: date | None = None,
                        numero: str = "", note: str = "") -> Liquidazione:
    """Pay ``oggetti`` (pairs of registry key and object id) on ``determina``."""
    data = data or timezone.localdate()
    _data_atto_valida(data, field="data_atto")
    per_tipo: dict[str, set[int]] = defaultdict(set)
    for tipo, oggetto_id in oggetti:
        per_tipo[tipo].add(int(oggetto_id))
    if not per_tipo:
        raise ValidationFailed(_("Scegli almeno un elemento da liquidare."), field="oggetti")
    try:
        kinds = {tipo: liquidabili.get(tipo) for tipo in per_tipo}
    except KeyError as exc:
        raise ValidationFailed(_("Tipo di elemento da liquidare sconosciuto."),
                               field="oggetti") from exc
    try:
        with transaction.atomic():
            det = Determina.objects.select_for_update().get(pk=determina.pk)
            if det.stato != Determina.Stato.ESECUTIVA:
                raise ValidationFailed(_("La determina non è esecutiva: non si liquida."),
                                       field="determina")
            voci: list[liquidabili.Voce] = []
            for tipo, ids in per_tipo.items():
                bloccate = kinds[tipo].blocca(ids=sorted(ids))
                mancanti = len(ids) - len({v.oggetto_id for v in bloccate})
                if mancanti:
                    raise ValidationFailed(
                        _("%(n)s elementi scelti sono già stati liquidati o annullati da altri: "
                          "nulla è stato liquidato. Aggiorna la pagina e riprova.")
                        % {"n": mancanti}, field="oggetti")
                voci.extend(bloccate)
            altrove = [v for v in voci if v.determina_id not in (None, det.pk)]
            if altrove:
                raise ValidationFailed(
                    _("«%(d)s» è finanziato da un'altra determina.") % {"d": altrove[0].descrizione},
                    field="oggetti")
            modalita = _modalita_delle_voci(voci)
            totale = sum((v.importo for v in voci), ZERO)
            if totale > det.disponibile:
                raise ValidationFailed(
                    _("L'importo da liquidare (%(t)s) supera la disponibilità della determina "
                      "(%(d)s): nulla è stato liquidato.")
                    % {"t": euro(totale), "d": euro(det.disponibile)}, field="oggetti")
            numero = (numero or "").strip() or next_number("liquidazione", data.year)
            liquidazione = Liquidazione.objects.create(
                numero=numero, esercizio=data.year, data=data, determina=det,
                importo_totale=totale, emessa_da_id=actor.user.pk,
                emessa_da_label=_label(actor.user), note=(note or "").strip(),
            )
            RigaLiquidazione.objects.bulk_create([
                RigaLiquidazione(liquidazione=liquidazione, oggetto_tipo=v.oggetto_tipo,
                                 oggetto_id=v.oggetto_id, descrizione=v.descrizione[:300],
                                 persona_id=v.persona_id, importo=v.importo,
                                 modalita_pagamento=modalita[v.oggetto_tipo, v.oggetto_id][:300])
                for v in voci
            ])
            Determina.objects.filter(pk=det.pk).update(
                importo_liquidato=F("importo_liquidato") + totale, updated_at=timezone.now())
            for tipo, ids in per_tipo.items():
                kinds[tipo].segna_liquidati(ids=sorted(ids), data=data)
            _audit(actor, "liquidazione.emessa", liquidazione,
                   {"determina": det.riferimento, "importo": str(totale),
                    "righe": len(voci)})
    except IntegrityError as exc:
        raise ValidationFailed(
            _("Liquidazione non registrata: un elemento risulta già liquidato, il numero è già "
              "usato o l'importo supera l'impegno. Nulla è stato liquidato."),
            field="oggetti") from exc
    determina.refresh_from_db(fields=["importo_liquidato", "updated_at"])
    return liquidazione


def liquidazione_annulla(*, actor: Actor, liquidazione: Liquidazione, motivo: str) -> Liquidazione:
    """Cancel an atto: its items are payable again and the amount returns to the determina."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo dell'annullamento."), field="motivo")
    with transaction.atomic():
        det = Determina.objects.select_for_update().get(pk=liquidazione.determina_id)
        locked = Liquidazione.objects.select_for_update().get(pk=liquidazione.pk)
        if locked.stato == Liquidazione.Stato.ANNULLATA:
            raise ValidationFailed(_("L'atto di liquidazione è già annullato."))
        righe = list(locked.righe.filter(annullata=False))
        locked.stato = Liquidazione.Stato.ANNULLATA
        locked.note = f"{locked.note}\n{_('Annullata')}: {motivo}".strip()
        locked.save(update_fields=["stato", "note", "updated_at"])
        locked.righe.update(annullata=True, updated_at=timezone.now())
        Determina.objects.filter(pk=det.pk).update(
            importo_liquidato=F("importo_liquidato") - locked.importo_totale,
            updated_at=timezone.now())
        per_tipo: dict[str, list[int]] = defaultdict(list)
        for r in righe:
            per_tipo[r.oggetto_tipo].append(r.oggetto_id)
        for tipo, ids in per_tipo.items():
            try:
                kind = liquidabili.get(tipo)
            except KeyError:
                continue
            liquidabili.rilascia(kind, ids=ids)
        _audit(actor, "liquidazione.annullata", locked,
               {"motivo": motivo, "importo": str(locked.importo_totale)})
    return locked
