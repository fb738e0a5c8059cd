"""Ricoveri in struttura: structures with their places, the authorisation of a placement and
the days of presence month by month.

A ``Struttura`` is run by a provider of type struttura (``fornitori.Fornitore``) and has a
capacity in places. A ``Ricovero`` is the authorisation of an approved intervention of type
ricovero: which structure and contract, from when, the daily rate and how it splits between
the user (``quota_utente``) and the ente. ``Presenza`` holds the days the guest was present
in a month: the structure's invoice is checked against them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

ZERO = Decimal("0.00")


def money(verbose_name: Any, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Struttura(BaseModel):
    fornitore = models.ForeignKey("fornitori.Fornitore", on_delete=models.PROTECT,
                                  related_name="strutture", verbose_name=_("gestore"))
    nome = models.CharField(_("denominazione"), max_length=200)
    indirizzo = models.CharField(_("indirizzo"), max_length=250, blank=True)
    posti = models.PositiveIntegerField(_("posti autorizzati"), validators=[MinValueValidator(1)])
    attiva = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["nome", "id"]
        verbose_name = _("struttura")
        verbose_name_plural = _("strutture")
        constraints = [
            models.UniqueConstraint(fields=["fornitore", "nome"], name="struttura_nome_unico"),
            models.CheckConstraint(condition=Q(posti__gte=1), name="struttura_posti_positivi"),
        ]

    def __str__(self) -> str:
        return self.nome


class Ricovero(BaseModel):
    """The authorisation of a placement, and the placement itself while it lasts."""

    intervento = models.OneToOneField("interventi.Intervento", on_delete=models.PROTECT,
                                      related_name="ricovero", verbose_name=_("intervento"))
    struttura = models.ForeignKey(Struttura, on_delete=models.PROTECT, related_name="ricoveri",
                                  verbose_name=_("struttura"))
    contratto = models.ForeignKey("fornitori.Contratto", on_delete=models.PROTECT,
                                  related_name="ricoveri", verbose_name=_("contratto"))
    dal = models.DateField(_("ingresso dal"))
    al = models.DateField(_("dimissione il"), null=True, blank=True)
    tariffa_giornaliera = money(_("retta giornaliera"), validators=[MinValueValidator(ZERO)])
    quota_utente = money(_("quota giornaliera a carico dell'utente"), default=ZERO,
                         validators=[MinValueValidator(ZERO)])
    autorizzato_da_id = models.BigIntegerField(_("autorizzato da"), null=True, blank=True)
    autorizzato_da_label = models.CharField(_("autorizzato da"), max_length=254, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-dal", "id"]
        verbose_name = _("ricovero")
        verbose_name_plural = _("ricoveri")
        constraints = [
            models.CheckConstraint(condition=Q(al__isnull=True) | Q(al__gte=F("dal")),
                                   name="ricovero_date_ordinate"),
            models.CheckConstraint(
                condition=Q(quota_utente__gte=0) & Q(quota_utente__lte=F("tariffa_giornaliera")),
                name="ricovero_quota_utente_entro_retta",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervento.persona} — {self.struttura}"

    @property
    def quota_ente(self) -> Decimal:
        return self.tariffa_giornaliera - self.quota_utente


class Presenza(models.Model):
    ricovero = models.ForeignKey(Ricovero, on_delete=models.CASCADE, related_name="presenze",
                                 verbose_name=_("ricovero"))
    mese = models.DateField(_("mese"), help_text=_("Primo giorno del mese."))
    giorni = models.PositiveSmallIntegerField(
        _("giorni di presenza"), validators=[MinValueValidator(0), MaxValueValidator(31)]
    )
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        ordering = ["mese", "id"]
        verbose_name = _("presenze del mese")
        verbose_name_plural = _("presenze")
        constraints = [
            models.UniqueConstraint(fields=["ricovero", "mese"], name="presenza_una_per_mese"),
            models.CheckConstraint(condition=Q(giorni__lte=31), name="presenza_giorni_nel_mese"),
        ]

    def __str__(self) -> str:
        return f"{self.mese:%m/%Y}: {self.giorni}"
