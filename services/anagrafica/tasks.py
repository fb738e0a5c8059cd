"""Background work of the person registry. Tasks run in the schema that queued them (the
schema travels in the task headers, see services/core/queue.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from .importer import anagrafe_import_run, import_segna_fallito

log = logging.getLogger(__name__)


@shared_task(name="services.anagrafica.tasks.anagrafe_import_task", bind=True, acks_late=True,
             max_retries=3)
def anagrafe_import_task(self, import_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a finished import is not run again; a crashed or retried one resumes
    after its last committed batch, and rows already applied come out unchanged."""
    try:
        return anagrafe_import_run(import_id).stato
    except Exception as exc:
        log.exception("anagrafe import %s failed", import_id)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30) from exc
        return import_segna_fallito(
            import_id=import_id,
            messaggio=_("Errore imprevisto: l'importazione si è fermata. Le righe già "
                        "elaborate restano; avvisa l'assistenza."),
        ).stato
