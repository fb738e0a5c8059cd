"""Building blocks every schema shares: the abstract base model and the audit trail.

This app is installed in the public schema and in every tenant schema, so an audit entry
is written to the schema of whoever acts: a comune's entries stay in the comune's schema.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps, and a UUID that identifies the row outside its schema (URLs, exports,
    flows): integer keys collide across comuni."""

    public_id = models.UUIDField(_("identificativo"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Append-only: nothing in the application updates or deletes a row, and the database
    refuses it too (trigger installed by this app's migration)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    # No foreign key: users live in the public schema and a user may be deleted while the
    # trail must remain. Both the id and a readable label are kept.
    actor_id = models.BigIntegerField(_("utente"), null=True, blank=True)
    actor_label = models.CharField(_("utente"), max_length=254, blank=True)
    action = models.CharField(_("azione"), max_length=80, db_index=True)
    object_type = models.CharField(_("tipo oggetto"), max_length=80, blank=True)
    object_id = models.CharField(_("oggetto"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    payload = models.JSONField(_("dettagli"), default=dict, blank=True)
    sealed_in = models.ForeignKey(
        "core.AuditSeal", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("voce del registro attività")
        verbose_name_plural = _("registro attività")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditSeal(models.Model):
    """A hash chain over the audit trail: each seal covers the entries written since the
    previous one, so a row altered behind the application's back shows up on verification."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sealed_at = models.DateTimeField(auto_now_add=True)
    first_entry_id = models.BigIntegerField()
    last_entry_id = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    previous_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_entry_id__gte=models.F("first_entry_id")),
                name="audit_seal_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_entry_id}-{self.last_entry_id} {self.digest[:12]}"


class Contatore(models.Model):
    """Progressive numbers per schema, key and year (schede, cartelle, protocol-like
    numbers): gap-free within a committed transaction, never reused."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    chiave = models.CharField(max_length=40)
    anno = models.PositiveSmallIntegerField()
    valore = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chiave", "anno"], name="contatore_chiave_anno")
        ]

    def __str__(self) -> str:
        return f"{self.chiave}/{self.anno}: {self.valore}"


class OutgoingMail(models.Model):
    """One e-mail the product sends, in the schema of whoever asked for it: written in the
    transaction of the action, sent after commit by one Celery task
    (``services.core.mail``). A row already sent is never sent again; a failure stays
    here with its error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        SENT = "sent", _("Inviata")
        FAILED = "failed", _("Non inviata")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True, db_index=True)
    to = models.EmailField(_("destinatario"))
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    html_body = models.TextField(_("testo HTML"), blank=True)
    # What asked for it (``account/email/password_reset_key``, ``tribunale.notifica``).
    kind = models.CharField(_("tipo"), max_length=80, blank=True)
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    last_attempt_at = models.DateTimeField(_("ultimo tentativo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail in uscita")
        verbose_name_plural = _("e-mail in uscita")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outgoing_mail_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
