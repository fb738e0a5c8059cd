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
    refuses it too: triggers (migrations 0002 and 0004) and, where the deploy step ran
    (``deploy/postgresql/audit.sql``), ownership by a role the application is not."""

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
    previous one and starts from the previous seal's digest, so a row altered or removed
    behind the application's back shows up on verification. Append-only like the entries."""

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


class AuditAnchor(models.Model):
    """Where a schema's seals are counted outside the schema: one row per seal, in the public
    schema only (the table exists there alone; tenant schemas see it through the search
    path). A seal deleted with its entries, or a truncated trail, leaves an anchor that no
    longer matches. Append-only like the trail, and owned by the same role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True)
    schema_name = models.CharField(max_length=63)
    seal_id = models.BigIntegerField()
    seal_count = models.PositiveIntegerField()
    last_entry_id = models.BigIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "core_auditanchor"

    def __str__(self) -> str:
        return f"{self.schema_name} #{self.seal_id} {self.digest[:12]}"


class AuditVerification(models.Model):
    """One check of the schema's hash chain, scheduled or asked for by the dirigente; a
    broken chain is the alert the integrity page shows."""

    class Outcome(models.TextChoices):
        RUNNING = "in_corso", _("In corso")
        INTACT = "integro", _("Integro")
        BROKEN = "compromesso", _("Compromesso")
        FAILED = "errore", _("Non eseguita")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    finished_at = models.DateTimeField(_("conclusa il"), null=True, blank=True)
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    requested_by_label = models.CharField(_("richiesta da"), max_length=254, blank=True)
    outcome = models.CharField(_("esito"), max_length=12, choices=Outcome.choices,
                               default=Outcome.RUNNING)
    seal_count = models.PositiveIntegerField(_("sigilli"), default=0)
    entry_count = models.PositiveIntegerField(_("voci sigillate"), default=0)
    unsealed_count = models.PositiveIntegerField(_("voci non ancora sigillate"), default=0)
    problems = models.JSONField(_("problemi"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("verifica del registro attività")
        verbose_name_plural = _("verifiche del registro attività")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def is_finished(self) -> bool:
        return self.outcome != self.Outcome.RUNNING


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
