"""Entering a comune's (or a zone's) schema, and what every reader there shares: the
keyed hash that stands for a person, the age band, the service code of a row, the
person's current residence."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django_tenants.utils import tenant_context

from tenants.models import Comune, Ente

T = TypeVar("T")

# Rows written by a transaction still open when a refresh starts carry an updated_at older
# than the watermark the refresh records; reading this much further back catches them (the
# upsert makes reading a row twice harmless).
OVERLAP = timedelta(minutes=10)
PAGAMENTO = "interventi.pagamento"
ZERO = Decimal("0.00")
# An intervention counts as a person served once it is decided in favour.
SERVITI = ("approvato", "in_corso", "concluso")

Row = dict[str, Any]


def in_ente(ente: Ente, fn: Callable[[], T]) -> T:
    """Run ``fn`` in the ente's schema. ``fn`` must return plain values (evaluated lists,
    dicts, numbers): a lazy queryset would be evaluated later in another schema."""
    with tenant_context(ente):
        return fn()


def in_comune(comune: Comune, fn: Callable[[], T]) -> T:
    return in_ente(comune.ente, fn)


def _trasferiti(since: datetime | None, persona_path: str) -> Q:
    """Rows whose person's residence changed since ``since``: for a zone's facts the comune
    they count for follows the person (a new address does not touch the person's row)."""
    from services.anagrafica.models import Indirizzo

    if since is None:
        return Q()
    return Q(Exists(Indirizzo.objects.filter(persona_id=OuterRef(persona_path),
                                             updated_at__gt=since - OVERLAP)))


def _residenza(persona_path: str) -> Subquery:
    """The ISTAT code of the comune of the person's current residence (a code of a comune,
    not of a person: it only tells the store which comune a zone's fact counts for)."""
    from services.anagrafica.models import Indirizzo

    return Subquery(Indirizzo.objects.filter(
        persona_id=OuterRef(persona_path), tipo=Indirizzo.Tipo.RESIDENZA, al__isnull=True,
    ).values("comune_istat")[:1])


def persona_hash(codice_fiscale: str, *, fallback: str = "") -> str:
    """HMAC-SHA256 of the codice fiscale with the platform's reporting key: the same person
    gets the same hash in every comune, and without the key nobody can go back to the CF.
    A person without a codice fiscale is hashed from ``fallback`` (their id in their own
    schema): counted once in that comune, never matched across comuni."""
    cf = (codice_fiscale or "").strip().upper()
    material = f"cf:{cf}" if cf else f"id:{fallback}"
    key = settings.AMBITO_REPORTING_KEY.encode()
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


def fascia_eta(nascita: date | None, alla_data: date | None) -> str:
    if nascita is None or alla_data is None:
        return ""
    anni = alla_data.year - nascita.year - ((alla_data.month, alla_data.day) < (nascita.month, nascita.day))
    if anni < 18:
        return "0-17"
    return "18-64" if anni < 65 else "65+"


def _codice(row: Mapping[str, Any], prefix: str) -> str:
    return row[f"{prefix}codice_prestazione__codice"] or row[f"{prefix}voce_nomenclatore__codice"] or ""
