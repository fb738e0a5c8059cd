"""Writing and sealing the audit trail of the current schema."""

from __future__ import annotations

import hashlib
import json

from django.db import models, transaction

from .models import AuditEntry, AuditSeal


def _actor_label(user: object) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "sistema"
    return getattr(user, "email", "") or str(user)


def audit_log(
    *,
    action: str,
    actor: object | None = None,
    obj: models.Model | None = None,
    payload: dict | None = None,
    ip_address: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Record one action (namespaced code such as ``comune.creato``) in the current schema's
    trail. Call it inside the transaction of the write it describes. ``object_type`` and
    ``object_id`` name an object without loading it (a refused request for one), when no
    ``obj`` is given."""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None) if actor is not None else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=object_id,
        ip_address=ip_address,
        payload=payload or {},
    )


def _entry_digest(previous: str, entry: AuditEntry) -> str:
    material = json.dumps(
        [
            previous,
            entry.pk,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.ip_address,
            entry.payload,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def audit_seal(*, batch_size: int = 5000) -> AuditSeal | None:
    """Seal the entries written since the last seal into the hash chain. Running it twice
    in a row seals nothing the second time (returns None)."""
    with transaction.atomic():
        # One sealer per schema at a time.
        last = AuditSeal.objects.select_for_update().order_by("-id").first()
        previous = last.digest if last else ""
        entries = list(
            AuditEntry.objects.filter(sealed_in__isnull=True).order_by("id")[:batch_size]
        )
        if not entries:
            return None
        digest = previous
        for entry in entries:
            digest = _entry_digest(digest, entry)
        seal = AuditSeal.objects.create(
            first_entry_id=entries[0].pk,
            last_entry_id=entries[-1].pk,
            entry_count=len(entries),
            previous_digest=previous,
            digest=digest,
        )
        AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).update(sealed_in=seal)
        return seal


def audit_verify() -> list[AuditSeal]:
    """Recompute the chain; return the seals whose entries no longer match."""
    broken: list[AuditSeal] = []
    previous = ""
    for seal in AuditSeal.objects.order_by("id"):
        digest = previous
        for entry in AuditEntry.objects.filter(sealed_in=seal).order_by("id"):
            digest = _entry_digest(digest, entry)
        if seal.previous_digest != previous or digest != seal.digest:
            broken.append(seal)
        previous = seal.digest
    return broken
