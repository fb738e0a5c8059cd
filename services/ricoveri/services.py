"""Residential placements: structures, the authorisation of a placement, discharge, and the
days of presence per month the structure's invoice is checked against."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed
from services.fornitori.importi import cents, giorni_del_mese, primo_del_mese
from services.fornitori.models import Contratto, Fattura, Fornitore, RigaFattura
from services.interventi.models import Intervento, TipoIntervento

from .models import Presenza, Ricovero, Struttura

APPROVATI = (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO)


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def struttura_create(*, actor: Actor, fornitore: Fornitore, nome: str, posti: int,
                     indirizzo: str = "") -> Struttura:
    nome = (nome or "").strip()
    if not nome:
        raise ValidationFailed(_("Indica il nome della struttura."), field="nome")
    if fornitore.tipo != Fornitore.Tipo.STRUTTURA:
        raise ValidationFailed(_("Il gestore deve essere un fornitore di tipo struttura "
                                 "residenziale."), field="fornitore")
    if posti is None or posti < 1:
        raise ValidationFailed(_("Indica i posti autorizzati (almeno uno)."), field="posti")
    with transaction.atomic():
        if Struttura.objects.filter(fornitore=fornitore, nome__iexact=nome).exists():
            raise AlreadyExists(_("Il gestore ha già una struttura con questo nome."),
                                field="nome")
        struttura = Struttura.objects.create(fornitore=fornitore, nome=nome, posti=posti,
                                             indirizzo=(indirizzo or "").strip())
        _audit(actor, "ricoveri.struttura_creata", struttura, {"nome": nome, "posti": posti})
    return struttura


def ospiti_al(struttura: Struttura, giorno: date) -> int:
    return (Ricovero.objects.filter(struttura=struttura, dal__lte=giorno)
            .filter(Q(al__isnull=True) | Q(al__gte=giorno)).count())


def ricovero_autorizza(*, actor: Actor, intervento: Intervento, struttura: Struttura,
                       contratto: Contratto, dal: date, quota_utente: Decimal = Decimal("0"),
                       tariffa_giornaliera: Decimal | None = None,
                       note: str = "") -> Ricovero:
    """Authorise the placement of an approved intervention of type ricovero. The daily rate
    is the contract's unless given; the user pays ``quota_utente`` a day, the ente the rest."""
    if intervento.tipo != TipoIntervento.RICOVERO:
        raise ValidationFailed(_("L'intervento non è un ricovero in struttura."),
                               field="intervento")
    if intervento.stato not in APPROVATI:
        raise ValidationFailed(_("Si autorizzano solo ricoveri approvati."), field="intervento")
    if contratto.fornitore_id != struttura.fornitore_id:
        raise ValidationFailed(_("Il contratto non è del gestore della struttura."),
                               field="contratto")
    if contratto.tariffa_giornaliera is None:
        raise ValidationFailed(_("Il contratto non ha una tariffa giornaliera."),
                               field="contratto")
    if dal is None:
        raise ValidationFailed(_("Indica la data di ingresso."), field="dal")
    if not (contratto.dal <= dal <= contratto.al):
        raise ValidationFailed(_("L'ingresso deve cadere nel periodo del contratto."),
                               field="dal")
    tariffa = cents(tariffa_giornaliera if tariffa_giornaliera is not None
                    else contratto.tariffa_giornaliera)
    quota = cents(quota_utente or 0)
    if tariffa <= 0:
        raise ValidationFailed(_("La retta giornaliera deve essere maggiore di zero."),
                               field="tariffa_giornaliera")
    if quota < 0 or quota > tariffa:
        raise ValidationFailed(_("La quota dell'utente va da zero alla retta giornaliera."),
                               field="quota_utente")
    with transaction.atomic():
        # Lock the structure: two placements at once cannot both take the last place.
        struttura = Struttura.objects.select_for_update().get(pk=struttura.pk)
        if Ricovero.objects.filter(intervento=intervento).exists():
            raise AlreadyExists(_("Il ricovero di questo intervento è già autorizzato."),
                                field="intervento")
        if ospiti_al(struttura, dal) >= struttura.posti:
            raise ValidationFailed(_("%(s)s non ha posti liberi il %(d)s (%(n)s posti).")
                                   % {"s": struttura.nome, "d": dal.strftime("%d/%m/%Y"),
                                      "n": struttura.posti}, field="struttura")
        if contratto.posti_massimi is not None:
            occupati = (Ricovero.objects.filter(contratto=contratto, dal__lte=dal)
                        .filter(Q(al__isnull=True) | Q(al__gte=dal)).count())
            if occupati >= contratto.posti_massimi:
                raise ValidationFailed(_("I posti del contratto (%(n)s) sono tutti occupati.")
                                       % {"n": contratto.posti_massimi}, field="contratto")
        ricovero = Ricovero.objects.create(
            intervento=intervento, struttura=struttura, contratto=contratto, dal=dal,
            tariffa_giornaliera=tariffa, quota_utente=quota,
            autorizzato_da_id=actor.user.pk, autorizzato_da_label=_label(actor.user),
            note=(note or "").strip())
        _audit(actor, "ricoveri.autorizzato", ricovero,
               {"intervento": str(intervento.public_id), "struttura": str(struttura.public_id),
                "dal": dal.isoformat(), "tariffa": str(tariffa), "quota_utente": str(quota)})
    return ricovero


def ricovero_dimetti(*, actor: Actor, ricovero: Ricovero, al: date) -> Ricovero:
    if al is None or al < ricovero.dal:
        raise ValidationFailed(_("La dimissione precede l'ingresso."), field="al")
    with transaction.atomic():
        ricovero = Ricovero.objects.select_for_update().get(pk=ricovero.pk)
        if ricovero.al is not None:
            raise ValidationFailed(_("Il ricovero è già concluso."), field="al")
        ricovero.al = al
        ricovero.save(update_fields=["al", "updated_at"])
        _audit(actor, "ricoveri.dimesso", ricovero, {"al": al.isoformat()})
    return ricovero


def presenze_registra(*, actor: Actor, ricovero: Ricovero, mese: date, giorni: int) -> Presenza:
    """Record (or correct) the days the guest was present in the month."""
    if mese is None:
        raise ValidationFailed(_("Indica il mese."), field="mese")
    mese = primo_del_mese(mese)
    if mese < primo_del_mese(ricovero.dal) or (ricovero.al is not None
                                               and mese > primo_del_mese(ricovero.al)):
        raise ValidationFailed(_("Il mese %(m)s è fuori dal periodo del ricovero.")
                               % {"m": mese.strftime("%m/%Y")}, field="mese")
    massimo = giorni_del_mese(mese)
    if giorni is None or giorni < 0 or giorni > massimo:
        raise ValidationFailed(_("I giorni di presenza vanno da 0 a %(n)s.") % {"n": massimo},
                               field="giorni")
    if RigaFattura.objects.filter(intervento_id=ricovero.intervento_id, fattura__competenza=mese,
                                  fattura__stato=Fattura.Stato.LIQUIDATA).exists():
        raise ValidationFailed(_("Le presenze di %(m)s sono già state pagate con una fattura "
                                 "liquidata: non si modificano più.")
                               % {"m": mese.strftime("%m/%Y")}, field="mese")
    with transaction.atomic():
        presenza, created = Presenza.objects.select_for_update().get_or_create(
            ricovero=ricovero, mese=mese,
            defaults={"giorni": giorni, "registrata_da_label": _label(actor.user)})
        prima = None if created else presenza.giorni
        if not created:
            presenza.giorni = giorni
            presenza.registrata_da_label = _label(actor.user)
            presenza.save(update_fields=["giorni", "registrata_da_label"])
        _audit(actor, "ricoveri.presenze_registrate", ricovero,
               {"mese": mese.isoformat(), "giorni": giorni, "prima": prima})
    return presenza


def ospiti_del_mese(struttura: Struttura, mese: date) -> list[Ricovero]:
    """Placements in the structure for at least one day of the month."""
    inizio = primo_del_mese(mese)
    fine = inizio.replace(day=giorni_del_mese(inizio))
    return list(Ricovero.objects.filter(struttura=struttura, dal__lte=fine)
                .filter(Q(al__isnull=True) | Q(al__gte=inizio))
                .select_related("intervento__persona")
                .order_by("intervento__persona__cognome", "intervento__persona__nome", "id"))


def presenze_mese_registra(*, actor: Actor, struttura: Struttura, mese: date,
                           giorni: Mapping[Ricovero, int | None]) -> list[Presenza]:
    """The structure's monthly presences, all guests at once: all saved or none. A guest
    left empty is not touched."""
    ospiti = {r.pk for r in ospiti_del_mese(struttura, mese)}
    saved: list[Presenza] = []
    with transaction.atomic():
        for ricovero, valore in giorni.items():
            if valore is None:
                continue
            if ricovero.pk not in ospiti:
                raise ValidationFailed(_("%(p)s non è ospite della struttura nel mese.")
                                       % {"p": ricovero.intervento.persona.nome_completo},
                                       field="giorni")
            try:
                saved.append(presenze_registra(actor=actor, ricovero=ricovero, mese=mese,
                                               giorni=valore))
            except ValidationFailed as exc:
                raise ValidationFailed(f"{ricovero.intervento.persona.nome_completo}: {exc}",
                                       field="giorni") from exc
    return saved
