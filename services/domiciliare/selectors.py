"""Reads of home care: planned against worked hours per person and month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from services.fornitori.importi import primo_del_mese, ultimo_del_mese

from .models import OreLavorate, PianoDomiciliare


@dataclass(frozen=True)
class Confronto:
    piano: PianoDomiciliare
    previste: Decimal
    lavorate: Decimal | None  # None: the provider's statement does not list the person

    @property
    def differenza(self) -> Decimal | None:
        return None if self.lavorate is None else self.lavorate - self.previste


def confronto_mese(mese: date, visibili: Q | None = None) -> list[Confronto]:
    """Every plan running in the month (of the people in ``visibili``), with the hours the
    provider's statement says were worked."""
    inizio, fine = primo_del_mese(mese), ultimo_del_mese(mese)
    piani = list(
        PianoDomiciliare.objects.filter(visibili or Q()).filter(dal__lte=fine).filter(Q(al__isnull=True) | Q(al__gte=inizio))
        .select_related("intervento__persona", "contratto__fornitore")
        .order_by("intervento__persona__cognome", "intervento__persona__nome", "id")
    )
    worked = dict(
        OreLavorate.objects.filter(rendiconto__mese=inizio, piano__in=piani)
        .values("piano").annotate(t=Sum("ore")).values_list("piano", "t")
    )
    return [Confronto(piano=p, previste=p.ore_mensili, lavorate=worked.get(p.pk)) for p in piani]
