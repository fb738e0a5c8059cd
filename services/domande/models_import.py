"""Imports from the comune's protocol system: one job per uploaded file, and the rows it
could not take, each with its reason. The shared fields are in
services/core/models_import.py; as for the register import, the counters always add up,
and ``righe_elaborate`` is where a crashed import resumes."""

from __future__ import annotations

from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.models_import import ImportJob, RigaScartataBase


def _percorso_file(instance: ImportProtocollo, filename: str) -> str:
    schema = getattr(connection, "schema_name", "public")
    estensione = ".xml" if filename.lower().endswith(".xml") else ".csv"
    return f"{schema}/protocollo/{timezone.localdate():%Y/%m}/{instance.public_id}{estensione}"


class ImportProtocollo(ImportJob):
    file = models.FileField(_("file"), upload_to=_percorso_file, max_length=200)
    create = models.PositiveIntegerField(_("domande create"), default=0)
    invariate = models.PositiveIntegerField(_("righe già importate"), default=0)
    scartate = models.PositiveIntegerField(_("righe scartate"), default=0)
    persone_create = models.PositiveIntegerField(_("persone aggiunte all'anagrafica"), default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("importazione dal protocollo")
        verbose_name_plural = _("importazioni dal protocollo")
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


class RigaScartataProtocollo(RigaScartataBase):
    importazione = models.ForeignKey(ImportProtocollo, on_delete=models.CASCADE,
                                     related_name="righe_scartate")

    class Meta(RigaScartataBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["importazione", "numero_riga"],
                                    name="riga_protocollo_una_per_riga"),
        ]
