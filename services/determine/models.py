"""Determine and atti di liquidazione: committing budget and paying within it.

A ``Determina`` commits an amount on a budget chapter of one year and, where it funds the
piano di zona, on a line of the zone plan (``voce_piano``: the public id of a
``zone.piano.VocePiano`` row of the public schema). What has been liquidated on it is kept
in ``importo_liquidato``, updated only by ``services.liquidazione_create`` under a row lock;
the database refuses a total above the commitment.

A ``RigaLiquidazione`` pays one liquidable object (a ``interventi.Pagamento``, a provider's
invoice, an LSU pay slip...) named by ``oggetto_tipo`` and ``oggetto_id``: the partial
unique constraint makes it impossible to liquidate the same object twice, even when two
people try at the same moment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

ZERO = Decimal("0.00")


def money(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Determina(BaseModel):
    class Stato(models.TextChoices):
        ESECUTIVA = "esecutiva", _("Esecutiva")
        CHIUSA = "chiusa", _("Chiusa")
        ANNULLATA = "annullata", _("Annullata")

    numero = models.CharField(_("numero"), max_length=30)
    data_adozione = models.DateField(_("data di adozione"))
    esercizio = models.PositiveSmallIntegerField(_("esercizio"))
    oggetto = models.CharField(_("oggetto"), max_length=500)
    capitolo = models.CharField(_("capitolo di bilancio"), max_length=30)
    articolo = models.CharField(_("articolo"), max_length=30, blank=True)
    importo_impegnato = money(_("importo impegnato"))
    importo_liquidato = money(_("importo liquidato"), default=ZERO, editable=False)
    servizio = models.ForeignKey(
        "interventi.Servizio", null=True, blank=True, on_delete=models.PROTECT,
        related_name="determine", verbose_name=_("servizio"),
    )
    voce_piano = models.UUIDField(_("voce del piano di zona"), null=True, blank=True, db_index=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices, default=Stato.ESECUTIVA)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-esercizio", "-data_adozione", "-id"]
        verbose_name = _("determina")
        verbose_name_plural = _("determine")
        constraints = [
            models.UniqueConstraint(fields=["esercizio", "numero"], name="determina_numero_unico"),
            models.CheckConstraint(condition=Q(importo_impegnato__gt=0), name="determina_impegno_positivo"),
            models.CheckConstraint(
                condition=Q(importo_liquidato__gte=0) & Q(importo_liquidato__lte=F("importo_impegnato")),
                name="determina_liquidato_entro_impegno",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.riferimento} — {self.oggetto}"

    @property
    def riferimento(self) -> str:
        """'2025/000012' as numbered here, '123/2025' for a number typed without the year."""
        return self.numero if str(self.esercizio) in self.numero else f"{self.numero}/{self.esercizio}"

    @property
    def disponibile(self) -> Decimal:
        """What may still be liquidated: nothing on an annulled determina."""
        if self.stato == self.Stato.ANNULLATA:
            return ZERO
        return self.importo_impegnato - self.importo_liquidato

    @property
    def impegno_effettivo(self) -> Decimal:
        """What the determina commits: on an annulled one, only what it liquidated (the
        rest is released)."""
        if self.stato == self.Stato.ANNULLATA:
            return self.importo_liquidato
        return self.importo_impegnato


class Liquidazione(BaseModel):
    """An atto di liquidazione: pays objects within one determina's remaining amount."""

    class Stato(models.TextChoices):
        EMESSA = "emessa", _("Emessa")
        ANNULLATA = "annullata", _("Annullata")

    numero = models.CharField(_("numero"), max_length=30)
    esercizio = models.PositiveSmallIntegerField(_("esercizio"))
    data = models.DateField(_("data"))
    determina = models.ForeignKey(
        Determina, on_delete=models.PROTECT, related_name="liquidazioni", verbose_name=_("determina")
    )
    importo_totale = money(_("importo totale"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices, default=Stato.EMESSA)
    emessa_da_id = models.BigIntegerField(_("emessa da"), null=True, blank=True)
    emessa_da_label = models.CharField(_("emessa da"), max_length=254, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-esercizio", "-data", "-id"]
        verbose_name = _("atto di liquidazione")
        verbose_name_plural = _("atti di liquidazione")
        constraints = [
            models.UniqueConstraint(fields=["esercizio", "numero"], name="liquidazione_numero_unico"),
            models.CheckConstraint(condition=Q(importo_totale__gt=0), name="liquidazione_importo_positivo"),
        ]

    def __str__(self) -> str:
        return f"{self.numero}/{self.esercizio}"


class RigaLiquidazione(BaseModel):
    liquidazione = models.ForeignKey(
        Liquidazione, on_delete=models.PROTECT, related_name="righe", verbose_name=_("liquidazione")
    )
    # "app_label.model" of the liquidable object, and its id in this schema.
    oggetto_tipo = models.CharField(_("tipo"), max_length=60)
    oggetto_id = models.BigIntegerField(_("oggetto"))
    descrizione = models.CharField(_("descrizione"), max_length=300)
    # Who benefits, for the totals per person (null for invoices covering several people).
    persona_id = models.BigIntegerField(_("beneficiario"), null=True, blank=True)
    importo = money(_("importo"))
    # How the line is paid, as it was when the act was issued (the person's payment method,
    # the provider's IBAN).
    modalita_pagamento = models.CharField(_("modalità di pagamento"), max_length=300,
                                          blank=True)
    # Denormalised from the liquidazione so the partial unique index can read it.
    annullata = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("riga di liquidazione")
        verbose_name_plural = _("righe di liquidazione")
        constraints = [
            models.CheckConstraint(condition=Q(importo__gt=0), name="riga_liquidazione_importo_positivo"),
            models.UniqueConstraint(
                fields=["oggetto_tipo", "oggetto_id"], condition=Q(annullata=False),
                name="riga_liquidazione_oggetto_una_volta",
            ),
        ]


class ModalitaPagamento(BaseModel):
    """How a person (a beneficiary, or a delegate who collects for them) is paid. One is in
    force per person; a new one replaces it (the old one stays, not in force, for the acts
    that used it). A liquidazione refuses a line to a person without one."""

    class Tipo(models.TextChoices):
        BONIFICO = "bonifico", _("Bonifico su IBAN")
        CONTANTI = "contanti", _("Contanti presso la tesoreria")
        QUIETANZA = "quietanza", _("Quietanza diretta")
        DELEGATO = "delegato", _("Riscossione da parte di un delegato")

    persona = models.ForeignKey("anagrafica.Persona", on_delete=models.PROTECT,
                                related_name="modalita_pagamento", verbose_name=_("persona"))
    tipo = models.CharField(_("modalità"), max_length=10, choices=Tipo.choices)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    intestatario = models.CharField(_("intestatario del conto"), max_length=200, blank=True)
    delegato = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="deleghe_riscossione",
                                 verbose_name=_("delegato"))
    in_vigore = models.BooleanField(_("in vigore"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-in_vigore", "-created_at", "-id"]
        verbose_name = _("modalità di pagamento")
        verbose_name_plural = _("modalità di pagamento")
        constraints = [
            models.UniqueConstraint(fields=["persona"], condition=Q(in_vigore=True),
                                    name="modalita_pagamento_una_in_vigore"),
            models.CheckConstraint(condition=~Q(tipo="bonifico") | ~Q(iban=""),
                                   name="modalita_bonifico_con_iban"),
            models.CheckConstraint(
                condition=(Q(tipo="delegato", delegato__isnull=False) & ~Q(delegato=F("persona")))
                | (~Q(tipo="delegato") & Q(delegato__isnull=True)),
                name="modalita_delegato_altra_persona"),
        ]

    def __str__(self) -> str:
        return self.descrizione

    @property
    def descrizione(self) -> str:
        """As printed on the atto di liquidazione."""
        if self.tipo == self.Tipo.BONIFICO:
            testo = _("Bonifico IBAN %(i)s") % {"i": self.iban}
            return f"{testo} ({self.intestatario})" if self.intestatario else testo
        if self.tipo == self.Tipo.DELEGATO and self.delegato is not None:
            return _("Riscuote il delegato %(d)s (%(cf)s)") % {
                "d": self.delegato.nome_completo, "cf": self.delegato.codice_fiscale}
        return str(self.get_tipo_display())
