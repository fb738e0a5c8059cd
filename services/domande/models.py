"""Applications (domande): intake with protocol, assignment to a social worker, and the
DSU/ISEE data the national SIUSS flow needs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

from .models_import import ImportProtocollo, RigaScartataProtocollo

__all__ = ["Domanda", "ImportProtocollo", "RigaScartataProtocollo"]


class Domanda(BaseModel):
    class Stato(models.TextChoices):
        PRESENTATA = "presentata", _("Presentata")
        ASSEGNATA = "assegnata", _("Assegnata")
        ISTRUTTORIA = "istruttoria", _("In istruttoria")
        ACCOLTA = "accolta", _("Accolta")
        RESPINTA = "respinta", _("Respinta")
        ARCHIVIATA = "archiviata", _("Archiviata")
        CONCLUSA = "conclusa", _("Conclusa")

    class Origine(models.TextChoices):
        SPORTELLO = "sportello", _("Sportello")
        PROTOCOLLO = "protocollo", _("Importata dal protocollo")
        PORTALE = "portale", _("Portale del cittadino")

    class TipoIsee(models.TextChoices):
        ORDINARIO = "ordinario", _("Ordinario")
        MINORENNI = "minorenni", _("Minorenni")
        SOCIOSANITARIO = "sociosanitario", _("Socio-sanitario")
        RESIDENZIALE = "residenziale", _("Socio-sanitario residenziale")
        UNIVERSITA = "universita", _("Università")
        CORRENTE = "corrente", _("Corrente")

    numero_protocollo = models.CharField(_("numero di protocollo"), max_length=40)
    data_protocollo = models.DateField(_("data di protocollo"))
    persona = models.ForeignKey(
        "anagrafica.Persona", on_delete=models.PROTECT, related_name="domande",
        verbose_name=_("richiedente"),
    )
    servizio = models.ForeignKey(
        "interventi.Servizio", on_delete=models.PROTECT, related_name="domande",
        verbose_name=_("servizio richiesto"),
    )
    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices, default=Stato.PRESENTATA)
    origine = models.CharField(_("origine"), max_length=12, choices=Origine.choices,
                               default=Origine.SPORTELLO)
    assegnata_a_id = models.BigIntegerField(_("assistente sociale"), null=True, blank=True)
    assegnata_a_label = models.CharField(_("assistente sociale"), max_length=254, blank=True)
    assegnata_il = models.DateField(_("data di assegnazione"), null=True, blank=True)
    # DSU/ISEE as read from the INPS attestation: protocol, year and date go together (SIUSS).
    dsu_protocollo = models.CharField(_("protocollo DSU"), max_length=40, blank=True)
    dsu_anno = models.PositiveSmallIntegerField(_("anno DSU"), null=True, blank=True)
    dsu_data = models.DateField(_("data di presentazione DSU"), null=True, blank=True)
    isee_valore = models.DecimalField(_("valore ISEE"), max_digits=12, decimal_places=2,
                                      null=True, blank=True)
    isee_tipo = models.CharField(_("tipo di ISEE"), max_length=16, choices=TipoIsee.choices,
                                 blank=True)
    importo_richiesto = models.DecimalField(_("importo richiesto"), max_digits=12,
                                            decimal_places=2, null=True, blank=True)
    # The service-specific fields of the quick-entry form (Servizio.campi_domanda).
    dati = models.JSONField(_("dati della domanda"), default=dict, blank=True)
    esito_il = models.DateField(_("data dell'esito"), null=True, blank=True)
    motivazione_esito = models.TextField(_("motivazione dell'esito"), blank=True)
    note = models.TextField(_("note"), blank=True)
    oggetto = models.CharField(_("oggetto"), max_length=300, blank=True)
    # The protocol import that brought the application in, if any.
    importazione = models.ForeignKey(
        "domande.ImportProtocollo", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="domande", verbose_name=_("importazione dal protocollo"),
    )

    CHIUSE = ("accolta", "respinta", "archiviata", "conclusa")
    APERTE = ("presentata", "assegnata", "istruttoria")

    class Meta:
        ordering = ["-data_protocollo", "-id"]
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        constraints = [
            models.UniqueConstraint(fields=["numero_protocollo", "data_protocollo"],
                                    name="domanda_protocollo_unico"),
            models.CheckConstraint(
                condition=(Q(dsu_protocollo="") & Q(dsu_anno__isnull=True) & Q(dsu_data__isnull=True))
                | (~Q(dsu_protocollo="") & Q(dsu_anno__isnull=False) & Q(dsu_data__isnull=False)),
                name="domanda_dsu_completa_o_assente",
            ),
            models.CheckConstraint(condition=Q(isee_valore__isnull=True) | Q(isee_valore__gte=0),
                                   name="domanda_isee_positivo"),
        ]
        indexes = [models.Index(fields=["assegnata_a_id", "stato"], name="domanda_coda_operatore")]

    def __str__(self) -> str:
        return f"{self.numero_protocollo} del {self.data_protocollo:%d/%m/%Y}"

    @property
    def is_chiusa(self) -> bool:
        return self.stato in self.CHIUSE
