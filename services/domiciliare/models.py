"""Assistenza domiciliare: the plan of hours of an approved intervention, and the hours the
provider says it worked, month by month (the rendiconto mensile).

A ``PianoDomiciliare`` belongs one-to-one to an ``interventi.Intervento`` of type
domiciliare and names the provider's contract and the hours planned per month. Each month
the provider sends one ``Rendiconto`` per contract with one ``OreLavorate`` line per person:
those hours are what the provider's invoice is checked against.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

ZERO = Decimal("0.00")


def hours(verbose_name: Any, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class PianoDomiciliare(BaseModel):
    intervento = models.OneToOneField("interventi.Intervento", on_delete=models.PROTECT,
                                      related_name="piano_domiciliare",
                                      verbose_name=_("intervento"))
    contratto = models.ForeignKey("fornitori.Contratto", on_delete=models.PROTECT,
                                  related_name="piani_domiciliari", verbose_name=_("contratto"))
    ore_mensili = hours(_("ore previste al mese"), validators=[MinValueValidator(Decimal("0.25"))])
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-dal", "id"]
        verbose_name = _("piano di assistenza domiciliare")
        verbose_name_plural = _("piani di assistenza domiciliare")
        constraints = [
            models.CheckConstraint(condition=Q(ore_mensili__gt=0), name="piano_dom_ore_positive"),
            models.CheckConstraint(condition=Q(al__isnull=True) | Q(al__gte=F("dal")),
                                   name="piano_dom_date_ordinate"),
        ]

    def __str__(self) -> str:
        return f"{self.intervento.persona} — {self.ore_mensili} h/mese"


class Rendiconto(BaseModel):
    """The provider's monthly statement for one contract: one per contract and month."""

    contratto = models.ForeignKey("fornitori.Contratto", on_delete=models.PROTECT,
                                  related_name="rendiconti", verbose_name=_("contratto"))
    mese = models.DateField(_("mese"), help_text=_("Primo giorno del mese."))
    ricevuto_il = models.DateField(_("ricevuto il"))
    registrato_da_id = models.BigIntegerField(_("registrato da"), null=True, blank=True)
    registrato_da_label = models.CharField(_("registrato da"), max_length=254, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-mese", "id"]
        verbose_name = _("rendiconto mensile")
        verbose_name_plural = _("rendiconti mensili")
        constraints = [
            models.UniqueConstraint(fields=["contratto", "mese"], name="rendiconto_uno_per_mese"),
        ]

    def __str__(self) -> str:
        return f"{self.contratto} — {self.mese:%m/%Y}"


class OreLavorate(models.Model):
    rendiconto = models.ForeignKey(Rendiconto, on_delete=models.CASCADE, related_name="righe",
                                   verbose_name=_("rendiconto"))
    piano = models.ForeignKey(PianoDomiciliare, on_delete=models.PROTECT,
                              related_name="ore_lavorate", verbose_name=_("piano"))
    ore = hours(_("ore lavorate"), validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("ore lavorate")
        verbose_name_plural = _("ore lavorate")
        constraints = [
            models.UniqueConstraint(fields=["rendiconto", "piano"], name="ore_una_riga_per_piano"),
            models.CheckConstraint(condition=Q(ore__gte=0), name="ore_lavorate_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.piano.intervento.persona} — {self.ore} h"
