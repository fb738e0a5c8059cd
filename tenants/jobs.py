"""Starting long work: a Job row the page can poll, and a task queued after commit."""

from __future__ import annotations

from django.db import transaction

from services.core.audit import audit_log
from services.core.queue import enqueue_on_commit

from .models import Job, User


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
