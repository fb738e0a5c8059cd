"""Lavori socialmente utili: from the declaration of availability to the monthly pay.

A person declares they are available (``Dichiarazione``); the office extracts people for a
``Progetto`` and signs a ``Contratto`` (period, hours per week, hourly pay), which is also
an ``interventi.Intervento`` of type LSU for the person. Each month the hours worked give a
``Compenso`` (hours × hourly pay, to the cent), paid by an atto di liquidazione through the
registry in ``services.determine.liquidabili`` (key ``lsu.compenso``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class Progetto(BaseModel):
    nome = models.CharField(_("progetto"), max_length=200)
    settore = models.CharField(_("settore / ufficio utilizzatore"), max_length=200, blank=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    data_inizio = models.DateField(_("inizio"))
    data_fine = models.DateField(_("fine"), null=True, blank=True)
    posti = models.PositiveSmallIntegerField(_("posti"), null=True, blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("progetto LSU")
        verbose_name_plural = _("progetti LSU")
        ordering = ["-data_inizio", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["nome"], name="lsu_progetto_nome_unico"),
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True) | Q(data_fine__gte=F("data_inizio")),
                name="lsu_progetto_date_ordinate"),
        ]

    def __str__(self) -> str:
        return self.nome


class Dichiarazione(BaseModel):
    """A person's declaration of availability to do socially useful work."""

    class Disponibilita(models.TextChoices):
        MATTINA = "mattina", _("Mattina")
        POMERIGGIO = "pomeriggio", _("Pomeriggio")
        INTERA = "intera", _("Intera giornata")
        FLESSIBILE = "flessibile", _("Flessibile")

    class Stato(models.TextChoices):
        ATTIVA = "attiva", _("Attiva")
        RITIRATA = "ritirata", _("Ritirata")

    persona = models.ForeignKey("anagrafica.Persona", on_delete=models.PROTECT,
                                related_name="dichiarazioni_lsu", verbose_name=_("persona"))
    data = models.DateField(_("data della dichiarazione"))
    competenze = models.TextField(_("competenze ed esperienze"), blank=True)
    disponibilita = models.CharField(_("disponibilità"), max_length=12,
                                     choices=Disponibilita.choices)
    ore_settimanali = models.DecimalField(_("ore settimanali disponibili"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    patente = models.BooleanField(_("patente di guida"), default=False)
    note = models.TextField(_("note"), blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.ATTIVA)
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("dichiarazione di disponibilità")
        verbose_name_plural = _("dichiarazioni di disponibilità")
        ordering = ["-data", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ore_settimanali__isnull=True) | Q(ore_settimanali__gt=0),
                name="lsu_dichiarazione_ore_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.persona} — {self.data:%d/%m/%Y}"


class Contratto(BaseModel):
    class Stato(models.TextChoices):
        ATTIVO = "attivo", _("Attivo")
        CONCLUSO = "concluso", _("Concluso")

    numero = models.CharField(_("numero"), max_length=20, unique=True)
    persona = models.ForeignKey("anagrafica.Persona", on_delete=models.PROTECT,
                                related_name="contratti_lsu", verbose_name=_("persona"))
    progetto = models.ForeignKey(Progetto, on_delete=models.PROTECT, related_name="contratti",
                                 verbose_name=_("progetto"))
    dichiarazione = models.ForeignKey(Dichiarazione, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="contratti",
                                      verbose_name=_("dichiarazione di disponibilità"))
    intervento = models.OneToOneField("interventi.Intervento", on_delete=models.PROTECT,
                                      related_name="contratto_lsu",
                                      verbose_name=_("intervento"))
    data_inizio = models.DateField(_("dal"))
    data_fine = models.DateField(_("al"))
    ore_settimanali = models.DecimalField(_("ore settimanali"), max_digits=5, decimal_places=2)
    compenso_orario = models.DecimalField(_("compenso orario"), max_digits=8, decimal_places=2)
    determina = models.ForeignKey("determine.Determina", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="contratti_lsu",
                                  verbose_name=_("determina di impegno"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.ATTIVO)
    registrato_da_label = models.CharField(_("registrato da"), max_length=254, blank=True)
    # Always 'lsu': with intervento_id a foreign key to (Intervento.id, Intervento.pagato_a),
    # so LSU pay is only ever the pay of an LSU intervention (never also paid to the person).
    via = models.GeneratedField(expression=models.Value("lsu"),
                                output_field=models.CharField(max_length=10), db_persist=True)

    class Meta:
        verbose_name = _("contratto LSU")
        verbose_name_plural = _("contratti LSU")
        ordering = ["-data_inizio", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(data_fine__gte=F("data_inizio")),
                                   name="lsu_contratto_date_ordinate"),
            models.CheckConstraint(condition=Q(ore_settimanali__gt=0),
                                   name="lsu_contratto_ore_positive"),
            models.CheckConstraint(condition=Q(compenso_orario__gt=0),
                                   name="lsu_contratto_compenso_positivo"),
        ]
        indexes = [models.Index(fields=["persona", "data_inizio"], name="lsu_contratto_persona")]

    def __str__(self) -> str:
        return f"{self.numero} — {self.persona}"


class Compenso(BaseModel):
    """Hours worked in one month under a contract, and the pay they give."""

    class Stato(models.TextChoices):
        DA_LIQUIDARE = "da_liquidare", _("Da liquidare")
        LIQUIDATO = "liquidato", _("Liquidato")
        ANNULLATO = "annullato", _("Annullato")

    contratto = models.ForeignKey(Contratto, on_delete=models.PROTECT, related_name="compensi")
    mese = models.DateField(_("mese"), help_text=_("Primo giorno del mese."))
    ore = models.DecimalField(_("ore lavorate"), max_digits=6, decimal_places=2)
    importo = models.DecimalField(_("compenso"), max_digits=12, decimal_places=2)
    stato = models.CharField(_("stato"), max_length=14, choices=Stato.choices,
                             default=Stato.DA_LIQUIDARE)
    liquidato_il = models.DateField(_("liquidato il"), null=True, blank=True)
    registrato_da_label = models.CharField(_("registrato da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("compenso LSU")
        verbose_name_plural = _("compensi LSU")
        ordering = ["contratto", "mese"]
        constraints = [
            models.UniqueConstraint(fields=["contratto", "mese"], condition=~Q(stato="annullato"),
                                    name="lsu_compenso_uno_per_mese"),
            models.CheckConstraint(condition=Q(ore__gt=0), name="lsu_compenso_ore_positive"),
            models.CheckConstraint(condition=Q(importo__gt=0), name="lsu_compenso_positivo"),
            models.CheckConstraint(condition=Q(mese__day=1), name="lsu_compenso_primo_del_mese"),
        ]

    def __str__(self) -> str:
        return f"{self.contratto.numero} {self.mese:%m/%Y}"
