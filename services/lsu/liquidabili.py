"""The monthly LSU pay as the atto di liquidazione sees it (registry key ``lsu.compenso``).
A month is payable while "da liquidare", on the determina of its contract (or on any
determina the user picks when the contract names none)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from services.determine.liquidabili import Voce

from .models import Compenso


class CompensiLsu:
    key = "lsu.compenso"
    label = _("Compensi dei lavori socialmente utili")

    def _voce(self, compenso: Compenso) -> Voce:
        contratto = compenso.contratto
        return Voce(
            oggetto_tipo=self.key, oggetto_id=compenso.pk,
            descrizione=f"LSU {contratto.numero} — {contratto.persona.nome_completo} — "
                        f"{compenso.mese:%m/%Y}, {compenso.ore} ore",
            importo=compenso.importo, determina_id=contratto.determina_id,
            persona_id=contratto.persona_id, a_persona=True)

    def _payable(self) -> QuerySet[Compenso]:
        return Compenso.objects.filter(stato=Compenso.Stato.DA_LIQUIDARE)

    def da_liquidare(self, *, determina: Any) -> list[Voce]:
        qs = (self._payable()
              .filter(Q(contratto__determina__isnull=True)
                      | Q(contratto__determina_id=getattr(determina, "pk", determina)))
              .select_related("contratto__persona").order_by("mese", "id"))
        return [self._voce(c) for c in qs]

    def blocca(self, *, ids: Iterable[int]) -> list[Voce]:
        locked = list(self._payable().filter(pk__in=list(ids)).select_for_update(of=("self",))
                      .select_related("contratto__persona").order_by("id"))
        return [self._voce(c) for c in locked]

    def segna_liquidati(self, *, ids: Iterable[int], data: date) -> None:
        self._payable().filter(pk__in=list(ids)).update(stato=Compenso.Stato.LIQUIDATO,
                                                        liquidato_il=data)

    def rilascia(self, *, ids: Iterable[int]) -> None:
        """A cancelled liquidazione: the monthly pay is owed again."""
        Compenso.objects.filter(pk__in=list(ids), stato=Compenso.Stato.LIQUIDATO).update(
            stato=Compenso.Stato.DA_LIQUIDARE, liquidato_il=None)
