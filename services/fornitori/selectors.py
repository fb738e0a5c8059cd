"""Reads of providers, contracts and invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from services.interventi.models import Intervento

from .importi import ZERO
from .models import Contratto, Fattura, Fornitore

DA_VERIFICARE = (Fattura.Stato.RICEVUTA, Fattura.Stato.CON_DISCREPANZE)


def _by_public_id(qs: QuerySet[Any], public_id: Any) -> Any:
    try:
        obj = qs.filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    return obj


def get_fornitore(public_id: Any) -> Fornitore:
    return _by_public_id(Fornitore.objects.all(), public_id)


def get_contratto(public_id: Any) -> Contratto:
    return _by_public_id(Contratto.objects.select_related("fornitore", "servizio", "determina"),
                         public_id)


def get_fattura(public_id: Any) -> Fattura:
    return _by_public_id(
        Fattura.objects.select_related("fornitore", "contratto__servizio", "contratto__determina"),
        public_id)


def fornitori_elenco() -> QuerySet[Fornitore]:
    return Fornitore.objects.annotate(
        n_contratti=Count("contratti", distinct=True),
        da_verificare=Count("fatture", filter=Q(fatture__stato__in=DA_VERIFICARE), distinct=True),
    ).order_by("ragione_sociale", "id")


def fatture_elenco(*, stato: str = "", fornitore: Fornitore | None = None) -> QuerySet[Fattura]:
    """Invoices with the number of discrepancies; by default those still to be checked."""
    qs = Fattura.objects.select_related("fornitore", "contratto").annotate(
        n_discrepanze=Count("discrepanze"))
    if stato == "":
        qs = qs.filter(stato__in=DA_VERIFICARE)
    elif stato != "tutte":
        qs = qs.filter(stato=stato)
    if fornitore is not None:
        qs = qs.filter(fornitore=fornitore)
    return qs.order_by("-data", "-id")


def contratto_importi(contratto: Contratto) -> dict[str, Decimal]:
    """What has been invoiced (contested invoices aside) and paid on the contract."""
    agg = Fattura.objects.filter(contratto=contratto).exclude(
        stato=Fattura.Stato.CONTESTATA).aggregate(
        fatturato=Sum("importo_totale"),
        liquidato=Sum("importo_totale", filter=Q(stato=Fattura.Stato.LIQUIDATA)))
    fatturato = agg["fatturato"] or ZERO
    return {"fatturato": fatturato, "liquidato": agg["liquidato"] or ZERO,
            "residuo": contratto.importo_massimo - fatturato}


def interventi_del_contratto(contratto: Contratto) -> list[Intervento]:
    """The people served under the contract (home-care plans, placements), by name."""
    return list(
        Intervento.objects.filter(Q(piano_domiciliare__contratto=contratto)
                                  | Q(ricovero__contratto=contratto))
        .select_related("persona").distinct()
        .order_by("persona__cognome", "persona__nome", "id"))
