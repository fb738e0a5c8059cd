"""Hearings: scheduled with who is summoned, moved or changed, and their outcome."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.errors import ValidationFailed
from tenants.models import User

from .. import notifiche
from ..models import Convocato, Procedimento, Udienza
from .operatori import _operatori
from .scritture import _audit, _label, _required, ensure_aperto


def _check_udienza(inizio: datetime | None, luogo: str) -> tuple[datetime, str]:
    if inizio is None:
        raise ValidationFailed(_("Indica data e ora dell'udienza."), field="inizio")
    if timezone.is_naive(inizio):
        inizio = timezone.make_aware(inizio)
    if inizio <= timezone.now():
        raise ValidationFailed(_("Data e ora dell'udienza sono già passate: indica una data "
                                 "futura."), field="inizio")
    luogo = _required(luogo, "luogo", _("Indica il luogo dell'udienza."))
    return inizio, luogo


def _convoca(udienza: Udienza, operatori: list[User], persone: Sequence[Persona]) -> set[int]:
    """Make the summoned list exactly these; return the operators newly summoned."""
    prima = set(udienza.convocati.filter(user_id__isnull=False).values_list("user_id", flat=True))
    dopo = {u.pk for u in operatori}
    udienza.convocati.filter(user_id__isnull=False).exclude(user_id__in=dopo).delete()
    for user in operatori:
        if user.pk not in prima:
            Convocato.objects.create(udienza=udienza, user_id=user.pk, user_label=_label(user))
    persone_ids = {p.pk for p in persone}
    udienza.convocati.filter(persona__isnull=False).exclude(persona_id__in=persone_ids).delete()
    esistenti = set(udienza.convocati.filter(persona__isnull=False)
                    .values_list("persona_id", flat=True))
    for persona in persone:
        if persona.pk not in esistenti:
            Convocato.objects.create(udienza=udienza, persona=persona)
    return dopo - prima


def udienza_fissa(*, actor: Actor, procedimento: Procedimento, inizio: datetime | None,
                  luogo: str, giudice: str = "", operatori_ids: Iterable[int] = (),
                  persone: Sequence[Persona] = ()) -> Udienza:
    """Schedule a hearing; the operators summoned are told at once."""
    ensure_aperto(procedimento)
    inizio, luogo = _check_udienza(inizio, luogo)
    operatori = _operatori(operatori_ids, "operatori", convocati=True)
    if not operatori and not persone:
        raise ValidationFailed(_("Indica chi è convocato all'udienza."), field="operatori")
    with transaction.atomic():
        udienza = Udienza.objects.create(procedimento=procedimento, inizio=inizio, luogo=luogo,
                                         giudice=(giudice or "").strip())
        _convoca(udienza, operatori, persone)
        _audit(actor, "udienza.fissata", procedimento,
               {"udienza": str(udienza.public_id), "inizio": inizio.isoformat(),
                "convocati": [u.pk for u in operatori]})
        notifiche.avvisa_udienza(udienza, [u.pk for u in operatori], modificata=False)
    return udienza


def udienza_modifica(*, actor: Actor, udienza: Udienza, inizio: datetime | None, luogo: str,
                     giudice: str = "", operatori_ids: Iterable[int] = (),
                     persone: Sequence[Persona] = ()) -> Udienza:
    """Move or change a hearing still to be held. When date, time or place change every
    operator summoned is told; otherwise only the newly summoned ones."""
    procedimento = udienza.procedimento
    ensure_aperto(procedimento)
    if udienza.stato != Udienza.Stato.FISSATA:
        raise ValidationFailed(_("Si possono modificare solo le udienze ancora da tenere."))
    inizio, luogo = _check_udienza(inizio, luogo)
    operatori = _operatori(operatori_ids, "operatori", convocati=True)
    if not operatori and not persone:
        raise ValidationFailed(_("Indica chi è convocato all'udienza."), field="operatori")
    with transaction.atomic():
        spostata = inizio != udienza.inizio or luogo != udienza.luogo
        prima = {"inizio": udienza.inizio.isoformat(), "luogo": udienza.luogo}
        udienza.inizio, udienza.luogo = inizio, luogo
        udienza.giudice = (giudice or "").strip()
        udienza.save(update_fields=["inizio", "luogo", "giudice", "updated_at"])
        nuovi = _convoca(udienza, operatori, persone)
        _audit(actor, "udienza.modificata", procedimento,
               {"udienza": str(udienza.public_id), "prima": prima,
                "inizio": inizio.isoformat(), "convocati": [u.pk for u in operatori]})
        avvisare = [u.pk for u in operatori] if spostata else [u.pk for u in operatori
                                                                if u.pk in nuovi]
        if avvisare:
            notifiche.avvisa_udienza(udienza, avvisare, modificata=spostata)
    return udienza


def udienza_esito(*, actor: Actor, udienza: Udienza, stato: str, esito: str) -> Udienza:
    """Record what happened: held (with the outcome), postponed or cancelled."""
    ensure_aperto(udienza.procedimento)
    if stato not in Udienza.Stato.values or stato == Udienza.Stato.FISSATA:
        raise ValidationFailed(_("Scegli l'esito dell'udienza."), field="stato")
    esito = (esito or "").strip()
    if stato == Udienza.Stato.SVOLTA:
        if udienza.inizio > timezone.now():
            raise ValidationFailed(_("L'udienza non si è ancora tenuta."), field="stato")
        if not esito:
            raise ValidationFailed(_("Riassumi l'esito dell'udienza."), field="esito")
    with transaction.atomic():
        udienza.stato = stato
        udienza.esito = esito
        udienza.save(update_fields=["stato", "esito", "updated_at"])
        _audit(actor, "udienza.esito", udienza.procedimento,
               {"udienza": str(udienza.public_id), "stato": stato})
    return udienza
