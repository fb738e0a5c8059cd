"""Every e-mail the product sends goes through here: a row in the outbox of the current
schema (``OutgoingMail``), written in the transaction of the action that asks for it, and
one Celery task queued after commit with the schema name and the row's id.

The task is idempotent: it locks the row, and a row already sent is never sent again, even
if the task runs twice. An SMTP failure is recorded on the row (attempts, last error) and
retried with exponential backoff; after the last attempt the row stays ``failed`` with its
error, is logged at ERROR, and shows in the Django admin and on the platform's mail page.
A request never waits for, nor fails because of, the mail server.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from .errors import ValidationFailed
from .models import OutgoingMail
from .queue import current_schema

log = logging.getLogger(__name__)

# Attempts in all: the first and the retries, waiting 1, 2, 4, 8, 16 minutes in between.
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 60
# A row still queued this long after it was written lost its task (broker down at commit):
# the periodic sweep queues it again.
STALE_AFTER = timedelta(minutes=15)
# Sent mails (password-reset links among them) are kept this long, then deleted by the sweep.
SENT_KEPT_FOR = timedelta(days=30)


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the task retries."""


def retry_countdown(attempts: int) -> int:
    return int(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def mail_queue(
    *,
    to: str | Iterable[str],
    subject: str,
    body: str,
    html_body: str = "",
    kind: str = "",
) -> list[OutgoingMail]:
    """Queue one e-mail per recipient in the current schema's outbox; each is sent after
    the surrounding transaction commits (at once when there is none)."""
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    recipients = [r.strip() for r in recipients if r and r.strip()]
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationFailed(
                _("L'indirizzo email «%(email)s» non è valido.") % {"email": address},
                field="to") from exc
    schema_name = current_schema()
    rows: list[OutgoingMail] = []
    with transaction.atomic():
        for address in recipients:
            row = OutgoingMail.objects.create(
                to=address, subject=" ".join(subject.splitlines()).strip()[:255], body=body,
                html_body=html_body, kind=kind[:80])
            rows.append(row)
            # Robust: with the broker down the row stays queued (the sweep sends it later)
            # and the action that asked for the mail still succeeds.
            transaction.on_commit(partial(_dispatch, schema_name, row.pk), robust=True)
    return rows


def _dispatch(schema_name: str, mail_id: int) -> None:
    mail_send.apply_async(args=[schema_name, mail_id], headers={"_schema_name": schema_name})


def mail_deliver(*, mail_id: int, final: bool = False) -> str:
    """Send one outbox row of the current schema, at most once. Returns its status; raises
    ``MailNotSent`` when the server failed and more attempts are left (``final`` False)."""
    failure: Exception | None = None
    with transaction.atomic():
        row = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if row is None:
            log.warning("outgoing mail %s not found in schema %s", mail_id, current_schema())
            return "missing"
        if row.status == OutgoingMail.Status.SENT:
            return row.status
        message = EmailMultiAlternatives(row.subject, row.body, settings.DEFAULT_FROM_EMAIL,
                                         [row.to])
        if row.html_body:
            message.attach_alternative(row.html_body, "text/html")
        now = timezone.now()
        row.attempts += 1
        row.last_attempt_at = now
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            failure = exc
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            last = final or row.attempts >= MAX_ATTEMPTS
            row.status = OutgoingMail.Status.FAILED if last else OutgoingMail.Status.QUEUED
        else:
            row.status = OutgoingMail.Status.SENT
            row.sent_at = now
            row.last_error = ""
        row.save(update_fields=["attempts", "last_attempt_at", "status", "sent_at",
                                "last_error"])
    if failure is not None:
        if row.status == OutgoingMail.Status.FAILED:
            log.error("e-mail %s to %s in schema %s not sent after %s attempts: %s",
                      row.pk, row.to, current_schema(), row.attempts, row.last_error)
        else:
            log.warning("e-mail %s to %s in schema %s not sent (attempt %s): %s",
                        row.pk, row.to, current_schema(), row.attempts, row.last_error)
            raise MailNotSent(row.last_error) from failure
    return row.status


def mail_requeue(*, mail_ids: Iterable[int]) -> int:
    """Send failed (or stuck) rows of the current schema again, from a fresh count of
    attempts: the platform admin's "send again"."""
    schema_name = current_schema()
    queued = 0
    with transaction.atomic():
        rows = list(OutgoingMail.objects.select_for_update()
                    .filter(pk__in=list(mail_ids)).exclude(status=OutgoingMail.Status.SENT))
        for row in rows:
            row.status = OutgoingMail.Status.QUEUED
            row.attempts = 0
            row.save(update_fields=["status", "attempts"])
            transaction.on_commit(partial(_dispatch, schema_name, row.pk), robust=True)
            queued += 1
    return queued


def mail_purge_sent() -> int:
    """Delete the rows of the current schema sent more than ``SENT_KEPT_FOR`` ago."""
    cutoff = timezone.now() - SENT_KEPT_FOR
    deleted, _by_model = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


def stale_mail_ids() -> list[int]:
    """Rows of the current schema still queued long after they were written or last tried."""
    cutoff = timezone.now() - STALE_AFTER
    qs = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, created_at__lt=cutoff)
    qs = qs.exclude(last_attempt_at__gte=cutoff)
    return list(qs.values_list("pk", flat=True)[:500])


@shared_task(bind=True, name="services.core.tasks.mail_send", acks_late=True,
             max_retries=MAX_ATTEMPTS - 1)
def mail_send(self, schema_name: str, mail_id: int) -> str:  # type: ignore[no-untyped-def]
    with schema_context(schema_name):
        if self.request.is_eager:
            # In-process (no broker configured): the attempts follow each other at once,
            # until sent or failed for good; never an exception into the caller's request.
            while True:
                try:
                    return mail_deliver(mail_id=mail_id)
                except MailNotSent:
                    continue
        try:
            return mail_deliver(mail_id=mail_id, final=self.request.retries >= self.max_retries)
        except MailNotSent as exc:
            raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries + 1)) from exc


@shared_task(name="services.core.tasks.mail_sweep_all_tenants")
def mail_sweep_all_tenants() -> int:
    """Periodic, in every schema: queue again the rows whose task was lost, and delete the
    rows sent long ago."""
    from tenants.selectors import active_schema_names

    queued = 0
    for schema_name in ["public", *active_schema_names()]:
        with schema_context(schema_name):
            mail_purge_sent()
            for pk in stale_mail_ids():
                _dispatch(schema_name, pk)
                queued += 1
    return queued


def mail_problems(*, limit_per_schema: int = 100) -> list[dict]:
    """For the platform's mail page: the rows not sent (failed, or queued past
    ``STALE_AFTER``) of every schema, newest first. Only what the page shows leaves each
    schema (no body)."""
    from tenants.selectors import active_schema_names

    cutoff = timezone.now() - STALE_AFTER
    problems: list[dict] = []
    for schema_name in ["public", *active_schema_names()]:
        with schema_context(schema_name):
            rows = (OutgoingMail.objects
                    .exclude(status=OutgoingMail.Status.SENT)
                    .exclude(status=OutgoingMail.Status.QUEUED, created_at__gte=cutoff)
                    .order_by("-created_at")[:limit_per_schema])
            problems.extend(
                {"schema": schema_name, "created_at": r.created_at, "to": r.to,
                 "subject": r.subject, "kind": r.kind, "status": r.get_status_display(),
                 "failed": r.status == OutgoingMail.Status.FAILED, "attempts": r.attempts,
                 "last_error": r.last_error}
                for r in rows)
    problems.sort(key=lambda p: p["created_at"], reverse=True)
    return problems
