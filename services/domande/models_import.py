"""Imports from the comune's protocol system: one job per uploaded file, and the rows it
could not take, each with its reason. Same pattern as the register import
(services/anagrafica/models_import.py): the counters always add up, and
``righe_elaborate`` is where a crashed import resumes."""

from __future__ import annotations

from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


def _percorso_file(instance: ImportProtocollo, filename: str) -> str:
    schema = getattr(connection, "schema_name", "public")
    estensione = ".xml" if filename.lower().endswith(".xml") else ".csv"
    return f"{schema}/protocollo/{timezone.localdate():%Y/%m}/{instance.public_id}{estensione}"


class ImportProtocollo(BaseModel):
    class Stato(models.TextChoices):
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In corso")
        DONE = "done", _("Completata")
        FAILED = "failed", _("Non riuscita")

    file = models.FileField(_("file"), upload_to=_percorso_file, max_length=200)
    nome_file = models.CharField(_("nome del file"), max_length=255)
    dimensione = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, db_index=True)
    caricato_da_id = models.BigIntegerField(_("caricato da"))
    caricato_da_label = models.CharField(_("caricato da"), max_length=254)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)

    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.QUEUED)
    avanzamento = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    messaggio = models.CharField(_("messaggio"), max_length=500, blank=True)
    righe_totali = models.PositiveIntegerField(_("righe"), default=0)
    righe_elaborate = models.PositiveIntegerField(_("righe elaborate"), default=0)
    create = models.PositiveIntegerField(_("domande create"), default=0)
    invariate = models.PositiveIntegerField(_("righe già importate"), default=0)
    scartate = models.PositiveIntegerField(_("righe scartate"), default=0)
    persone_create = models.PositiveIntegerField(_("persone aggiunte all'anagrafica"), default=0)
    avviata_il = models.DateTimeField(_("avviata il"), null=True, blank=True)
    terminata_il = models.DateTimeField(_("terminata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("importazione dal protocollo")
        verbose_name_plural = _("importazioni dal protocollo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(avanzamento__lte=100),
                                   name="import_protocollo_avanzamento_max_100"),
            models.CheckConstraint(
                condition=Q(righe_elaborate=F("create") + F("invariate") + F("scartate")),
                name="import_protocollo_contatori_coerenti",
            ),
            models.CheckConstraint(condition=Q(righe_elaborate__lte=F("righe_totali")),
                                   name="import_protocollo_elaborate_entro_totale"),
        ]

    def __str__(self) -> str:
        return f"{self.nome_file} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.stato in {self.Stato.DONE, self.Stato.FAILED}


class RigaScartataProtocollo(BaseModel):
    """A row of the file that created nothing, and why (in Italian, for the operator)."""

    importazione = models.ForeignKey(ImportProtocollo, on_delete=models.CASCADE,
                                     related_name="righe_scartate")
    numero_riga = models.PositiveIntegerField(_("riga"))  # the header is row 1
    riga = models.TextField(_("contenuto della riga"))
    motivo = models.CharField(_("motivo"), max_length=500)

    class Meta:
        verbose_name = _("riga scartata")
        verbose_name_plural = _("righe scartate")
        ordering = ["importazione", "numero_riga"]
        constraints = [
            models.UniqueConstraint(fields=["importazione", "numero_riga"],
                                    name="riga_protocollo_una_per_riga"),
        ]

    def __str__(self) -> str:
        return f"Riga {self.numero_riga}: {self.motivo}"
