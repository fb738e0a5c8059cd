"""A real Celery beat and worker on real Redis: the schedule seals the trail by itself.

Like tests/test_celery_worker.py this writes committed data (an entry in comune A, the
beat's schedule rows, the seals it makes); all harmless to the other tests.
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

from services.core.audit import audit_log
from services.core.models import AuditEntry
from tests.conftest import _CAST

ROOT = Path(__file__).resolve().parents[1]


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ambito", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        return proc.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0]


@pytest.fixture
def beat_and_worker(django_db_setup, django_db_blocker, tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is required: run the suite with scripts/test.sh"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ambito.settings.test",
        "AMBITO_DB_NAME": connection.settings_dict["NAME"],
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        "AMBITO_AUDIT_SEAL_SECONDS": "2",
    }
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    worker = _start(["worker", "--pool=solo", "-Q", queue, "--without-heartbeat",
                     "--without-gossip", "--without-mingle", "--loglevel=INFO"], env)
    beat = _start(["beat", "--loglevel=INFO", "--max-interval=1",
                   f"--pidfile={tmp_path / 'beat.pid'}"], env)
    try:
        with django_db_blocker.unblock():
            yield worker, beat
    finally:
        for name, proc in (("beat", beat), ("worker", worker)):
            print(f"--- {name}\n{_stop(proc)[-3000:]}")
        connection.set_schema_to_public()


@pytest.mark.worker
def test_beat_seals_on_schedule(beat_and_worker):
    worker, beat = beat_and_worker
    schema = _CAST[0].comune_a.ente.schema_name
    with schema_context(schema):
        entry = audit_log(action="prova.beat")
    deadline = time.monotonic() + 90
    sealed = False
    while time.monotonic() < deadline and worker.poll() is None and beat.poll() is None:
        with schema_context(schema):
            sealed = AuditEntry.objects.get(pk=entry.pk).sealed_in_id is not None
        if sealed:
            break
        time.sleep(0.5)
    assert worker.poll() is None, "the worker died"
    assert beat.poll() is None, "beat died"
    assert sealed, "beat + worker did not seal comune A's trail within 90 s"
