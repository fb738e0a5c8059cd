"""Reads of placements: occupancy per structure, placements running on a day."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from .models import Ricovero, Struttura


def _in_corso(giorno: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}dal__lte": giorno}) & (
        Q(**{f"{prefix}al__isnull": True}) | Q(**{f"{prefix}al__gte": giorno}))


def occupazione(giorno: date) -> QuerySet[Struttura]:
    """Structures with ``ospiti``: guests placed on the day (capacity is ``posti``)."""
    return (Struttura.objects.select_related("fornitore")
            .annotate(ospiti=Count("ricoveri", filter=_in_corso(giorno, "ricoveri__")))
            .order_by("nome", "id"))


def ricoveri_in_corso(giorno: date) -> QuerySet[Ricovero]:
    return (Ricovero.objects.filter(_in_corso(giorno))
            .select_related("intervento__persona", "struttura")
            .order_by("struttura__nome", "intervento__persona__cognome",
                      "intervento__persona__nome", "id"))
