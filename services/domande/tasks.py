"""Background work of the applications. Tasks run in the schema that queued them (the schema
travels in the task headers, see services/core/queue.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from .importer import import_segna_fallito, protocollo_import_run

log = logging.getLogger(__name__)


@shared_task(name="services.domande.tasks.protocollo_import_task", bind=True, acks_late=True,
             max_retries=3)
def protocollo_import_task(self, import_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a finished import is not run again; a retried one resumes after its last
    committed batch, and protocols already registered come out unchanged."""
    try:
        return protocollo_import_run(import_id).stato
    except Exception as exc:
        log.exception("protocollo import %s failed", import_id)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30) from exc
        return import_segna_fallito(
            import_id=import_id,
            messaggio=_("Errore imprevisto: l'importazione si è fermata. Le righe già "
                        "elaborate restano; avvisa l'assistenza."),
        ).stato
