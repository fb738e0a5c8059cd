"""Long jobs that outlive their worker: the shared rule.

A worker stamps a heartbeat on its job at each committed step (a batch of an import, a step
of a provisioning, the phases of a statistics refresh). A job still "running" whose
heartbeat is older than ``AMBITO_JOB_HEARTBEAT_TIMEOUT`` seconds has lost its worker (killed,
out of memory, a deploy): it is shown as interrupted, when a page shows it and by the
periodic sweep (``tenants.tasks.jobs_sweep``), which also queues it again from its last
committed step when ``AMBITO_JOB_AUTO_RESUME`` is on — at most ``MAX_RIPRESE_AUTOMATICHE``
times, so a job that kills its worker every time waits for a person instead of looping.
Every job of the platform is idempotent by design: resuming one never does a step twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

MAX_RIPRESE_AUTOMATICHE = 3


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "AMBITO_JOB_HEARTBEAT_TIMEOUT", 300)))


def heartbeat_limite() -> datetime:
    """A running job whose last heartbeat is older than this has lost its worker."""
    return timezone.now() - heartbeat_timeout()


def ripresa_automatica(riprese: int) -> bool:
    """Whether the sweep queues an interrupted job again by itself."""
    return bool(getattr(settings, "AMBITO_JOB_AUTO_RESUME", True)) \
        and riprese < MAX_RIPRESE_AUTOMATICHE
