"""What an atto di liquidazione can pay: a registry every app with payable objects joins.

An app whose objects are paid by a liquidazione (``interventi.Pagamento``, a provider's
invoice, an LSU pay slip, ...) registers one ``Liquidabile`` in its ``AppConfig.ready()``.
``services.determine.services.liquidazione_create`` asks each registered kind for the items
it is told to pay, locks and re-checks them, writes one ``RigaLiquidazione`` per item and
then tells the kind they are paid, all in one transaction. The partial unique index on
``RigaLiquidazione(oggetto_tipo, oggetto_id)`` is the last word against paying twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class Voce:
    """One payable object as the liquidazione sees it."""

    oggetto_tipo: str  # the registry key, "app_label.model"
    oggetto_id: int
    descrizione: str
    importo: Decimal
    determina_id: int | None  # the determina it draws on (None: any chosen by the user)
    persona_id: int | None = None  # the beneficiary, for totals per person
    # True when the money goes to the person (``persona_id``), who then needs a payment
    # method (``ModalitaPagamento``); False for a provider's invoice.
    a_persona: bool = False
    modalita: str = ""  # how a payee that is not a person is paid (the provider's IBAN)


class Liquidabile(Protocol):
    #: "app_label.model", also stored in RigaLiquidazione.oggetto_tipo
    key: str
    #: Italian label for pages ("Pagamenti di assistenza economica")
    label: Any

    def da_liquidare(self, *, determina: Any) -> list[Voce]:
        """Items ready to be paid on this determina (for the liquidazione form)."""
        ...

    def blocca(self, *, ids: Iterable[int]) -> list[Voce]:
        """SELECT ... FOR UPDATE the items and return those still payable (in the caller's
        transaction); an item already paid or cancelled is left out."""
        ...

    def segna_liquidati(self, *, ids: Iterable[int], data: date) -> None:
        """Mark the items paid (called in the same transaction, after the rows are written)."""
        ...


_REGISTRY: dict[str, Liquidabile] = {}


def register(kind: Liquidabile) -> None:
    _REGISTRY[kind.key] = kind


def get(key: str) -> Liquidabile:
    return _REGISTRY[key]


def all_kinds() -> list[Liquidabile]:
    return list(_REGISTRY.values())


def rilascia(kind: Liquidabile, *, ids: Iterable[int]) -> None:
    """A cancelled liquidazione makes its items payable again. Optional for a kind: one
    that defines ``rilascia(*, ids)`` gets it called (same transaction); one that does not
    keeps its items as they are (its own pages decide what to do with them)."""
    hook = getattr(kind, "rilascia", None)
    if hook is not None:
        hook(ids=ids)
