"""The proceeding sent by the court: its registration and assignment, a new decree, its
closure, and the merge hook for a duplicate minor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.errors import AlreadyExists, ValidationFailed

from .. import notifiche
from ..models import Convocato, OperatoreProcedimento, Procedimento, Udienza
from .operatori import _operatori
from .scritture import _audit, _label, _required, ensure_aperto


def _eta(persona: Persona, al: date) -> int:
    nascita = persona.data_nascita
    return al.year - nascita.year - ((al.month, al.day) < (nascita.month, nascita.day))


def procedimento_crea(*, actor: Actor, numero_rg: str, tribunale: str, tipo: str,
                      ricevuto_il: date | None, minori: Sequence[Persona],
                      operatori_ids: Iterable[int], decreto_numero: str = "",
                      decreto_data: date | None = None,
                      decreto_sintesi: str = "") -> Procedimento:
    """Register a proceeding sent by the court and assign it. A creator who does not see
    every case is assigned too, or they could not read what they just wrote."""
    numero_rg = _required(numero_rg, "numero_rg", _("Indica il numero di ruolo (R.G.)."))
    tribunale = _required(tribunale, "tribunale", _("Indica il tribunale."))
    if tipo not in Procedimento.Tipo.values:
        raise ValidationFailed(_("Scegli il tipo di procedimento."), field="tipo")
    oggi = timezone.localdate()
    if ricevuto_il is None:
        raise ValidationFailed(_("Indica la data di ricezione."), field="ricevuto_il")
    if ricevuto_il > oggi:
        raise ValidationFailed(_("La data di ricezione non può essere nel futuro."),
                               field="ricevuto_il")
    if decreto_data is not None and decreto_data > ricevuto_il:
        raise ValidationFailed(_("Il decreto non può essere successivo alla data di ricezione."),
                               field="decreto_data")
    if not minori:
        raise ValidationFailed(_("Indica almeno un minore coinvolto."), field="minori")
    if tipo != Procedimento.Tipo.PENALE:
        for minore in minori:
            if _eta(minore, decreto_data or ricevuto_il) >= 18:
                raise ValidationFailed(
                    _("%(nome)s non era minorenne alla data del decreto.")
                    % {"nome": f"{minore.cognome} {minore.nome}"}, field="minori")
    operatori = _operatori(operatori_ids, "operatori")
    from ..selectors import vede_tutti

    if not vede_tutti(actor.user) and actor.user.pk not in {u.pk for u in operatori}:
        operatori.append(actor.user)
    if not operatori:
        raise ValidationFailed(_("Assegna il procedimento ad almeno un assistente sociale."),
                               field="operatori")
    if Procedimento.objects.filter(tribunale__iexact=tribunale,
                                   numero_rg__iexact=numero_rg).exists():
        raise AlreadyExists(_("Il procedimento R.G. %(rg)s di questo tribunale è già "
                              "registrato.") % {"rg": numero_rg}, field="numero_rg")
    try:
        with transaction.atomic():
            procedimento = Procedimento.objects.create(
                numero_rg=numero_rg, tribunale=tribunale, tipo=tipo, ricevuto_il=ricevuto_il,
                decreto_numero=(decreto_numero or "").strip(), decreto_data=decreto_data,
                decreto_sintesi=(decreto_sintesi or "").strip(),
                registrato_da_id=actor.user.pk, registrato_da_label=_label(actor.user))
            procedimento.minori.set(minori)
            for user in operatori:
                OperatoreProcedimento.objects.create(procedimento=procedimento, user_id=user.pk,
                                                     user_label=_label(user), dal=oggi)
            _audit(actor, "procedimento.registrato", procedimento,
                   {"numero_rg": numero_rg, "minori": [str(m.public_id) for m in minori],
                    "operatori": [u.pk for u in operatori]})
            notifiche.avvisa_assegnazione(procedimento,
                                          [u.pk for u in operatori if u.pk != actor.user.pk])
    except IntegrityError as exc:  # the same proceeding registered at the same moment
        raise AlreadyExists(_("Il procedimento R.G. %(rg)s di questo tribunale è già "
                              "registrato.") % {"rg": numero_rg}, field="numero_rg") from exc
    return procedimento


def procedimento_aggiorna_decreto(*, actor: Actor, procedimento: Procedimento,
                                  decreto_numero: str, decreto_data: date | None,
                                  decreto_sintesi: str) -> Procedimento:
    """A new decree on the same proceeding (the previous one stays in the audit trail)."""
    ensure_aperto(procedimento)
    if decreto_data is not None and decreto_data > timezone.localdate():
        raise ValidationFailed(_("La data del decreto non può essere nel futuro."),
                               field="decreto_data")
    with transaction.atomic():
        prima = {"numero": procedimento.decreto_numero,
                 "data": procedimento.decreto_data.isoformat() if procedimento.decreto_data
                 else None}
        procedimento.decreto_numero = (decreto_numero or "").strip()
        procedimento.decreto_data = decreto_data
        procedimento.decreto_sintesi = (decreto_sintesi or "").strip()
        procedimento.save(update_fields=["decreto_numero", "decreto_data", "decreto_sintesi",
                                         "updated_at"])
        _audit(actor, "procedimento.decreto_aggiornato", procedimento, {"prima": prima})
    return procedimento


def procedimento_chiudi(*, actor: Actor, procedimento: Procedimento, data: date | None,
                        motivo: str) -> Procedimento:
    ensure_aperto(procedimento)
    motivo = _required(motivo, "motivo", _("Indica il motivo della chiusura."))
    if data is None:
        raise ValidationFailed(_("Indica la data di chiusura."), field="data")
    if data > timezone.localdate():
        raise ValidationFailed(_("La data di chiusura non può essere nel futuro."), field="data")
    if data < procedimento.ricevuto_il:
        raise ValidationFailed(_("La data di chiusura precede la ricezione del procedimento."),
                               field="data")
    if procedimento.udienze.filter(stato=Udienza.Stato.FISSATA,
                                   inizio__gt=timezone.now()).exists():
        raise ValidationFailed(_("Ci sono udienze ancora da tenere: annullale o registrane "
                                 "l'esito prima di chiudere."))
    with transaction.atomic():
        procedimento.stato = Procedimento.Stato.CHIUSO
        procedimento.chiuso_il = data
        procedimento.motivo_chiusura = motivo
        procedimento.save(update_fields=["stato", "chiuso_il", "motivo_chiusura", "updated_at"])
        _audit(actor, "procedimento.chiuso", procedimento, {"data": data.isoformat()})
    return procedimento


def sposta_persona(tieni: Any, elimina: Any) -> int:
    """Merge hook: the proceedings and summonses of a duplicate person move to the kept one."""
    moved = 0
    for procedimento in Procedimento.objects.filter(minori=elimina):
        procedimento.minori.remove(elimina)
        procedimento.minori.add(tieni)
        moved += 1
    gia = Convocato.objects.filter(persona=tieni).values("udienza_id")
    Convocato.objects.filter(persona=elimina, udienza_id__in=gia).delete()
    moved += Convocato.objects.filter(persona=elimina).update(persona=tieni)
    return moved
