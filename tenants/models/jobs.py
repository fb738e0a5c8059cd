"""Long work (provisioning, imports, exports) shows its progress through a Job row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class Job(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In corso")
        INTERRUPTED = "interrupted", _("Interrotto")
        DONE = "done", _("Completato")
        FAILED = "failed", _("Non riuscito")

    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("titolo"), max_length=200)
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento"), default=0)
    message = models.CharField(_("messaggio"), max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # Stamped by the worker at each step: a running job whose heartbeat is too old lost its
    # worker (services.core.heartbeat).
    heartbeat_at = models.DateTimeField(_("ultimo segnale del lavoro"), null=True, blank=True)
    resumes = models.PositiveSmallIntegerField(_("riprese"), default=0)

    class Meta:
        verbose_name = _("elaborazione")
        verbose_name_plural = _("elaborazioni")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_interrupted(self) -> bool:
        return self.status == self.Status.INTERRUPTED
