"""Background work of the applications. Tasks run in the schema that queued them (the schema
travels in the task headers, see services/core/queue.py)."""

from __future__ import annotations

from celery import shared_task

from services.core.importjob import importjob_task

from .importer import run


@shared_task(name="services.domande.tasks.protocollo_import_task", bind=True, acks_late=True,
             max_retries=3)
def protocollo_import_task(self, import_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a finished import is not run again; a retried one resumes after its last
    committed batch, and protocols already registered come out unchanged."""
    return importjob_task(self, run.ImportProtocolloRun, import_id, lotto=run.LOTTO)
