"""The reporting store (public schema): de-identified facts fed from every comune's schema.

Nothing here names a person: no name, no codice fiscale, no free text. People are counted
once across the comuni of a zone through ``persona_hash``, a keyed hash (HMAC with a
platform secret) of the codice fiscale. Facts are keyed by the comune and the public id of
the source row, so a refresh is an idempotent upsert. The store is filled by Celery tasks
(``zone.statistiche.tasks``) through the one module that crosses schemas
(``zone.aggregation``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FattoSpesa(models.Model):
    """Money committed and liquidated by one determina of one comune: what the piano di zona
    reads for committed/spent per plan line, per comune, per year."""

    comune = models.ForeignKey("tenants.Comune", on_delete=models.CASCADE, related_name="+")
    origine_id = models.UUIDField(_("determina"))  # Determina.public_id in the comune's schema
    esercizio = models.PositiveSmallIntegerField(_("esercizio"))
    voce_piano = models.UUIDField(_("voce del piano di zona"), null=True, blank=True)
    codice_prestazione = models.CharField(_("codice prestazione"), max_length=20, blank=True)
    area_target = models.CharField(_("area target"), max_length=20, blank=True)
    importo_impegnato = models.DecimalField(max_digits=14, decimal_places=2)
    importo_liquidato = models.DecimalField(max_digits=14, decimal_places=2)
    aggiornato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fatto di spesa")
        verbose_name_plural = _("fatti di spesa")
        constraints = [
            models.UniqueConstraint(fields=["comune", "origine_id"], name="fatto_spesa_origine_unica"),
        ]
        indexes = [models.Index(fields=["voce_piano", "comune"], name="fatto_spesa_voce")]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.esercizio} {self.origine_id}"
