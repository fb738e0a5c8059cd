"""Piano di zona (public schema): the zone's plan per year or three-year period.

A plan has budget lines (``VocePiano``: area target, service or codice prestazione) and
funding sources (``FonteFinanziamento``: FNPS, Fondo Povertà, FNA, Dopo di Noi, regional
funds, comuni shares, others). ``Stanziamento`` is the amount of one source on one line;
``QuotaComune`` is what one comune contributes to and receives from one line and source.
Spending is not stored here: it is read from ``zone.statistiche.FattoSpesa`` (the comuni's
determine linked to a line through ``VocePiano.public_id``).

The region's reporting forms are data (``ModelloRendiconto`` + ``RigaModello``), bound to
the plan by area target, source type and codice prestazione.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel
from zone.catalogo.models import AreaTarget

ZERO = Decimal("0.00")


def _money(verbose_name: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=ZERO,
                               validators=[MinValueValidator(ZERO)])


class Piano(BaseModel):
    class Stato(models.TextChoices):
        BOZZA = "bozza", _("In preparazione")
        APPROVATO = "approvato", _("Approvato")
        CHIUSO = "chiuso", _("Rendicontato e chiuso")

    zona = models.ForeignKey(
        "tenants.Zona", on_delete=models.PROTECT, related_name="piani", verbose_name=_("ambito")
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    anno_inizio = models.PositiveSmallIntegerField(_("dal"))
    anno_fine = models.PositiveSmallIntegerField(_("al"))
    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices, default=Stato.BOZZA)
    atto_approvazione = models.CharField(_("atto di approvazione"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-anno_inizio", "titolo"]
        verbose_name = _("piano di zona")
        verbose_name_plural = _("piani di zona")
        constraints = [
            models.CheckConstraint(
                condition=Q(anno_fine__gte=F("anno_inizio"))
                & Q(anno_fine__lte=F("anno_inizio") + 2),
                name="piano_periodo_massimo_triennale",
            ),
            models.UniqueConstraint(fields=["zona", "titolo"], name="piano_titolo_unico_per_zona"),
        ]

    def __str__(self) -> str:
        return self.titolo

    @property
    def periodo(self) -> str:
        if self.anno_inizio == self.anno_fine:
            return str(self.anno_inizio)
        return f"{self.anno_inizio}–{self.anno_fine}"


class FonteFinanziamento(BaseModel):
    class Tipo(models.TextChoices):
        FNPS = "fnps", _("Fondo nazionale per le politiche sociali (FNPS)")
        POVERTA = "poverta", _("Fondo povertà")
        FNA = "fna", _("Fondo per le non autosufficienze (FNA)")
        DOPO_DI_NOI = "dopo_di_noi", _("Fondo Dopo di Noi")
        REGIONALE = "regionale", _("Fondi regionali")
        COMUNI = "comuni", _("Quote dei comuni")
        ALTRO = "altro", _("Altre fonti")

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="fonti")
    tipo = models.CharField(_("tipo di fonte"), max_length=20, choices=Tipo.choices)
    nome = models.CharField(_("denominazione"), max_length=200)
    riferimento = models.CharField(_("atto di riparto o riferimento"), max_length=200, blank=True)

    class Meta:
        ordering = ["tipo", "nome"]
        verbose_name = _("fonte di finanziamento")
        verbose_name_plural = _("fonti di finanziamento")
        constraints = [
            models.UniqueConstraint(fields=["piano", "nome"], name="fonte_nome_unico_per_piano"),
        ]

    def __str__(self) -> str:
        return self.nome


class VocePiano(BaseModel):
    """A budget line. Determine of the comuni point to it by ``public_id``."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="voci")
    codice = models.CharField(_("numero"), max_length=20)
    descrizione = models.CharField(_("descrizione"), max_length=255)
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices)
    codice_prestazione = models.ForeignKey(
        "catalogo.CodicePrestazione", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("codice prestazione INPS"),
    )
    servizio = models.ForeignKey(
        "catalogo.VoceListino", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("servizio del listino"),
    )

    class Meta:
        ordering = ["piano", "codice"]
        verbose_name = _("voce del piano")
        verbose_name_plural = _("voci del piano")
        constraints = [
            models.UniqueConstraint(fields=["piano", "codice"], name="voce_piano_codice_unico"),
        ]

    def __str__(self) -> str:
        return f"{self.codice} {self.descrizione}"


class Stanziamento(BaseModel):
    """How much one source funds one line."""

    voce = models.ForeignKey(VocePiano, on_delete=models.CASCADE, related_name="stanziamenti")
    fonte = models.ForeignKey(FonteFinanziamento, on_delete=models.PROTECT, related_name="stanziamenti")
    importo = _money(_("importo programmato"))

    class Meta:
        ordering = ["voce", "fonte"]
        verbose_name = _("stanziamento")
        verbose_name_plural = _("stanziamenti")
        constraints = [
            models.UniqueConstraint(fields=["voce", "fonte"], name="stanziamento_unico"),
            models.CheckConstraint(condition=Q(importo__gte=0), name="stanziamento_positivo"),
        ]

    def __str__(self) -> str:
        return f"{self.voce_id}/{self.fonte_id}: {self.importo}"


class QuotaComune(BaseModel):
    """What one comune contributes to, and receives from, one line and source."""

    voce = models.ForeignKey(VocePiano, on_delete=models.CASCADE, related_name="quote")
    fonte = models.ForeignKey(FonteFinanziamento, on_delete=models.PROTECT, related_name="quote")
    comune = models.ForeignKey("tenants.Comune", on_delete=models.PROTECT, related_name="+")
    contributo = _money(_("quota versata"))
    assegnato = _money(_("quota assegnata"))

    class Meta:
        ordering = ["voce", "fonte", "comune"]
        verbose_name = _("quota del comune")
        verbose_name_plural = _("quote dei comuni")
        constraints = [
            models.UniqueConstraint(fields=["voce", "fonte", "comune"], name="quota_comune_unica"),
            models.CheckConstraint(
                condition=Q(contributo__gte=0) & Q(assegnato__gte=0), name="quota_comune_positiva"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.voce_id}/{self.fonte_id}"


class ModelloRendiconto(BaseModel):
    """A reporting form a region asks of its zones every year, described as data: each row
    sums the plan's programmed, committed or liquidated amounts over the lines that match
    its filters. ``esempio`` marks a structure shipped as an example, not the official form."""

    regione_istat = models.CharField(_("regione (codice ISTAT)"), max_length=2)
    codice = models.CharField(_("codice"), max_length=40)
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True)
    esempio = models.BooleanField(_("struttura di esempio"), default=False)

    class Meta:
        ordering = ["regione_istat", "codice"]
        verbose_name = _("modello di rendicontazione")
        verbose_name_plural = _("modelli di rendicontazione")
        constraints = [
            models.UniqueConstraint(fields=["regione_istat", "codice"], name="modello_codice_unico"),
        ]

    def __str__(self) -> str:
        return self.titolo


class RigaModello(BaseModel):
    class Misura(models.TextChoices):
        PROGRAMMATO = "programmato", _("Programmato")
        IMPEGNATO = "impegnato", _("Impegnato")
        LIQUIDATO = "liquidato", _("Liquidato")

    modello = models.ForeignKey(ModelloRendiconto, on_delete=models.CASCADE, related_name="righe")
    ordine = models.PositiveSmallIntegerField(_("ordine"))
    sezione = models.CharField(_("sezione"), max_length=120, blank=True)
    etichetta = models.CharField(_("voce del modello"), max_length=255)
    # Filters (empty = any): the row sums the lines/sources that match all of them.
    area_target = models.CharField(
        _("area target"), max_length=20, choices=AreaTarget.choices, blank=True
    )
    tipo_fonte = models.CharField(
        _("tipo di fonte"), max_length=20, choices=FonteFinanziamento.Tipo.choices, blank=True
    )
    prefisso_codice_prestazione = models.CharField(
        _("codici prestazione che iniziano con"), max_length=20, blank=True
    )
    misura = models.CharField(_("importo"), max_length=12, choices=Misura.choices)

    class Meta:
        ordering = ["modello", "ordine"]
        verbose_name = _("riga del modello")
        verbose_name_plural = _("righe del modello")
        constraints = [
            models.UniqueConstraint(fields=["modello", "ordine"], name="riga_modello_ordine_unico"),
        ]

    def __str__(self) -> str:
        return self.etichetta
