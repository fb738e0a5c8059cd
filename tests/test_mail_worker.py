"""The outbox with a real Celery worker on Redis: a mail queued in comune A is sent by the
worker in A's schema, once, even when its task is queued twice. Committed data, removed
after."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import schema_context

from services.core.mail import _dispatch, mail_queue
from services.core.models import OutgoingMail
from tests.conftest import _CAST
from tests.test_celery_worker import worker  # noqa: F401 - the fixture


@pytest.mark.worker
def test_the_worker_sends_an_outbox_row_once(worker):  # noqa: F811
    schema_a = _CAST[0].comune_a.ente.schema_name
    with schema_context(schema_a):
        [row] = mail_queue(to="worker.prova@comune.test", subject="Dal worker", body="Testo")
        _dispatch(schema_a, row.pk)  # the same task a second time
    try:
        deadline = time.monotonic() + 60
        sent = None
        while time.monotonic() < deadline and worker.poll() is None:
            with schema_context(schema_a):
                sent = OutgoingMail.objects.get(pk=row.pk)
            if sent.status == OutgoingMail.Status.SENT:
                break
            time.sleep(0.3)
        assert worker.poll() is None, "the worker died"
        assert sent is not None
        assert sent.status == OutgoingMail.Status.SENT
        time.sleep(1.5)  # let the second task run too
        with schema_context(schema_a):
            again = OutgoingMail.objects.get(pk=row.pk)
        assert again.attempts == 1
        assert again.sent_at == sent.sent_at
    finally:
        with schema_context(schema_a):
            OutgoingMail.objects.filter(pk=row.pk).delete()
