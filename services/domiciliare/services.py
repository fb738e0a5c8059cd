"""Home care: the plan of hours of an approved intervention, and the provider's monthly
statement of the hours worked per person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import AlreadyExists, ValidationFailed
from services.fornitori.importi import giorni_del_mese, primo_del_mese, ultimo_del_mese
from services.fornitori.models import Contratto
from services.interventi.models import Intervento, TipoIntervento

from .models import OreLavorate, PianoDomiciliare, Rendiconto

APPROVATI = (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO)


def _label(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


def _audit(actor: Actor, action: str, obj: Any, payload: dict | None = None) -> None:
    audit_log(action=action, actor=actor.user, obj=obj, payload=payload or {},
              ip_address=actor.ip_address)


def piano_create(*, actor: Actor, intervento: Intervento, contratto: Contratto,
                 ore_mensili: Decimal, dal: date, al: date | None = None,
                 note: str = "") -> PianoDomiciliare:
    """Plan the hours of an approved home-care intervention with a provider's contract."""
    if intervento.tipo != TipoIntervento.DOMICILIARE:
        raise ValidationFailed(_("L'intervento non è di assistenza domiciliare."),
                               field="intervento")
    if intervento.stato not in APPROVATI:
        raise ValidationFailed(_("Si pianificano solo interventi approvati."), field="intervento")
    if contratto.tariffa_oraria is None or contratto.servizio.tipo != TipoIntervento.DOMICILIARE:
        raise ValidationFailed(_("Il contratto scelto non è di assistenza domiciliare."),
                               field="contratto")
    if ore_mensili is None or ore_mensili <= 0:
        raise ValidationFailed(_("Indica le ore previste al mese."), field="ore_mensili")
    if ore_mensili > 24 * 31:
        raise ValidationFailed(_("Le ore previste superano le ore di un mese."),
                               field="ore_mensili")
    if dal is None:
        raise ValidationFailed(_("Indica la data di inizio."), field="dal")
    if al is not None and al < dal:
        raise ValidationFailed(_("La fine del piano precede l'inizio."), field="al")
    if not (contratto.dal <= dal <= contratto.al):
        raise ValidationFailed(
            _("Il piano deve iniziare nel periodo del contratto (%(dal)s – %(al)s).")
            % {"dal": contratto.dal.strftime("%d/%m/%Y"), "al": contratto.al.strftime("%d/%m/%Y")},
            field="dal")
    with transaction.atomic():
        if PianoDomiciliare.objects.filter(intervento=intervento).exists():
            raise AlreadyExists(_("L'intervento ha già un piano di assistenza domiciliare."),
                                field="intervento")
        piano = PianoDomiciliare(intervento=intervento, contratto=contratto,
                                 ore_mensili=ore_mensili, dal=dal, al=al,
                                 note=(note or "").strip())
        piano.full_clean(validate_unique=False)
        piano.save()
        _audit(actor, "domiciliare.piano_creato", piano,
               {"intervento": str(intervento.public_id), "contratto": str(contratto.public_id),
                "ore_mensili": str(ore_mensili)})
    return piano


def piani_attivi(contratto: Contratto, mese: date) -> list[PianoDomiciliare]:
    """Plans of the contract running in the month, for the statement's lines."""
    inizio, fine = primo_del_mese(mese), ultimo_del_mese(mese)
    return list(
        PianoDomiciliare.objects.filter(contratto=contratto, dal__lte=fine)
        .exclude(al__lt=inizio).select_related("intervento__persona")
        .order_by("intervento__persona__cognome", "intervento__persona__nome", "id")
    )


def rendiconto_registra(*, actor: Actor, contratto: Contratto, mese: date, ricevuto_il: date,
                        ore: Mapping[PianoDomiciliare, Decimal | None],
                        note: str = "") -> Rendiconto:
    """Record the provider's monthly statement: hours worked per person (plan). One statement
    per contract and month; a plan left empty is not recorded."""
    if mese is None:
        raise ValidationFailed(_("Indica il mese."), field="mese")
    mese = primo_del_mese(mese)
    if _ricevuto_prima_del_mese(ricevuto_il, mese):
        raise ValidationFailed(_("Il rendiconto non può essere ricevuto prima dell'inizio del "
                                 "mese a cui si riferisce."), field="ricevuto_il")
    attivi = {p.pk for p in piani_attivi(contratto, mese)}
    limite = Decimal(24 * giorni_del_mese(mese))
    righe: list[tuple[PianoDomiciliare, Decimal]] = []
    for piano, valore in ore.items():
        if valore is None:
            continue
        who = piano.intervento.persona.nome_completo
        if piano.pk not in attivi:
            raise ValidationFailed(_("%(p)s non ha un piano attivo su questo contratto nel mese.")
                                   % {"p": who}, field="ore")
        if valore < 0 or valore > limite:
            raise ValidationFailed(_("Le ore di %(p)s non sono valide (da 0 a %(m)s).")
                                   % {"p": who, "m": limite}, field="ore")
        righe.append((piano, valore))
    if not righe:
        raise ValidationFailed(_("Inserisci le ore lavorate di almeno una persona."), field="ore")
    with transaction.atomic():
        if Rendiconto.objects.select_for_update().filter(contratto=contratto, mese=mese).exists():
            raise AlreadyExists(_("Il rendiconto di %(m)s per questo contratto è già registrato.")
                                % {"m": mese.strftime("%m/%Y")}, field="mese")
        rendiconto = Rendiconto.objects.create(
            contratto=contratto, mese=mese, ricevuto_il=ricevuto_il,
            registrato_da_id=actor.user.pk, registrato_da_label=_label(actor.user),
            note=(note or "").strip())
        OreLavorate.objects.bulk_create(
            [OreLavorate(rendiconto=rendiconto, piano=p, ore=v) for p, v in righe])
        _audit(actor, "domiciliare.rendiconto_registrato", rendiconto,
               {"contratto": str(contratto.public_id), "mese": mese.isoformat(),
                "ore_totali": str(sum((v for _p, v in righe), Decimal(0)))})
    return rendiconto


def _ricevuto_prima_del_mese(ricevuto_il: date | None, mese: date) -> bool:
    return ricevuto_il is None or ricevuto_il < mese
