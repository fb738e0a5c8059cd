"""Assegno di maternità and assegno al nucleo familiare: an application for one of them IS a
``Domanda`` for a service of type ``maternita`` or ``nucleo`` (protocol, applicant, ISEE,
outcome and its date live there); this one-to-one extension keeps what is specific to the
benefit, for history and statistics."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel
from services.domande.models import Domanda
from services.interventi.models import TipoIntervento

# The services whose applications are assegni (Servizio.tipo): the Assegno's tipo is the
# service's.
TIPI_SERVIZIO = (TipoIntervento.MATERNITA, TipoIntervento.NUCLEO)
# An application closed with one of these outcomes takes no more assegno data (an accolta
# one still does: its INPS transmission).
ESITI_CHIUSI = (Domanda.Stato.RESPINTA, Domanda.Stato.ARCHIVIATA)


class Assegno(BaseModel):
    class Tipo(models.TextChoices):
        MATERNITA = "maternita", _("Assegno di maternità")
        NUCLEO = "nucleo", _("Assegno al nucleo familiare")

    domanda = models.OneToOneField(
        "domande.Domanda", on_delete=models.PROTECT, related_name="assegno",
        verbose_name=_("domanda"),
    )
    tipo = models.CharField(_("tipo di assegno"), max_length=10, choices=Tipo.choices)
    # Maternità: the child born (or adopted / fostered) the benefit is for.
    figlio_cognome = models.CharField(_("cognome del figlio/a"), max_length=100, blank=True)
    figlio_nome = models.CharField(_("nome del figlio/a"), max_length=100, blank=True)
    figlio_data_nascita = models.DateField(_("data di nascita del figlio/a"), null=True, blank=True)
    # Nucleo: the household the benefit is for.
    componenti_nucleo = models.PositiveSmallIntegerField(_("componenti del nucleo"), null=True,
                                                         blank=True)
    figli_minori = models.PositiveSmallIntegerField(_("figli minori nel nucleo"), null=True,
                                                    blank=True)
    periodo_dal = models.DateField(_("periodo dal"), null=True, blank=True)
    periodo_al = models.DateField(_("periodo al"), null=True, blank=True)
    importo_mensile = models.DecimalField(_("importo mensile"), max_digits=10, decimal_places=2,
                                          null=True, blank=True)
    importo_totale = models.DecimalField(_("importo complessivo"), max_digits=12,
                                         decimal_places=2, null=True, blank=True)
    trasmessa_inps_il = models.DateField(_("data di trasmissione all'INPS"), null=True, blank=True)

    class Meta:
        ordering = ["-domanda__data_protocollo", "-id"]
        verbose_name = _("assegno")
        verbose_name_plural = _("assegni")
        constraints = [
            models.CheckConstraint(
                condition=Q(periodo_al__isnull=True) | Q(periodo_dal__isnull=True)
                | Q(periodo_al__gte=F("periodo_dal")),
                name="assegno_periodo_ordinato",
            ),
            models.CheckConstraint(
                condition=Q(importo_mensile__isnull=True) | Q(importo_mensile__gte=0),
                name="assegno_importo_mensile_positivo",
            ),
            models.CheckConstraint(
                condition=Q(importo_totale__isnull=True) | Q(importo_totale__gte=0),
                name="assegno_importo_totale_positivo",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} — {self.domanda}"
