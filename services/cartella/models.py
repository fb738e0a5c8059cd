"""The cartella sociale: one per person, with its movements (opening, suspension, closure,
reopening, transfer), the operators enabled on it, and notices for the social worker.

Who may read a case is decided in one place, ``selectors.get_cartella_for_user``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.accesso.models import AreaTarget
from services.core.models import BaseModel


class ImpostazioniCartella(models.Model):
    """Per-comune rules (one row per schema): which decisions need the dirigente."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    approvazione_pai = models.BooleanField(_("i PAI richiedono l'approvazione del dirigente"),
                                           default=True)
    approvazione_chiusura = models.BooleanField(
        _("la chiusura delle cartelle richiede l'approvazione del dirigente"), default=True)
    singleton = models.BooleanField(default=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("impostazioni delle cartelle")
        constraints = [models.CheckConstraint(condition=Q(singleton=True),
                                              name="impostazioni_cartella_singleton")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> ImpostazioniCartella:
        obj, _created = cls.objects.get_or_create(singleton=True)
        return obj


class Cartella(BaseModel):
    class Stato(models.TextChoices):
        APERTA = "aperta", _("Aperta")
        SOSPESA = "sospesa", _("Sospesa")
        CHIUSA = "chiusa", _("Chiusa")

    numero = models.CharField(_("numero"), max_length=20, unique=True)
    persona = models.OneToOneField("anagrafica.Persona", on_delete=models.PROTECT,
                                   related_name="cartella", verbose_name=_("persona"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.APERTA)
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices)
    data_apertura = models.DateField(_("aperta il"))
    data_chiusura = models.DateField(_("chiusa il"), null=True, blank=True)
    responsabile_id = models.BigIntegerField(_("responsabile del caso"))
    responsabile_label = models.CharField(_("responsabile del caso"), max_length=254)
    scheda_origine = models.ForeignKey("accesso.SchedaAccesso", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    # After a transfer to another comune the sender keeps the history, read-only.
    sola_lettura = models.BooleanField(_("in sola lettura"), default=False)
    motivo_sola_lettura = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("cartella sociale")
        verbose_name_plural = _("cartelle sociali")
        ordering = ["-data_apertura", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_chiusura__isnull=True) | Q(data_chiusura__gte=models.F("data_apertura")),
                name="cartella_chiusura_dopo_apertura",
            ),
            models.CheckConstraint(
                condition=~Q(stato="chiusa") | Q(data_chiusura__isnull=False),
                name="cartella_chiusa_ha_data",
            ),
        ]

    def __str__(self) -> str:
        return f"Cartella {self.numero}"

    @property
    def is_writable(self) -> bool:
        return not self.sola_lettura and self.stato != self.Stato.CHIUSA


class MovimentoCartella(BaseModel):
    class Tipo(models.TextChoices):
        APERTURA = "apertura", _("Apertura")
        SOSPENSIONE = "sospensione", _("Sospensione")
        CHIUSURA = "chiusura", _("Chiusura")
        RIAPERTURA = "riapertura", _("Riapertura")
        TRASFERIMENTO_USCITA = "trasf_uscita", _("Trasferita ad altro comune")
        TRASFERIMENTO_INGRESSO = "trasf_ingresso", _("Ricevuta da altro comune")
        RESPONSABILE = "responsabile", _("Cambio del responsabile")

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE, related_name="movimenti")
    tipo = models.CharField(_("movimento"), max_length=15, choices=Tipo.choices)
    data = models.DateField(_("data"))
    motivo = models.TextField(_("motivo"), blank=True)
    operatore_id = models.BigIntegerField(null=True, blank=True)
    operatore_label = models.CharField(_("operatore"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("movimento della cartella")
        verbose_name_plural = _("movimenti della cartella")
        ordering = ["cartella", "data", "id"]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.data:%d/%m/%Y}"


class OperatoreCartella(BaseModel):
    """An operator enabled on the case: only they (and the roles that see every case) read it."""

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE, related_name="operatori")
    user_id = models.BigIntegerField(_("operatore"))
    user_label = models.CharField(_("operatore"), max_length=254)
    ruolo = models.CharField(_("ruolo nel caso"), max_length=100, blank=True)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("operatore abilitato")
        verbose_name_plural = _("operatori abilitati")
        ordering = ["cartella", "al", "dal"]
        constraints = [
            models.UniqueConstraint(fields=["cartella", "user_id"], condition=Q(al__isnull=True),
                                    name="operatore_cartella_one_active"),
        ]
        indexes = [models.Index(fields=["user_id", "al"], name="operatore_cartella_user")]

    def __str__(self) -> str:
        return f"{self.user_label} ({self.ruolo})"


class AvvisoCartella(BaseModel):
    """Something the social worker must know about the case, raised by the system (a death
    or a household change from the population register) or by a colleague."""

    class Tipo(models.TextChoices):
        DECESSO = "decesso", _("Decesso")
        EMIGRAZIONE = "emigrazione", _("Emigrazione / cambio di residenza")
        NUCLEO = "nucleo", _("Variazione del nucleo familiare")
        ALTRO = "altro", _("Altro")

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE, related_name="avvisi")
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices)
    testo = models.CharField(_("testo"), max_length=500)
    fonte = models.CharField(_("fonte"), max_length=100, blank=True)
    letto_il = models.DateTimeField(_("letto il"), null=True, blank=True)
    letto_da = models.CharField(_("letto da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("avviso sulla cartella")
        verbose_name_plural = _("avvisi sulle cartelle")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.testo
