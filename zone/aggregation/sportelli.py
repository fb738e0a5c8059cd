"""The district's own front offices (in the zone's schema, gestione associata), read for a
comune's page: the one cross-schema read of the segretariato, here as every other one."""

from __future__ import annotations

from typing import Any

from tenants.models import Ente

from .schemi import in_ente


def _attivi_qui() -> list[dict[str, Any]]:
    from services.accesso.models import Sportello

    rows = (Sportello.objects.filter(attivo=True).order_by("nome")
            .values("nome", "indirizzo", "orari", "telefono", "email"))
    return [dict(r) for r in rows]


def sportelli_distretto(ente: Ente) -> list[dict[str, Any]]:
    """The open front offices of the zone ``ente`` belongs to (its own for a zone), as plain
    values; none when the ente has no zone."""
    zona_ente = _zona_ente(ente)
    if zona_ente is None:
        return []
    return in_ente(zona_ente, _attivi_qui)


def _zona_ente(ente: Ente) -> Ente | None:
    if ente.type == Ente.Type.ZONA:
        return ente
    comune = getattr(ente, "comune", None)
    if comune is None:
        return None
    return comune.zona.ente
