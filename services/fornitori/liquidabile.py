"""Providers' invoices as objects an atto di liquidazione pays (registry key
``fornitori.fattura``). Only invoices checked without discrepancies (``verificata``) or
accepted by the dirigente (``accettata``) are offered, and only until they are paid."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.determine.liquidabili import Voce

from .models import Fattura

KEY = "fornitori.fattura"


def _voce(f: Fattura) -> Voce:
    persone = {r.intervento.persona_id for r in f.righe.all()}
    return Voce(
        oggetto_tipo=KEY, oggetto_id=f.pk,
        descrizione=str(_("Fattura n. %(n)s del %(d)s — %(f)s (%(m)s)")
                        % {"n": f.numero, "d": f.data.strftime("%d/%m/%Y"), "f": f.fornitore,
                           "m": f.competenza.strftime("%m/%Y")}),
        importo=f.importo_totale,
        determina_id=f.contratto.determina_id,
        persona_id=next(iter(persone)) if len(persone) == 1 else None,
        modalita=(str(_("Bonifico IBAN %(i)s") % {"i": f.fornitore.iban})
                  if f.fornitore.iban else ""),
    )


def _payable() -> QuerySet[Fattura]:
    return Fattura.objects.filter(stato__in=Fattura.LIQUIDABILI, liquidata_il__isnull=True)


class FatturaLiquidabile:
    key = KEY
    label = _("Fatture dei fornitori")

    def da_liquidare(self, *, determina: Any) -> list[Voce]:
        """Invoices ready for payment on this determina: those of contracts it funds, and
        those of contracts with no determina (the user chooses which one pays them)."""
        fatture = (_payable()
                   .filter(Q(contratto__determina=determina) | Q(contratto__determina__isnull=True))
                   .select_related("fornitore", "contratto")
                   .prefetch_related("righe__intervento")
                   .order_by("data", "id"))
        return [_voce(f) for f in fatture]

    def blocca(self, *, ids: Iterable[int]) -> list[Voce]:
        locked = list(Fattura.objects.select_for_update(of=("self",))
                      .filter(pk__in=list(ids)).select_related("fornitore", "contratto")
                      .order_by("pk"))
        payable = [f for f in locked
                   if f.stato in Fattura.LIQUIDABILI and f.liquidata_il is None]
        prefetch_related_objects(payable, "righe__intervento")
        return [_voce(f) for f in payable]

    def segna_liquidati(self, *, ids: Iterable[int], data: date) -> None:
        Fattura.objects.filter(pk__in=list(ids), stato__in=Fattura.LIQUIDABILI).update(
            stato=Fattura.Stato.LIQUIDATA, liquidata_il=data, updated_at=timezone.now())

    def rilascia(self, *, ids: Iterable[int]) -> None:
        """A cancelled liquidazione: the invoices are payable again, in the state they were
        paid from (accepted by the dirigente when there is a reason, else verified)."""
        liquidate = Fattura.objects.filter(pk__in=list(ids), stato=Fattura.Stato.LIQUIDATA)
        liquidate.filter(motivazione="").update(
            stato=Fattura.Stato.VERIFICATA, liquidata_il=None, updated_at=timezone.now())
        liquidate.exclude(motivazione="").update(
            stato=Fattura.Stato.ACCETTATA, liquidata_il=None, updated_at=timezone.now())
