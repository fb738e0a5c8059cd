"""Amounts and the payments they owe: the SIUSS rules on dates and amounts, the
instalments (or the one-off payment) an approved intervention generates, and what a
determina has committed."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import ValidationFailed

from ..models import ZERO, Carattere, Intervento, Pagamento, PagatoA
from .scritture import _audit, _lock

CENT = Decimal("0.01")
# Interventions that commit money (on a determina, in the totals).
STATI_IMPEGNATI = (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO,
                   Intervento.Stato.CONCLUSO)


def mesi_tra(inizio: date, fine: date) -> list[date]:
    """First day of every month from ``inizio``'s to ``fine``'s, both included."""
    mesi = []
    y, m = inizio.year, inizio.month
    while (y, m) <= (fine.year, fine.month):
        mesi.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return mesi


def _money(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if value < 0:
        raise ValidationFailed(_("L'importo non può essere negativo."), field=field)
    if value != value.quantize(CENT):
        raise ValidationFailed(_("Gli importi si indicano in euro con al massimo due decimali."),
                               field=field)
    return value


def _importi_validate(intervento: Intervento) -> None:
    """The SIUSS rules on dates and amounts, by carattere."""
    i = intervento
    for field in ("importo_totale", "importo_mensile", "quota_ente", "quota_utente", "quota_ssn"):
        setattr(i, field, _money(getattr(i, field), field))
    if i.data_inizio is None:
        msg = (_("Indica la data di inizio della prestazione periodica.")
               if i.carattere == Carattere.PERIODICO else _("Indica la data della prestazione."))
        raise ValidationFailed(msg, field="data_inizio")
    if i.data_fine is not None and i.data_fine < i.data_inizio:
        raise ValidationFailed(_("La data di fine non può precedere quella di inizio."),
                               field="data_fine")
    if i.carattere == Carattere.PERIODICO:
        if not i.importo_mensile:
            raise ValidationFailed(_("Per una prestazione periodica indica l'importo mensile."),
                                   field="importo_mensile")
        if not i.importo_totale and i.data_fine is not None:
            i.importo_totale = i.importo_mensile * len(mesi_tra(i.data_inizio, i.data_fine))
    elif i.carattere == Carattere.OCCASIONALE:
        if i.importo_mensile:
            raise ValidationFailed(_("Una prestazione una tantum non ha importo mensile."),
                                   field="importo_mensile")
        if not i.importo_totale:
            raise ValidationFailed(_("Indica l'importo della prestazione una tantum."),
                                   field="importo_totale")
        if i.data_fine is not None and i.data_fine != i.data_inizio:
            raise ValidationFailed(
                _("Una prestazione una tantum ha una sola data: lascia vuota la data di fine."),
                field="data_fine")
    i.importo_totale = i.importo_totale or ZERO
    quote = [i.quota_ente, i.quota_utente, i.quota_ssn]
    if any(q is not None for q in quote):
        somma = sum((q or ZERO for q in quote), ZERO)
        if somma != i.importo_totale:
            raise ValidationFailed(
                _("Le quote a carico di ente, utente e SSN (%(s)s €) devono dare l'importo "
                  "totale (%(t)s €).") % {"s": somma, "t": i.importo_totale}, field="quota_ente")


def pagamenti_genera(*, actor: Actor, intervento: Intervento) -> list[Pagamento]:
    """The money owed under an approved intervention: one instalment per month from the
    start to the end at the monthly amount (periodic), or one payment (one-off). Running it
    again adds only what is missing."""
    with transaction.atomic():
        i = _lock(intervento)
        if i.stato not in STATI_IMPEGNATI:
            raise ValidationFailed(_("Si generano i pagamenti solo di un intervento approvato."))
        if i.pagato_a != PagatoA.PERSONA:
            raise ValidationFailed(non_pagato_alla_persona(i))
        if i.data_inizio is None:
            raise ValidationFailed(_("Manca la data di inizio."), field="data_inizio")
        if i.carattere == Carattere.PERIODICO:
            if i.data_fine is None or not i.importo_mensile:
                raise ValidationFailed(
                    _("Per generare le rate servono la data di fine e l'importo mensile."))
            dovuti = [(mese, i.importo_mensile) for mese in mesi_tra(i.data_inizio, i.data_fine)]
        else:
            if not i.importo_totale:
                return []
            dovuti = [(date(i.data_inizio.year, i.data_inizio.month, 1), i.importo_totale)]
        esistenti = set(Pagamento.objects.filter(intervento=i).exclude(
            stato=Pagamento.Stato.ANNULLATO).values_list("competenza", flat=True))
        nuovi = Pagamento.objects.bulk_create([
            Pagamento(intervento=i, competenza=mese, importo=importo)
            for mese, importo in dovuti if mese not in esistenti
        ])
        if nuovi:
            _audit(actor, "intervento.pagamenti_generati", i,
                   {"rate": len(nuovi), "importo": str(sum((p.importo for p in nuovi), ZERO))})
    return nuovi


def non_pagato_alla_persona(intervento: Intervento) -> str:
    """Why an intervention owes the person nothing directly (see ``PagatoA``)."""
    if intervento.pagato_a == PagatoA.FORNITORE:
        return _("%(s)s si paga al fornitore con la sua fattura, verificata sul contratto: "
                 "nessun pagamento alla persona per lo stesso servizio.") % {
                     "s": intervento.get_tipo_display()}
    if intervento.pagato_a == PagatoA.LSU:
        return _("I lavori socialmente utili si pagano con il compenso mensile del contratto "
                 "LSU: nessun altro pagamento alla persona.")
    return _("L'assegno è pagato dall'INPS: il comune non genera pagamenti.")


def importo_impegnato_su(determina_id: int) -> Decimal:
    """Total of the approved interventions funded by a determina."""
    total = (Intervento.objects.filter(determina_id=determina_id, stato__in=STATI_IMPEGNATI)
             .aggregate(t=Sum("importo_totale"))["t"])
    return total or ZERO


def ultimo_giorno(mese: date) -> date:
    return date(mese.year, mese.month, monthrange(mese.year, mese.month)[1])
