"""Two people doing the same thing at the same moment, on two real database connections.

Each action runs in its own thread (its own connection) inside the ente's schema; a barrier
releases them together. The data they act on must be committed before (the threads do not
see the test's transaction), and removed by the test afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from services.core.errors import ValidationFailed


def at_once(ente: Any, actions: dict[str, Callable[[], Any]]) -> dict[str, tuple[str, Any]]:
    """Run every action together. Per action: ("ok", its result), ("errore", the message of
    a clean refusal) or ("crash", anything else, for the assertion to show)."""
    barrier = threading.Barrier(len(actions), timeout=10)
    results: dict[str, tuple[str, Any]] = {}

    def run(name: str, action: Callable[[], Any]) -> None:
        try:
            connection.set_tenant(ente)
            barrier.wait()
            results[name] = ("ok", action())
        except ValidationFailed as exc:
            results[name] = ("errore", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            results[name] = ("crash", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
