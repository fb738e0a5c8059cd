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
    # The sender's choice: the diary's private notes go too (else they stay behind).
    includi_riservate = models.BooleanField(_("con le note riservate del diario"),
                                            default=False)
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


class ServizioZonale(BaseModel):
    """A specialist service the zone office runs for all the comuni of its zone (centro
    affidi, équipe adozioni, servizio inserimento lavorativo...)."""

    zona = models.ForeignKey("tenants.Zona", on_delete=models.PROTECT, related_name="servizi_zonali",
                             verbose_name=_("ambito"))
    nome = models.CharField(_("nome"), max_length=150)
    tipo = models.CharField(_("tipo"), max_length=30)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("servizio specialistico dell'ambito")
        verbose_name_plural = _("servizi specialistici dell'ambito")
        constraints = [models.UniqueConstraint(fields=["zona", "nome"],
                                               name="servizio_zonale_nome_unico")]

    def __str__(self) -> str:
        return self.nome


class RichiestaZonale(BaseModel):
    """A case referred by a comune to a zone service: what the service needs to act on it,
    with the consent that lets it leave the comune, and the answer. Never the case file."""

    class Stato(models.TextChoices):
        INVIATA = "inviata", _("In attesa di risposta")
        ACCOLTA = "accolta", _("Presa in carico dal servizio")
        RESPINTA = "respinta", _("Non accolta")
        CONCLUSA = "conclusa", _("Risposta data")
        ANNULLATA = "annullata", _("Ritirata dal comune")

    servizio = models.ForeignKey(ServizioZonale, on_delete=models.PROTECT,
                                 related_name="richieste", verbose_name=_("servizio"))
    mittente = models.ForeignKey("tenants.Ente", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("comune"))
    invio_origine = models.UUIDField(_("invio del comune"), unique=True)
    cognome = models.CharField(_("cognome"), max_length=100)
    nome = models.CharField(_("nome"), max_length=100)
    data_nascita = models.DateField(_("data di nascita"))
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    area_target = models.CharField(_("area target"), max_length=20)
    quesito = models.TextField(_("quesito"))
    referente = models.CharField(_("assistente sociale referente"), max_length=254)
    consenso_data = models.DateField(_("consenso raccolto il"))
    consenso_modalita = models.CharField(_("modalità del consenso"), max_length=10,
                                         choices=Trasferimento.ModalitaConsenso.choices)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.INVIATA)
    gestita_da = models.CharField(_("operatore del servizio"), max_length=254, blank=True)
    risposta = models.TextField(_("risposta"), blank=True)
    risposta_il = models.DateField(_("risposta del"), null=True, blank=True)
    # The case file the zone opened for the person in its own schema (gestione associata):
    # only its public id crosses here, and only the zone's pages read it.
    cartella_ambito = models.UUIDField(_("cartella aperta nell'ambito"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("richiesta a un servizio dell'ambito")
        verbose_name_plural = _("richieste ai servizi dell'ambito")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stato__in=["respinta", "conclusa"]) | ~Q(risposta=""),
                name="richiesta_zonale_risposta_motivata",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome} → {self.servizio}"
