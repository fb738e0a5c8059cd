"""Provisioning as background work, with progress recorded on a Job row."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from services.core.errors import AmbitoError

from .jobs import job_heartbeat
from .jobs import jobs_sweep as _jobs_sweep
from .models import Job
from .services.provisioning import comune_create

log = logging.getLogger(__name__)


def _progress(job_id: int):  # type: ignore[no-untyped-def]
    def report(pct: int, message: str) -> None:
        job_heartbeat(job_id, progress=pct, message=str(message)[:500])
    return report


@shared_task(name="tenants.tasks.provision_comune", bind=True, acks_late=True, max_retries=3)
def provision_comune(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a retried or repeated task finds the comune made and changes nothing."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    job_heartbeat(job.pk)
    params = job.params
    try:
        result = comune_create(
            istat_code=params["istat_code"],
            name=params["name"],
            zona_code=params["zona_code"],
            slug=params.get("slug") or None,
            belfiore_code=params.get("belfiore_code", ""),
            provincia=params.get("provincia", ""),
            population=params.get("population"),
            actor=job.created_by,
            progress=_progress(job.pk),
        )
    except AmbitoError as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        return Job.Status.FAILED
    except Exception as exc:
        log.exception("provisioning job %s failed", job.pk)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=10) from exc
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            message="Errore imprevisto: il comune non è stato creato.",
            finished_at=timezone.now(),
        )
        return Job.Status.FAILED
    comune = result.obj
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            progress=100,
            message=("Comune creato." if result.created else "Il comune esisteva già."),
            result={"comune": str(comune.public_id), "schema": comune.ente.schema_name,
                    "domain": comune.ente.get_primary_domain().domain},
            finished_at=timezone.now(),
        )
    return Job.Status.DONE


@shared_task(name="tenants.tasks.jobs_sweep")
def jobs_sweep() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE): long jobs whose worker died are marked interrupted
    and, where automatic resume allows it, queued again (``tenants.jobs.jobs_sweep``)."""
    return _jobs_sweep()
