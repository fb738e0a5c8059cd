"""What every background import of a file shares: the job (who uploaded what, its state,
progress and message) and the rows it could not take, each with its reason.

Abstract: each app keeps its own tables (``ImportAnagrafe``, ``ImportProtocollo``...) and
adds what is its own: the ``file`` field (where the file is stored), the counters of what
its rows did, and the constraints that keep those counters adding up. The run that fills
them is ``services.core.importjob``.
"""

from __future__ import annotations

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from .models import BaseModel

__all__ = ["ImportJob", "RigaScartataBase"]


class ImportJob(BaseModel):
    """One uploaded file and its import. ``righe_elaborate`` is where a crashed import
    resumes. The worker stamps ``heartbeat_il`` at each committed batch: a job still
    "running" whose heartbeat is older than ``AMBITO_JOB_HEARTBEAT_TIMEOUT`` has lost its
    worker and is ``interrupted`` until it is resumed (``services.core.importjob``)."""

    class Stato(models.TextChoices):
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In corso")
        INTERRUPTED = "interrupted", _("Interrotta")
        DONE = "done", _("Completata")
        FAILED = "failed", _("Non riuscita")

    # ``file = models.FileField(...)`` is declared by each concrete job: where the file
    # lands (and under which name) is the app's.
    file: FieldFile
    nome_file = models.CharField(_("nome del file"), max_length=255)
    dimensione = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, db_index=True)
    # Users live in the public schema: id and label, no foreign key.
    caricato_da_id = models.BigIntegerField(_("caricato da"))
    caricato_da_label = models.CharField(_("caricato da"), max_length=254)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)

    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices,
                             default=Stato.QUEUED)
    avanzamento = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    messaggio = models.CharField(_("messaggio"), max_length=500, blank=True)
    righe_totali = models.PositiveIntegerField(_("righe"), default=0)
    righe_elaborate = models.PositiveIntegerField(_("righe elaborate"), default=0)
    avviata_il = models.DateTimeField(_("avviata il"), null=True, blank=True)
    terminata_il = models.DateTimeField(_("terminata il"), null=True, blank=True)
    heartbeat_il = models.DateTimeField(_("ultimo segnale del lavoro"), null=True, blank=True)
    # How many times it was resumed after an interruption (automatic ones are capped).
    riprese = models.PositiveSmallIntegerField(_("riprese"), default=0)
    # The Celery task that runs it, by name: what a resume queues again.
    task_name = models.CharField(_("procedura"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.nome_file} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.stato in {self.Stato.DONE, self.Stato.FAILED}

    @property
    def is_interrupted(self) -> bool:
        return self.stato == self.Stato.INTERRUPTED


class RigaScartataBase(BaseModel):
    """A row of the file that changed nothing, and why (in Italian, for the operator).
    The concrete model adds ``importazione``, the foreign key to its job, with
    ``related_name="righe_scartate"``."""

    # As Excel numbers it: the header is row 1, the first data row 2.
    numero_riga = models.PositiveIntegerField(_("riga"))
    riga = models.TextField(_("contenuto della riga"))
    motivo = models.CharField(_("motivo"), max_length=500)

    class Meta:
        abstract = True
        verbose_name = _("riga scartata")
        verbose_name_plural = _("righe scartate")
        ordering = ["importazione", "numero_riga"]

    def __str__(self) -> str:
        return f"Riga {self.numero_riga}: {self.motivo}"
