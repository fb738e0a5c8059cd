"""Long work of the platform: a Job row the page can poll, and a task queued after commit.

A job whose worker died (no heartbeat for ``AMBITO_JOB_HEARTBEAT_TIMEOUT``) is marked
interrupted when its page shows it and by the periodic sweep, ``jobs_sweep``, which does the
same for every long job of the platform — the platform's jobs, each schema's imports and
the statistics refreshes — and queues them again when automatic resume is on
(``services.core.heartbeat``). Every one of them is idempotent: a resumed provisioning finds
what was made and goes on; a resumed import starts after its last committed batch.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.core.audit import audit_log
from services.core.errors import ValidationFailed
from services.core.heartbeat import heartbeat_limite, ripresa_automatica
from services.core.models import AuditEntry
from services.core.queue import enqueue_on_commit

from .models import Ente, Job, User

log = logging.getLogger(__name__)

# What runs each kind of job: what a resume queues again.
JOB_TASKS = {"provision_comune": "tenants.tasks.provision_comune"}


def job_start_provision_comune(*, params: dict, actor: User) -> Job:
    from .tasks import provision_comune

    with transaction.atomic():
        job = Job.objects.create(
            kind="provision_comune",
            title=f"Creazione del comune {params.get('name', '')} ({params.get('istat_code', '')})",
            params=params,
            created_by=actor,
        )
        audit_log(action="elaborazione.avviata", actor=actor, obj=job, payload={"kind": job.kind})
        enqueue_on_commit(provision_comune, job.pk)
    return job


def job_heartbeat(job_id: int, **fields: Any) -> None:
    """The worker is alive and the job running (with its progress, if given)."""
    Job.objects.filter(pk=job_id).exclude(status__in=[Job.Status.DONE, Job.Status.FAILED]) \
        .update(status=Job.Status.RUNNING, heartbeat_at=timezone.now(), **fields)


def _stale() -> Q:
    limit = heartbeat_limite()
    return Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, updated_at__lt=limit))


def job_interrupt_if_stale(job: Job) -> Job:
    """Mark a running job whose worker stopped beating as interrupted (once, audited in the
    platform's trail, whichever host shows the page)."""
    with schema_context("public"), transaction.atomic():
        stopped = Job.objects.filter(_stale(), pk=job.pk).update(
            status=Job.Status.INTERRUPTED, updated_at=timezone.now())
        job.refresh_from_db()
        if stopped:
            audit_log(action="elaborazione.interrotta", obj=job, payload={
                "kind": job.kind, "progress": job.progress,
                "ultimo_segnale": job.heartbeat_at.isoformat() if job.heartbeat_at else None})
    return job


def job_resume(*, job: Job, actor: User | None, automatic: bool = False) -> Job:
    """Queue an interrupted job again (``actor`` None: the sweep did it)."""
    name = JOB_TASKS.get(job.kind)
    if name is None:
        raise ValidationFailed(_("Questa elaborazione non si può riprendere."))
    with schema_context("public"), transaction.atomic():
        resumed = Job.objects.filter(pk=job.pk, status=Job.Status.INTERRUPTED).update(
            status=Job.Status.QUEUED, resumes=F("resumes") + 1, updated_at=timezone.now())
        job.refresh_from_db()
        if not resumed:
            raise ValidationFailed(_("L'elaborazione non è interrotta: è già ripartita o è "
                                     "terminata."))
        audit_log(action="elaborazione.ripresa", actor=actor, obj=job,
                  payload={"kind": job.kind, "automatica": automatic, "riprese": job.resumes,
                           "progress": job.progress})
        enqueue_on_commit(current_app.tasks[name], job.pk)
    return job


def job_history(job: Job) -> list[AuditEntry]:
    """The job's entries in the platform's trail: started, interrupted, resumed."""
    with schema_context("public"):
        return list(AuditEntry.objects.filter(object_type=job._meta.label_lower,
                                              object_id=str(job.public_id)).order_by("at", "pk"))


def jobs_sweep() -> dict[str, int]:
    """Every long job of the platform whose worker died: marked interrupted, and queued
    again where automatic resume allows it. Run by the beat (``tenants.tasks.jobs_sweep``)."""
    from services.core.importjob import importjob_sweep
    from zone.statistiche.services import aggiornamenti_sweep

    out = {"interrotte": 0, "riprese": 0}
    with schema_context("public"):
        for job in Job.objects.filter(_stale()):
            out["interrotte"] += job_interrupt_if_stale(job).is_interrupted
        for job in Job.objects.filter(status=Job.Status.INTERRUPTED, kind__in=list(JOB_TASKS)):
            if not ripresa_automatica(job.resumes):
                continue
            try:
                job_resume(job=job, actor=None, automatic=True)
            except ValidationFailed:
                continue  # resumed from its page meanwhile
            out["riprese"] += 1
        enti = list(Ente.objects.filter(is_active=True, is_template=False)
                    .exclude(type=Ente.Type.PUBLIC).values_list("schema_name", "type"))
        segnate, riprese = aggiornamenti_sweep()
        out["interrotte"] += segnate
        out["riprese"] += riprese
    for schema_name, tipo in enti:
        with schema_context(schema_name):
            try:
                segnate, riprese = importjob_sweep(tipo=tipo)
            except Exception:  # one schema's trouble must not stop the others' sweep
                log.exception("jobs sweep failed in schema %s", schema_name)
                continue
        out["interrotte"] += segnate
        out["riprese"] += riprese
    return out
