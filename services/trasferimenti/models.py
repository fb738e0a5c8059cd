"""A request to hand a case file to another comune of the platform.

It lives in the public schema because two comuni must see it; it holds only what the
receiving comune needs to decide (who, which area, why, the consent), never the case's
content, which moves from schema to schema only when the receiver accepts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class Trasferimento(BaseModel):
    class Stato(models.TextChoices):
        RICHIESTO = "richiesto", _("In attesa del comune di destinazione")
        ACCETTATO = "accettato", _("Accettato")
        RESPINTO = "respinto", _("Respinto")
        ANNULLATO = "annullato", _("Annullato dal comune di origine")

    class ModalitaConsenso(models.TextChoices):
        SCRITTO = "scritto", _("Modulo firmato")
        VERBALE = "verbale", _("Verbale, annotato dall'operatore")
        AUTORITA_GIUDIZIARIA = "ag", _("Disposto dall'autorità giudiziaria")

    mittente = models.ForeignKey("tenants.Ente", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("comune di origine"))
    destinatario = models.ForeignKey("tenants.Ente", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("comune di destinazione"))
    cartella_origine = models.UUIDField(_("cartella di origine"))
    cartella_destinazione = models.UUIDField(_("cartella di destinazione"), null=True, blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.RICHIESTO)
    # What the receiver needs to decide, and nothing more.
    cognome = models.CharField(_("cognome"), max_length=100)
    nome = models.CharField(_("nome"), max_length=100)
    data_nascita = models.DateField(_("data di nascita"))
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    area_target = models.CharField(_("area target"), max_length=20)
    motivo = models.TextField(_("motivo del trasferimento"))
    consenso_data = models.DateField(_("consenso raccolto il"))
    consenso_modalita = models.CharField(_("modalità del consenso"), max_length=10,
                                         choices=ModalitaConsenso.choices)
    richiesto_da = models.CharField(_("richiesto da"), max_length=254)
    deciso_da = models.CharField(_("deciso da"), max_length=254, blank=True)
    deciso_il = models.DateTimeField(_("deciso il"), null=True, blank=True)
    motivazione_decisione = models.TextField(_("motivazione della decisione"), blank=True)

    class Meta:
        verbose_name = _("trasferimento di cartella")
        verbose_name_plural = _("trasferimenti di cartelle")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cartella_origine"], condition=Q(stato="richiesto"),
                                    name="trasferimento_uno_in_attesa"),
            models.CheckConstraint(condition=~Q(mittente=models.F("destinatario")),
                                   name="trasferimento_verso_altro_comune"),
        ]

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome}: {self.mittente} → {self.destinatario}"
