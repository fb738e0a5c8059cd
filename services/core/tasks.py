"""Tasks that run in every schema of the platform."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from .audit import audit_seal
from .mail import mail_send, mail_sweep_all_tenants  # noqa: F401 - registered with the worker

log = logging.getLogger(__name__)


@shared_task(name="services.core.tasks.audit_seal_tenant", acks_late=True)
def audit_seal_tenant() -> int:
    """Seal the current schema's audit trail (the schema travels with the task)."""
    total = 0
    while (seal := audit_seal()) is not None:
        total += seal.entry_count
    return total


@shared_task(name="services.core.tasks.audit_seal_all_tenants")
def audit_seal_all_tenants() -> int:
    """Periodic fan-out: one task per active schema, each queued from inside that schema so
    it runs there."""
    from tenants.selectors import active_schema_names

    queued = 0
    for schema_name in active_schema_names():
        with schema_context(schema_name):
            audit_seal_tenant.delay()
        queued += 1
    return queued
