"""One way out for e-mail: an outbox row in the schema of the request, a Celery task after
commit, sent at most once, retried on SMTP failure and left visible with its error."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from services.core.errors import ValidationFailed
from services.core.mail import MAX_ATTEMPTS, mail_deliver, mail_queue, mail_requeue, mail_send
from services.core.models import OutgoingMail
from tests.conftest import host


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there any more
    return port


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


def test_password_reset_answers_normally_when_smtp_is_down(
        cast, smtp_down, django_capture_on_commit_callbacks):
    from django.test import Client

    user = cast.by_role["operatore_sportello"]
    c = Client(HTTP_HOST=host(cast.comune_a.ente))
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert c.get(response["Location"]).status_code == 200
    with tenant_context(cast.comune_a.ente):
        row = OutgoingMail.objects.get(to=user.email)
    assert row.status == OutgoingMail.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.sent_at is None
    assert row.kind == "account/email/password_reset_key"


def test_password_reset_mail_goes_through_the_outbox(cast, django_capture_on_commit_callbacks):
    from django.test import Client

    user = cast.by_role["operatore_sportello"]
    c = Client(HTTP_HOST=host(cast.comune_a.ente))
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    with tenant_context(cast.comune_a.ente):
        row = OutgoingMail.objects.get(to=user.email)
    assert row.status == OutgoingMail.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1


def test_the_task_never_sends_a_row_twice(cast, django_capture_on_commit_callbacks):
    with tenant_context(cast.comune_a.ente):
        with django_capture_on_commit_callbacks(execute=True):
            [row] = mail_queue(to="a.rossi@comune.test", subject="Prova", body="Testo")
        assert len(mail.outbox) == 1
        mail_send.apply(args=[cast.comune_a.ente.schema_name, row.pk])
        assert mail_deliver(mail_id=row.pk) == OutgoingMail.Status.SENT
        assert len(mail.outbox) == 1
        row.refresh_from_db()
        assert row.attempts == 1


def test_nothing_is_sent_before_commit_and_the_row_lives_in_the_request_schema(
        cast, django_capture_on_commit_callbacks):
    with tenant_context(cast.comune_a.ente):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            mail_queue(to=["x@comune.test", "y@comune.test", "x@comune.test"],
                       subject="Due", body="Corpo")
        assert mail.outbox == []
        assert len(callbacks) == 2
        assert OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).count() == 2
    with tenant_context(cast.comune_b.ente):
        assert not OutgoingMail.objects.exists()
    assert not OutgoingMail.objects.filter(to="x@comune.test").exists()  # public schema


def test_a_failure_is_retried_then_kept_with_its_error(cast, smtp_down, settings,
                                                      django_capture_on_commit_callbacks):
    with tenant_context(cast.comune_a.ente):
        with django_capture_on_commit_callbacks(execute=True):
            [row] = mail_queue(to="b.verdi@comune.test", subject="Prova", body="Testo")
        row.refresh_from_db()
        assert row.status == OutgoingMail.Status.FAILED
        assert row.attempts == MAX_ATTEMPTS
        assert row.last_error
        # The mail server is back: the platform admin sends it again.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with django_capture_on_commit_callbacks(execute=True):
            assert mail_requeue(mail_ids=[row.pk]) == 1
        row.refresh_from_db()
        assert row.status == OutgoingMail.Status.SENT
        assert row.last_error == ""
        assert len(mail.outbox) == 1


def test_retries_back_off():
    from services.core.mail import retry_countdown

    assert [retry_countdown(n) for n in range(1, 6)] == [60, 120, 240, 480, 960]


def test_a_bad_address_is_refused_in_italian(cast):
    with pytest.raises(ValidationFailed, match="non è valido"):
        mail_queue(to="non-un-indirizzo", subject="x", body="y")
    assert not OutgoingMail.objects.exists()


def test_the_failed_mails_show_in_the_admin(cast):
    from tests.conftest import client_for

    row = OutgoingMail.objects.create(to="c@comune.test", subject="Oggetto visibile", body="b",
                                      status=OutgoingMail.Status.FAILED, attempts=6,
                                      last_error="SMTPServerDisconnected: boom")
    page = client_for(cast.superuser).get("/admin/core/outgoingmail/?status=failed")
    assert page.status_code == 200
    assert "Oggetto visibile" in page.content.decode()
    assert "boom" in page.content.decode()
    assert row.pk


def test_the_platform_page_lists_failures_of_every_schema(cast):
    from tests.conftest import client_for

    with tenant_context(cast.comune_a.ente):
        OutgoingMail.objects.create(to="d@comune.test", subject="Fallita a Perugia", body="b",
                                    status=OutgoingMail.Status.FAILED, attempts=6,
                                    last_error="SMTPRecipientsRefused: no")
        OutgoingMail.objects.create(to="e@comune.test", subject="Appena in coda", body="b")
    page = client_for(cast.superuser).get("/piattaforma/posta/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Fallita a Perugia" in content
    assert cast.comune_a.ente.schema_name in content
    assert "SMTPRecipientsRefused" in content
    assert "Appena in coda" not in content  # queued a moment ago: not a problem yet
    assert client_for(cast.by_role["dirigente"]).get("/piattaforma/posta/").status_code == 404


def test_the_sweep_requeues_lost_rows_and_forgets_old_sent_ones(cast):
    from datetime import timedelta

    from django.utils import timezone

    from services.core.mail import mail_sweep_all_tenants

    now = timezone.now()
    with tenant_context(cast.comune_a.ente):
        lost = OutgoingMail.objects.create(to="f@comune.test", subject="Persa", body="b")
        OutgoingMail.objects.filter(pk=lost.pk).update(created_at=now - timedelta(hours=1))
        old = OutgoingMail.objects.create(to="g@comune.test", subject="Vecchia", body="b",
                                          status=OutgoingMail.Status.SENT,
                                          sent_at=now - timedelta(days=40))
        recent = OutgoingMail.objects.create(to="h@comune.test", subject="Recente", body="b",
                                             status=OutgoingMail.Status.SENT, sent_at=now)
    assert mail_sweep_all_tenants.apply().get() == 1
    with tenant_context(cast.comune_a.ente):
        lost.refresh_from_db()
        assert lost.status == OutgoingMail.Status.SENT
        assert not OutgoingMail.objects.filter(pk=old.pk).exists()
        assert OutgoingMail.objects.filter(pk=recent.pk).exists()
    assert [m.subject for m in mail.outbox] == ["Persa"]
