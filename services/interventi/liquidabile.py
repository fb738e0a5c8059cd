"""Payments to persons (``Pagamento``) as objects an atto di liquidazione pays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.determine.liquidabili import Voce

from .models import Intervento, Pagamento

KEY = "interventi.pagamento"
PAGABILI = (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO, Intervento.Stato.CONCLUSO)


def _voce(p: Pagamento) -> Voce:
    i = p.intervento
    return Voce(
        oggetto_tipo=KEY, oggetto_id=p.pk,
        descrizione=f"{i.persona.nome_completo} — {i.servizio.nome}, {p.competenza:%m/%Y}"[:300],
        importo=p.importo, determina_id=i.determina_id, persona_id=i.persona_id,
        a_persona=True,
    )


def _base() -> QuerySet[Pagamento]:
    return Pagamento.objects.select_related("intervento__persona", "intervento__servizio")


class PagamentiInterventi:
    key = KEY
    label = _("Pagamenti degli interventi")

    def da_liquidare(self, *, determina: Any) -> list[Voce]:
        qs = _base().filter(stato=Pagamento.Stato.DA_LIQUIDARE, intervento__determina=determina,
                            intervento__stato__in=PAGABILI)
        return [_voce(p) for p in qs.order_by("competenza", "intervento__persona__cognome", "id")]

    def blocca(self, *, ids: Iterable[int]) -> list[Voce]:
        qs = (_base().select_for_update(of=("self",))
              .filter(pk__in=list(ids), stato=Pagamento.Stato.DA_LIQUIDARE,
                      intervento__stato__in=PAGABILI).order_by("id"))
        return [_voce(p) for p in qs]

    def segna_liquidati(self, *, ids: Iterable[int], data: date) -> None:
        ids = list(ids)
        Pagamento.objects.filter(pk__in=ids).update(
            stato=Pagamento.Stato.LIQUIDATO, liquidato_il=data, updated_at=timezone.now())
        Intervento.objects.filter(pagamenti__pk__in=ids, stato=Intervento.Stato.APPROVATO).update(
            stato=Intervento.Stato.IN_CORSO, updated_at=timezone.now())

    def rilascia(self, *, ids: Iterable[int]) -> None:
        """A cancelled liquidazione: the payments are owed again."""
        Pagamento.objects.filter(pk__in=list(ids), stato=Pagamento.Stato.LIQUIDATO).update(
            stato=Pagamento.Stato.DA_LIQUIDARE, liquidato_il=None, updated_at=timezone.now())
