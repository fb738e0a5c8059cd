"""Reads of personal data and refused attempts, in the audit trail.

The access helpers of each app (``get_persona_for_user``, ``get_cartella_for_user``, ...)
call these, so a page cannot read a person, a case, an application or an act without the
read being written down. A list or a search writes one entry per page (what was asked and
how many rows came back), an export one entry (the filter and the row count), never one
per row. A refused attempt is written by ``RefusalAuditMiddleware`` from the exception the
helper or the capability check raised."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, models, transaction
from django.http import Http404, HttpRequest

from .audit import audit_log

logger = logging.getLogger(__name__)

REFUSED = "accesso.negato"
EXPORTED = "export.scaricato"
# Repeated refusals by one user in this window are highlighted for the dirigente.
REPEATED_THRESHOLD = 3
REPEATED_WINDOW_HOURS = 24


class AccessoNegato(Http404):
    """The 404 of an access helper: the object is missing or not this user's to see (the
    user cannot tell which). It carries what was asked for, for the audit trail only."""

    def __init__(self, object_type: str, ref: Any = None) -> None:
        super().__init__()
        self.object_type = object_type
        self.ref = "" if ref is None else str(ref)[:64]


def _clean(filtro: Mapping[str, Any]) -> dict[str, str]:
    """What was asked, as short strings, empty values left out."""
    out: dict[str, str] = {}
    for key, value in filtro.items():
        if value in (None, "", [], ()) or value is False:
            continue
        if isinstance(value, models.Model):
            value = getattr(value, "public_id", None) or value.pk
        out[key] = str(value)[:200]
    return out


def audit_read(*, user: Any, obj: models.Model, action: str, ip_address: str | None,
               payload: dict | None = None) -> None:
    audit_log(action=action, actor=user, obj=obj, payload=payload, ip_address=ip_address)


def audit_list(*, user: Any, action: str, ip_address: str | None, filtro: Mapping[str, Any],
               righe: int, pagina: int | None = None) -> None:
    """One entry for one page of a list or a search."""
    payload: dict[str, Any] = {"filtro": _clean(filtro), "righe": righe}
    if pagina is not None:
        payload["pagina"] = pagina
    audit_log(action=action, actor=user, payload=payload, ip_address=ip_address)


def audit_export(*, user: Any, ip_address: str | None, export: str, formato: str,
                 filtro: Mapping[str, Any], righe: int) -> None:
    """One entry for one file downloaded (xlsx, CSV, .ics)."""
    audit_log(action=EXPORTED, actor=user, ip_address=ip_address,
              payload={"export": export, "formato": formato, "filtro": _clean(filtro),
                       "righe": righe})


def audit_refusal(request: HttpRequest, *, status: int, object_type: str = "",
                  object_id: str = "", reason: str = "") -> None:
    """Write a refused attempt into the trail of the host's schema. Never breaks the
    answer: if the trail cannot be written the refusal is logged and the user still gets
    their 403/404."""
    from .clientip import client_address

    user = getattr(request, "user", None)
    payload = {"percorso": request.path[:300], "metodo": request.method, "esito": status}
    if reason:
        payload["motivo"] = reason
    try:
        with transaction.atomic():
            audit_log(action=REFUSED, actor=user, payload=payload,
                      ip_address=client_address(request), object_type=object_type,
                      object_id=object_id[:64])
    except DatabaseError:
        logger.exception("refused attempt not written to the audit trail: %s", payload)


def tentativi_negati_per_utente(*, giorni: int = 30) -> list[dict[str, Any]]:
    """Refused attempts of the last ``giorni`` days grouped by who made them: how many,
    how many in the last 24 hours, when the last, from which addresses; those with
    ``REPEATED_THRESHOLD`` or more in the window first, flagged ``ripetuti``."""
    from datetime import timedelta

    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from .models import AuditEntry

    now = timezone.now()
    window = now - timedelta(hours=REPEATED_WINDOW_HOURS)
    rows = list(
        AuditEntry.objects.filter(action=REFUSED, at__gte=now - timedelta(days=giorni))
        .values("actor_id", "actor_label")
        .annotate(totale=Count("id"), recenti=Count("id", filter=Q(at__gte=window)),
                  ultimo=Max("at"),
                  indirizzi=ArrayAgg("ip_address", distinct=True, default=[]))
        .order_by("-recenti", "-ultimo")
    )
    for row in rows:
        row["ripetuti"] = row["recenti"] >= REPEATED_THRESHOLD
        row["indirizzi"] = [a for a in row["indirizzi"] if a]
    rows.sort(key=lambda r: (not r["ripetuti"], -r["recenti"], -r["ultimo"].timestamp()))
    return rows


def tentativi_negati() -> Any:
    """Every refused attempt, newest first (for the dirigente's page)."""
    from .models import AuditEntry

    return AuditEntry.objects.filter(action=REFUSED).order_by("-at", "-id")
