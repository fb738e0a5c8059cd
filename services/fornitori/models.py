"""Fornitori, contratti e fatture.

A ``Fornitore`` (a cooperative, a residential structure, ...) works for the comune under a
``Contratto`` for one service: its rates (hourly for home care, daily per place for
structures), its ceilings and the determina that funds it. Each month the provider sends a
``Fattura`` with one line per person; on entry the invoice is checked automatically against
the contract and against what the comune recorded (hours worked, days of presence): the
differences are kept as ``Discrepanza`` rows, and nothing with an unresolved discrepancy is
offered for liquidation (``liquidabile.FatturaLiquidabile``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

ZERO = Decimal("0.00")


def money(verbose_name: Any, **kwargs: object) -> models.DecimalField:
    """Euro amounts: Decimal with cents, never float."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def quantity(verbose_name: Any, **kwargs: object) -> models.DecimalField:
    """Hours or days: two decimals (half hours, quarter hours)."""
    return models.DecimalField(verbose_name, max_digits=8, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Fornitore(BaseModel):
    class Tipo(models.TextChoices):
        COOPERATIVA = "cooperativa", _("Cooperativa sociale")
        STRUTTURA = "struttura", _("Struttura residenziale")
        ALTRO = "altro", _("Altro")

    ragione_sociale = models.CharField(_("ragione sociale"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16)
    partita_iva = models.CharField(_("partita IVA"), max_length=11, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    indirizzo = models.CharField(_("sede"), max_length=250, blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["ragione_sociale", "id"]
        verbose_name = _("fornitore")
        verbose_name_plural = _("fornitori")
        constraints = [
            models.UniqueConstraint(fields=["codice_fiscale"], name="fornitore_cf_unico"),
            models.UniqueConstraint(fields=["partita_iva"], condition=~Q(partita_iva=""),
                                    name="fornitore_piva_unica"),
        ]

    def __str__(self) -> str:
        return self.ragione_sociale


class Contratto(BaseModel):
    """A provider's contract for one service. Home care is paid by the hour, residential
    placements by the day per place; the ceilings bound what may be invoiced."""

    fornitore = models.ForeignKey(Fornitore, on_delete=models.PROTECT, related_name="contratti",
                                  verbose_name=_("fornitore"))
    servizio = models.ForeignKey("interventi.Servizio", on_delete=models.PROTECT,
                                 related_name="contratti", verbose_name=_("servizio"))
    numero = models.CharField(_("numero / CIG"), max_length=40)
    dal = models.DateField(_("in vigore dal"))
    al = models.DateField(_("fino al"))
    determina = models.ForeignKey("determine.Determina", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="contratti",
                                  verbose_name=_("determina"))
    tariffa_oraria = money(_("tariffa oraria"), null=True, blank=True,
                           validators=[MinValueValidator(ZERO)])
    tariffa_giornaliera = money(_("tariffa giornaliera per posto"), null=True, blank=True,
                                validators=[MinValueValidator(ZERO)])
    ore_massime = quantity(_("ore massime"), null=True, blank=True)
    posti_massimi = models.PositiveIntegerField(_("posti massimi"), null=True, blank=True)
    importo_massimo = money(_("importo massimo del contratto"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-dal", "id"]
        verbose_name = _("contratto")
        verbose_name_plural = _("contratti")
        constraints = [
            models.UniqueConstraint(fields=["fornitore", "numero"], name="contratto_numero_unico"),
            models.CheckConstraint(condition=Q(al__gte=F("dal")), name="contratto_date_ordinate"),
            models.CheckConstraint(condition=Q(importo_massimo__gt=0),
                                   name="contratto_tetto_positivo"),
            models.CheckConstraint(
                condition=Q(tariffa_oraria__isnull=False) | Q(tariffa_giornaliera__isnull=False),
                name="contratto_ha_una_tariffa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero} — {self.fornitore}"


class Fattura(BaseModel):
    """A provider's invoice for one month of one contract."""

    class Stato(models.TextChoices):
        RICEVUTA = "ricevuta", _("Ricevuta")
        VERIFICATA = "verificata", _("Verificata")
        CON_DISCREPANZE = "con_discrepanze", _("Con discrepanze")
        ACCETTATA = "accettata", _("Accettata dal dirigente")
        CONTESTATA = "contestata", _("Contestata")
        LIQUIDATA = "liquidata", _("Liquidata")

    #: states an atto di liquidazione may pay
    LIQUIDABILI = (Stato.VERIFICATA, Stato.ACCETTATA)

    fornitore = models.ForeignKey(Fornitore, on_delete=models.PROTECT, related_name="fatture",
                                  verbose_name=_("fornitore"))
    contratto = models.ForeignKey(Contratto, on_delete=models.PROTECT, related_name="fatture",
                                  verbose_name=_("contratto"))
    numero = models.CharField(_("numero"), max_length=40)
    data = models.DateField(_("data"))
    # Invoice numbers restart every year: the year of the date is part of the identity.
    anno = models.PositiveSmallIntegerField(_("anno"), editable=False)
    competenza = models.DateField(_("mese di competenza"), help_text=_("Primo giorno del mese."))
    importo_totale = money(_("totale fatturato"))
    importo_atteso = money(_("totale atteso"), default=ZERO)
    stato = models.CharField(_("stato"), max_length=16, choices=Stato.choices,
                             default=Stato.RICEVUTA)
    controllata_il = models.DateTimeField(_("controllata il"), null=True, blank=True)
    decisa_da_id = models.BigIntegerField(_("decisa da"), null=True, blank=True)
    decisa_da_label = models.CharField(_("decisa da"), max_length=254, blank=True)
    motivazione = models.TextField(_("motivazione"), blank=True)
    liquidata_il = models.DateField(_("liquidata il"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-data", "-id"]
        verbose_name = _("fattura")
        verbose_name_plural = _("fatture")
        constraints = [
            # "A/12" and "a/12" are the same invoice number.
            models.UniqueConstraint("fornitore", "anno", Upper("numero"),
                                    name="fattura_numero_unico_per_fornitore"),
            models.CheckConstraint(condition=Q(importo_totale__gt=0),
                                   name="fattura_importo_positivo"),
            models.CheckConstraint(
                condition=~Q(stato__in=["accettata", "contestata"]) | ~Q(motivazione=""),
                name="fattura_decisione_motivata",
            ),
        ]
        indexes = [models.Index(fields=["stato", "data"], name="fattura_stato_data")]

    def __str__(self) -> str:
        return f"{self.numero} del {self.data:%d/%m/%Y} — {self.fornitore}"

    @property
    def liquidabile(self) -> bool:
        return self.stato in self.LIQUIDABILI


class RigaFattura(BaseModel):
    """One person's line: days (placements) or hours (home care) and the amount invoiced,
    beside what the check expected."""

    fattura = models.ForeignKey(Fattura, on_delete=models.CASCADE, related_name="righe",
                                verbose_name=_("fattura"))
    intervento = models.ForeignKey("interventi.Intervento", on_delete=models.PROTECT,
                                   related_name="righe_fattura", verbose_name=_("intervento"))
    quantita = quantity(_("giorni o ore fatturati"), validators=[MinValueValidator(ZERO)])
    tariffa = money(_("tariffa applicata"), null=True, blank=True)
    importo = money(_("importo fatturato"), validators=[MinValueValidator(ZERO)])
    quantita_attesa = quantity(_("giorni o ore riscontrati"), default=ZERO)
    tariffa_attesa = money(_("tariffa del contratto"), null=True, blank=True)
    importo_atteso = money(_("importo atteso"), default=ZERO)
    # Always 'fornitore': with intervento_id a foreign key to (Intervento.id,
    # Intervento.pagato_a), so the database refuses an invoice line for an intervention the
    # comune pays to the person (or as LSU pay): a month is paid one way only.
    via = models.GeneratedField(expression=models.Value("fornitore"),
                                output_field=models.CharField(max_length=10), db_persist=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("riga di fattura")
        verbose_name_plural = _("righe di fattura")
        constraints = [
            models.UniqueConstraint(fields=["fattura", "intervento"],
                                    name="riga_fattura_una_per_intervento"),
        ]

    @property
    def differenza(self) -> Decimal:
        return self.importo - self.importo_atteso


class Discrepanza(models.Model):
    """One difference found by the automatic check, on a line or on the whole invoice."""

    class Tipo(models.TextChoices):
        QUANTITA = "quantita", _("Giorni o ore oltre il riscontrato")
        TARIFFA = "tariffa", _("Tariffa diversa dal contratto")
        IMPORTO = "importo", _("Importo diverso dall'atteso")
        NON_PREVISTO = "non_previsto", _("Persona non prevista dal contratto")
        TOTALE = "totale", _("Totale diverso dalla somma delle righe")
        TETTO_CONTRATTO = "tetto_contratto", _("Oltre l'importo massimo del contratto")
        DETERMINA = "determina", _("Oltre la disponibilità della determina")
        PERIODO = "periodo", _("Mese fuori dal periodo del contratto")

    fattura = models.ForeignKey(Fattura, on_delete=models.CASCADE, related_name="discrepanze",
                                verbose_name=_("fattura"))
    riga = models.ForeignKey(RigaFattura, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="discrepanze", verbose_name=_("riga"))
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    descrizione = models.CharField(_("descrizione"), max_length=500)
    differenza = money(_("differenza"), default=ZERO)

    class Meta:
        ordering = ["id"]
        verbose_name = _("discrepanza")
        verbose_name_plural = _("discrepanze")

    def __str__(self) -> str:
        return self.descrizione
