"""What other apps do when a case file closes, without the cartella app importing them.

An app registers a function in its ``AppConfig.ready()``; ``cartella_chiudi`` calls every
one inside its transaction, so the case and what hangs on it change together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

OnClose = Callable[..., None]  # (*, actor, cartella, data: date, motivo: str) -> None

_ON_CLOSE: list[OnClose] = []


def register_on_close(hook: OnClose) -> OnClose:
    if hook not in _ON_CLOSE:
        _ON_CLOSE.append(hook)
    return hook


def run_on_close(*, actor: Any, cartella: Any, data: date, motivo: str) -> None:
    for hook in _ON_CLOSE:
        hook(actor=actor, cartella=cartella, data=data, motivo=motivo)
