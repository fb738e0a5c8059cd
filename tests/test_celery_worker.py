"""A real Celery worker on real Redis: a task queued from comune A runs in A's schema.

The data must be committed for the worker process to see it, so this test writes outside
the per-test transaction; what it leaves (audit entries and a seal in A and B) is harmless
to the other tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from ambito.celery import app as celery_app
from services.core.audit import audit_log
from services.core.models import AuditEntry
from services.core.queue import enqueue_on_commit
from services.core.tasks import audit_seal_tenant
from tests.conftest import _CAST

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def worker(django_db_setup, django_db_blocker):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is required: run the suite with scripts/test.sh"
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ambito.settings.test",
        "AMBITO_DB_NAME": connection.settings_dict["NAME"],
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ambito", "worker", "--pool=solo",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    try:
        with django_db_blocker.unblock():
            yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
        proc.terminate()
        try:
            output = proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
        print(output[-4000:])
        connection.set_schema_to_public()


@pytest.mark.worker
def test_task_from_comune_a_runs_in_schema_a(worker):
    cast = _CAST[0]
    schema_a, schema_b = cast.comune_a.ente.schema_name, cast.comune_b.ente.schema_name
    with schema_context(schema_b):
        in_b = audit_log(action="prova.worker.b")
    with schema_context(schema_a):
        in_a = audit_log(action="prova.worker.a")
        enqueue_on_commit(audit_seal_tenant)  # no transaction open: sent at once

    deadline = time.monotonic() + 60
    sealed = False
    while time.monotonic() < deadline and worker.poll() is None:
        with schema_context(schema_a):
            sealed = AuditEntry.objects.get(pk=in_a.pk).sealed_in_id is not None
        if sealed:
            break
        time.sleep(0.3)

    assert worker.poll() is None, "the worker died"
    assert sealed, "the worker did not seal comune A's trail within 60 s"
    with schema_context(schema_b):
        assert AuditEntry.objects.get(pk=in_b.pk).sealed_in_id is None
