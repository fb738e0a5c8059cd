"""Imports from the comune's population register (anagrafe): one job per uploaded file, and
the rows it could not take, each with its reason (the shared fields are in
services/core/models_import.py).

The counters of a job always add up (a database constraint holds it): every row processed
so far is created, updated, unchanged or rejected. ``righe_elaborate`` is also where a
crashed import resumes.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.core.models_import import ImportJob, RigaScartataBase

__all__ = ["ImportAnagrafe", "RigaScartata"]


def _percorso_file(instance: ImportAnagrafe, filename: str) -> str:
    """Under MEDIA, one folder per comune's schema: a file never lands among another
    comune's files, and the name is ours, not the uploader's."""
    schema = getattr(connection, "schema_name", "public")
    return f"{schema}/anagrafe/{timezone.localdate():%Y/%m}/{instance.public_id}.csv"


class ImportAnagrafe(ImportJob):
    file = models.FileField(_("file"), upload_to=_percorso_file, max_length=200)
    creati = models.PositiveIntegerField(_("persone create"), default=0)
    aggiornati = models.PositiveIntegerField(_("persone aggiornate"), default=0)
    invariati = models.PositiveIntegerField(_("righe senza variazioni"), default=0)
    scartati = models.PositiveIntegerField(_("righe scartate"), default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("importazione dall'anagrafe")
        verbose_name_plural = _("importazioni dall'anagrafe")
        constraints = [
            models.CheckConstraint(condition=Q(avanzamento__lte=100),
                                   name="import_anagrafe_avanzamento_max_100"),
            models.CheckConstraint(
                condition=Q(righe_elaborate=F("creati") + F("aggiornati") + F("invariati")
                            + F("scartati")),
                name="import_anagrafe_contatori_coerenti",
            ),
            models.CheckConstraint(condition=Q(righe_elaborate__lte=F("righe_totali")),
                                   name="import_anagrafe_elaborate_entro_totale"),
        ]


class RigaScartata(RigaScartataBase):
    importazione = models.ForeignKey(ImportAnagrafe, on_delete=models.CASCADE,
                                     related_name="righe_scartate")

    class Meta(RigaScartataBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["importazione", "numero_riga"],
                                    name="riga_scartata_una_per_riga"),
        ]
