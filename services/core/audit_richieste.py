"""The dirigente's request for a check of the audit chain now: recorded, audited and run
by a Celery task after commit. Apart from ``audit.py`` because it queues the task that
``tasks.py`` defines over ``audit.py`` (keeping the imports one-way)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .audit import _actor_label, audit_log
from .models import AuditVerification
from .queue import enqueue_on_commit
from .tasks import audit_verify_tenant


def audit_verification_request(*, actor: object, ip_address: str | None = None,
                               ) -> AuditVerification:
    """The dirigente asks for a check now: recorded, audited, run by a task after commit. A
    check already running is returned instead of queueing another."""
    running = AuditVerification.objects.filter(
        outcome=AuditVerification.Outcome.RUNNING,
        requested_at__gte=timezone.now() - timedelta(minutes=10),
    ).first()
    if running is not None:
        return running
    with transaction.atomic():
        verification = AuditVerification.objects.create(
            requested_by_id=getattr(actor, "pk", None), requested_by_label=_actor_label(actor))
        audit_log(action="registro.verifica_richiesta", actor=actor, obj=verification,
                  ip_address=ip_address)
        enqueue_on_commit(audit_verify_tenant, verification.pk)
    return verification
