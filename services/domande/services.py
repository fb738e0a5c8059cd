"""Writes on applications: intake (by hand or from the protocol import), changes, assignment to
a social worker, outcome. Every function validates first, so the database constraints
(protocol unique with its date, DSU all-or-none, ISEE >= 0) are never the ones that speak."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.interventi.models import Servizio

from .models import Domanda
from .selectors import operatori_assegnabili

DSU_PROTOCOLLO = re.compile(r"^INPS-ISEE-(\d{4})-(\d{9})-(\d{2})$")
ESITI = (Domanda.Stato.ACCOLTA, Domanda.Stato.RESPINTA, Domanda.Stato.ARCHIVIATA)
# What may change after intake (persona and service stay: a new application is a new record).
MODIFICABILI = ("numero_protocollo", "data_protocollo", "dsu_protocollo", "dsu_anno", "dsu_data",
                "isee_valore", "isee_tipo", "importo_richiesto", "oggetto", "note", "dati")


@dataclass(frozen=True)
class Dsu:
    """DSU/ISEE data as read from the INPS attestation; protocol, year and date go together."""

    protocollo: str = ""
    anno: int | None = None
    data: date | None = None
    isee_valore: Decimal | None = None
    isee_tipo: str = ""


def _gma(giorno: date) -> str:
    return giorno.strftime("%d/%m/%Y")


def _protocollo(numero: str, data: date | None) -> tuple[str, date]:
    numero = (numero or "").strip()
    if not numero:
        raise ValidationFailed(_("Indica il numero di protocollo."), field="numero_protocollo")
    if len(numero) > 40:
        raise ValidationFailed(_("Il numero di protocollo è troppo lungo (massimo 40 caratteri)."),
                               field="numero_protocollo")
    if data is None:
        raise ValidationFailed(_("Indica la data di protocollo."), field="data_protocollo")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data di protocollo non può essere nel futuro."),
                               field="data_protocollo")
    return numero, data


def _check_protocollo_libero(numero: str, data: date, *, escludi: int | None = None) -> None:
    altra = Domanda.objects.filter(numero_protocollo=numero, data_protocollo=data)
    if escludi is not None:
        altra = altra.exclude(pk=escludi)
    trovata = altra.select_related("persona").first()
    if trovata is not None:
        raise AlreadyExists(
            _("Esiste già una domanda con protocollo n. %(n)s del %(d)s (richiedente %(who)s).")
            % {"n": numero, "d": _gma(data), "who": trovata.persona.nome_completo},
            field="numero_protocollo")


def dsu_valida(dsu: Dsu) -> Dsu:
    """Check the DSU/ISEE data: the protocol in the INPS format, year and date given all
    together or not at all (SIUSS needs the three), the ISEE value not negative."""
    protocollo = (dsu.protocollo or "").strip().upper()
    presenti = [bool(protocollo), dsu.anno is not None, dsu.data is not None]
    if any(presenti) and not all(presenti):
        raise ValidationFailed(
            _("Protocollo, anno e data della DSU vanno indicati insieme (o nessuno dei tre)."),
            field="dsu_protocollo" if not protocollo else ("dsu_anno" if dsu.anno is None
                                                             else "dsu_data"))
    if protocollo:
        match = DSU_PROTOCOLLO.match(protocollo)
        if match is None:
            raise ValidationFailed(
                _("Il protocollo DSU «%(p)s» non è nel formato INPS-ISEE-AAAA-XXXXXXXXX-XX.")
                % {"p": protocollo}, field="dsu_protocollo")
        assert dsu.anno is not None
        assert dsu.data is not None
        if int(match.group(1)) != dsu.anno:
            raise ValidationFailed(
                _("L'anno della DSU (%(a)s) non corrisponde a quello del protocollo (%(p)s).")
                % {"a": dsu.anno, "p": match.group(1)}, field="dsu_anno")
        if dsu.data > timezone.localdate():
            raise ValidationFailed(_("La data di presentazione della DSU non può essere nel futuro."),
                                   field="dsu_data")
        if dsu.data.year != dsu.anno:
            raise ValidationFailed(
                _("La data di presentazione della DSU (%(d)s) non è dell'anno %(a)s.")
                % {"d": _gma(dsu.data), "a": dsu.anno}, field="dsu_data")
    if dsu.isee_valore is not None:
        if not isinstance(dsu.isee_valore, Decimal):
            raise ValidationFailed(_("Il valore ISEE non è un importo valido."), field="isee_valore")
        if dsu.isee_valore < 0:
            raise ValidationFailed(_("Il valore ISEE non può essere negativo."), field="isee_valore")
        if dsu.isee_valore >= Decimal("10000000000"):
            raise ValidationFailed(_("Il valore ISEE è troppo alto."), field="isee_valore")
    isee_tipo = dsu.isee_tipo or ""
    if isee_tipo and isee_tipo not in Domanda.TipoIsee.values:
        raise ValidationFailed(_("Il tipo di ISEE «%(t)s» non è previsto.") % {"t": isee_tipo},
                               field="isee_tipo")
    return Dsu(protocollo=protocollo, anno=dsu.anno, data=dsu.data,
               isee_valore=dsu.isee_valore, isee_tipo=isee_tipo)


def _importo(valore: Decimal | None, servizio: Servizio | None = None,
             conferma: bool = False) -> Decimal | None:
    """Not negative, and above the service's ceiling only with an explicit confirmation."""
    from services.interventi.models import oltre_soglia_messaggio

    if valore is not None and valore < 0:
        raise ValidationFailed(_("L'importo richiesto non può essere negativo."),
                               field="importo_richiesto")
    if (valore is not None and servizio is not None and valore > servizio.soglia_conferma
            and not conferma):
        raise ValidationFailed(oltre_soglia_messaggio(servizio, valore),
                               field="conferma_importo")
    return valore


def _oltre_soglia(valore: Decimal | None, servizio: Servizio) -> dict[str, Any]:
    if valore is None or valore <= servizio.soglia_conferma:
        return {}
    return {"importo_confermato_oltre_soglia": True,
            "soglia_conferma": str(servizio.soglia_conferma)}


def _servizio_attivo(servizio: Servizio) -> Servizio:
    if not servizio.attivo:
        raise ValidationFailed(_("Il servizio «%(s)s» non è attivo.") % {"s": servizio.nome},
                               field="servizio")
    return servizio


def domanda_create(
    *,
    actor: Actor,
    persona: Persona,
    servizio: Servizio,
    numero_protocollo: str,
    data_protocollo: date | None,
    dsu: Dsu | None = None,
    importo_richiesto: Decimal | None = None,
    oggetto: str = "",
    note: str = "",
    dati: dict[str, Any] | None = None,
    origine: str = Domanda.Origine.SPORTELLO,
    importazione_id: int | None = None,
    conferma_importo: bool = False,
) -> Domanda:
    """Register an application received with its protocol number and date."""
    numero, data = _protocollo(numero_protocollo, data_protocollo)
    _servizio_attivo(servizio)
    if persona.unita_in_id is not None:
        raise ValidationFailed(_("Questa scheda è stata unita a un'altra: scegli quella tenuta."),
                               field="persona")
    dsu = dsu_valida(dsu or Dsu())
    domanda = Domanda(
        numero_protocollo=numero, data_protocollo=data, persona=persona, servizio=servizio,
        origine=origine, dsu_protocollo=dsu.protocollo, dsu_anno=dsu.anno, dsu_data=dsu.data,
        isee_valore=dsu.isee_valore, isee_tipo=dsu.isee_tipo,
        importo_richiesto=_importo(importo_richiesto, servizio, conferma_importo),
        oggetto=(oggetto or "").strip()[:300],
        note=(note or "").strip(), dati=dati or {}, importazione_id=importazione_id,
    )
    with transaction.atomic():
        _check_protocollo_libero(numero, data)
        try:
            with transaction.atomic():
                domanda.save()
        except IntegrityError as exc:  # registered by someone else a moment ago
            raise AlreadyExists(
                _("Una domanda con protocollo n. %(n)s del %(d)s è stata appena registrata.")
                % {"n": numero, "d": _gma(data)}, field="numero_protocollo") from exc
        audit_log(action="domanda.registrata", actor=actor.user, obj=domanda,
                  payload={"protocollo": numero, "data": data.isoformat(),
                           "servizio": servizio.nome, "origine": origine,
                           **_oltre_soglia(domanda.importo_richiesto, servizio)},
                  ip_address=actor.ip_address)
    return domanda


def domanda_update(*, actor: Actor, domanda: Domanda, conferma_importo: bool = False,
                   **changes: Any) -> Domanda:
    """Correct the data of an application still open."""
    unknown = set(changes) - set(MODIFICABILI)
    if unknown:
        raise ValidationFailed(_("Campi non modificabili: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if domanda.is_chiusa:
        raise NotAllowed(_("La domanda è chiusa (%(s)s): non si modifica più.")
                         % {"s": domanda.get_stato_display()})
    nuovi = {f: getattr(domanda, f) for f in MODIFICABILI}
    nuovi.update(changes)
    numero, data = _protocollo(nuovi["numero_protocollo"], nuovi["data_protocollo"])
    dsu = dsu_valida(Dsu(protocollo=nuovi["dsu_protocollo"], anno=nuovi["dsu_anno"],
                         data=nuovi["dsu_data"], isee_valore=nuovi["isee_valore"],
                         isee_tipo=nuovi["isee_tipo"]))
    nuovi.update(numero_protocollo=numero, data_protocollo=data, dsu_protocollo=dsu.protocollo,
                 isee_tipo=dsu.isee_tipo, importo_richiesto=_importo(
                     nuovi["importo_richiesto"],
                     domanda.servizio if "importo_richiesto" in changes
                     and changes["importo_richiesto"] != domanda.importo_richiesto else None,
                     conferma_importo),
                 oggetto=(nuovi["oggetto"] or "").strip()[:300], note=(nuovi["note"] or "").strip())
    cambiati = [f for f in MODIFICABILI if getattr(domanda, f) != nuovi[f]]
    if not cambiati:
        return domanda
    with transaction.atomic():
        if "numero_protocollo" in cambiati or "data_protocollo" in cambiati:
            _check_protocollo_libero(numero, data, escludi=domanda.pk)
        prima = {f: _json(getattr(domanda, f)) for f in cambiati}
        for f in cambiati:
            setattr(domanda, f, nuovi[f])
        domanda.save(update_fields=[*cambiati, "updated_at"])
        audit_log(action="domanda.modificata", actor=actor.user, obj=domanda,
                  payload={"prima": prima, "dopo": {f: _json(nuovi[f]) for f in cambiati},
                           **(_oltre_soglia(domanda.importo_richiesto, domanda.servizio)
                              if "importo_richiesto" in cambiati else {})},
                  ip_address=actor.ip_address)
    return domanda


def _json(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def domande_assegna(*, actor: Actor, domande: list[Domanda], operatore_id: int) -> list[Domanda]:
    """Assign open applications to a social worker of this comune, who is notified."""
    from services.pai.services.approvazioni import notifica_create

    if not domande:
        raise ValidationFailed(_("Seleziona almeno una domanda da assegnare."), field="domande")
    operatori = {m.user_id: m.user for m in operatori_assegnabili()}
    operatore = operatori.get(operatore_id)
    if operatore is None:
        raise ValidationFailed(
            _("L'operatore scelto non è un assistente sociale abilitato in questo comune."),
            field="operatore")
    chiuse = [d for d in domande if d.is_chiusa]
    if chiuse:
        raise ValidationFailed(
            _("La domanda %(d)s è già chiusa: non si assegna.") % {"d": chiuse[0]},
            field="domande")
    oggi = timezone.localdate()
    label = _label(operatore)
    with transaction.atomic():
        for domanda in domande:
            if domanda.assegnata_a_id == operatore_id:
                continue
            prima = domanda.assegnata_a_label
            domanda.assegnata_a_id = operatore_id
            domanda.assegnata_a_label = label
            domanda.assegnata_il = oggi
            if domanda.stato == Domanda.Stato.PRESENTATA:
                domanda.stato = Domanda.Stato.ASSEGNATA
            domanda.save(update_fields=["assegnata_a_id", "assegnata_a_label", "assegnata_il",
                                        "stato", "updated_at"])
            audit_log(action="domanda.assegnata", actor=actor.user, obj=domanda,
                      payload={"a": label, "prima": prima}, ip_address=actor.ip_address)
            notifica_create(
                destinatario_id=operatore_id,
                testo=_("Ti è stata assegnata la domanda n. %(n)s del %(d)s di %(who)s (%(s)s).")
                % _descrizione(domanda),
                link=_link(domanda),
            )
    return domande


def _descrizione(domanda: Domanda) -> dict[str, str]:
    return {"n": domanda.numero_protocollo, "d": _gma(domanda.data_protocollo),
            "who": domanda.persona.nome_completo, "s": domanda.servizio.nome}


def _link(domanda: Domanda) -> str:
    return reverse("domande_detail", kwargs={"public_id": domanda.public_id},
                   urlconf=str(settings.TENANT_TYPES["comune"]["URLCONF"]))


def verifica_riassegnabile(domanda: Domanda) -> None:
    """NotAllowed for a closed application: its outcome is given, nobody works on it."""
    if domanda.is_chiusa:
        raise NotAllowed(_("La domanda è chiusa (%(s)s): non si riassegna.")
                         % {"s": domanda.get_stato_display().lower()})


def domanda_riassegna(*, actor: Actor, domanda: Domanda, assegnatario: Any,
                      motivo: str) -> Domanda:
    """Move an open application to another social worker (``assegnatario``: the user or their
    id), with the reason. The new one is notified as on assignment; the previous one learns
    it has left their queue."""
    from services.pai.services.approvazioni import notifica_create

    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationFailed(_("Indica il motivo della riassegnazione."), field="motivo")
    assegnatario_id = getattr(assegnatario, "pk", assegnatario)
    operatori = {m.user_id: m.user for m in operatori_assegnabili()}
    operatore = operatori.get(assegnatario_id)
    if operatore is None:
        raise ValidationFailed(
            _("L'operatore scelto non è un assistente sociale abilitato in questo comune."),
            field="operatore")
    with transaction.atomic():
        locked = (Domanda.objects.select_for_update().select_related("persona", "servizio")
                  .get(pk=domanda.pk))
        verifica_riassegnabile(locked)
        if locked.assegnata_a_id == operatore.pk:
            raise ValidationFailed(_("La domanda è già assegnata a %(who)s.")
                                   % {"who": locked.assegnata_a_label}, field="operatore")
        prima_id, prima = locked.assegnata_a_id, locked.assegnata_a_label
        label = _label(operatore)
        locked.assegnata_a_id = operatore.pk
        locked.assegnata_a_label = label
        locked.assegnata_il = timezone.localdate()
        if locked.stato == Domanda.Stato.PRESENTATA:
            locked.stato = Domanda.Stato.ASSEGNATA
        locked.save(update_fields=["assegnata_a_id", "assegnata_a_label", "assegnata_il",
                                   "stato", "updated_at"])
        audit_log(action="domanda.riassegnata", actor=actor.user, obj=locked,
                  payload={"a": label, "prima": prima, "motivo": motivo[:500]},
                  ip_address=actor.ip_address)
        notifica_create(
            destinatario_id=operatore.pk,
            testo=_("Ti è stata riassegnata la domanda n. %(n)s del %(d)s di %(who)s (%(s)s).")
            % _descrizione(locked) + " " + _("Motivo: %(m)s") % {"m": motivo},
            link=_link(locked))
        if prima_id is not None and prima_id != actor.user.pk:
            notifica_create(
                destinatario_id=prima_id,
                testo=_("La domanda n. %(n)s del %(d)s di %(who)s (%(s)s) è stata riassegnata "
                        "a %(a)s.") % {**_descrizione(locked), "a": label},
                link=_link(locked))
    for field in ("assegnata_a_id", "assegnata_a_label", "assegnata_il", "stato", "updated_at"):
        setattr(domanda, field, getattr(locked, field))
    return domanda


def domanda_esito(*, actor: Actor, domanda: Domanda, esito: str, motivazione: str = "",
                  data: date | None = None) -> Domanda:
    """Close an application: accolta, respinta or archiviata, with the reason."""
    if esito not in ESITI:
        raise ValidationFailed(_("Scegli l'esito: accolta, respinta o archiviata."), field="esito")
    if domanda.is_chiusa:
        raise NotAllowed(_("La domanda ha già un esito (%(s)s).") % {"s": domanda.get_stato_display()})
    motivazione = (motivazione or "").strip()
    if esito != Domanda.Stato.ACCOLTA and not motivazione:
        raise ValidationFailed(_("Indica la motivazione: è obbligatoria quando la domanda non è "
                                 "accolta."), field="motivazione")
    data = data or timezone.localdate()
    if data > timezone.localdate():
        raise ValidationFailed(_("La data dell'esito non può essere nel futuro."), field="data")
    if data < domanda.data_protocollo:
        raise ValidationFailed(
            _("La data dell'esito precede la data di protocollo (%(d)s).")
            % {"d": _gma(domanda.data_protocollo)}, field="data")
    with transaction.atomic():
        domanda.stato = esito
        domanda.esito_il = data
        domanda.motivazione_esito = motivazione
        domanda.save(update_fields=["stato", "esito_il", "motivazione_esito", "updated_at"])
        audit_log(action=f"domanda.{esito}", actor=actor.user, obj=domanda,
                  payload={"data": data.isoformat(), "motivazione": motivazione[:500]},
                  ip_address=actor.ip_address)
    return domanda
