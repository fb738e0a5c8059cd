"""Tasks that run in every schema of the platform: sealing and verifying the audit trail
(scheduled by Celery beat, ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from .audit import audit_seal, audit_verification_run
from .mail import mail_send, mail_sweep_all_tenants  # noqa: F401 - registered with the worker

log = logging.getLogger(__name__)


def _audited_schemas() -> list[str]:
    """The platform's own schema and every working tenant's: all of them keep a trail."""
    from tenants.selectors import active_schema_names

    return [get_public_schema_name(), *active_schema_names()]


@shared_task(name="services.core.tasks.audit_seal_tenant", acks_late=True)
def audit_seal_tenant() -> int:
    """Seal the current schema's audit trail (the schema travels with the task)."""
    total = 0
    while (seal := audit_seal()) is not None:
        total += seal.entry_count
    return total


@shared_task(name="services.core.tasks.audit_seal_all_tenants")
def audit_seal_all_tenants() -> int:
    """Periodic fan-out: one task per schema, each queued from inside that schema so it runs
    there."""
    schemas = _audited_schemas()
    for schema_name in schemas:
        with schema_context(schema_name):
            audit_seal_tenant.delay()
    return len(schemas)


@shared_task(name="services.core.tasks.audit_verify_tenant", acks_late=True)
def audit_verify_tenant(verification_id: int | None = None) -> str:
    """Check the current schema's chain: the dirigente's request (``verification_id``) or a
    scheduled check (a new record). Returns the outcome."""
    return str(audit_verification_run(verification_id=verification_id).outcome)


@shared_task(name="services.core.tasks.audit_verify_all_tenants")
def audit_verify_all_tenants() -> int:
    """Periodic fan-out of the chain check, one task per schema."""
    schemas = _audited_schemas()
    for schema_name in schemas:
        with schema_context(schema_name):
            audit_verify_tenant.delay()
    return len(schemas)
