"""The piano assistenziale individualizzato (PAI) of a case: goals, planned interventions,
who is responsible, periodic reviews; the dirigente's approvals (of a PAI or of a case
closure) and the notices that tell the requester how it went.

A case has a sequence of PAI versions; at most one is in force (approvato) at a time.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class PAI(BaseModel):
    class Stato(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        IN_APPROVAZIONE = "in_approvazione", _("In attesa di approvazione")
        APPROVATO = "approvato", _("Approvato, in vigore")
        RESPINTO = "respinto", _("Respinto")
        CONCLUSO = "concluso", _("Concluso")

    EDITABLE = (Stato.BOZZA, Stato.RESPINTO)

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT,
                                 related_name="piani", verbose_name=_("cartella"))
    versione = models.PositiveIntegerField(_("versione"))
    stato = models.CharField(_("stato"), max_length=16, choices=Stato.choices,
                             default=Stato.BOZZA)
    data_inizio = models.DateField(_("inizio"))
    data_fine_prevista = models.DateField(_("fine prevista"), null=True, blank=True)
    sintesi_bisogno = models.TextField(_("sintesi del bisogno"))
    creato_da_id = models.BigIntegerField(_("redatto da"))
    creato_da_label = models.CharField(_("redatto da"), max_length=254)
    approvato_il = models.DateTimeField(_("approvato il"), null=True, blank=True)
    approvato_da_label = models.CharField(_("approvato da"), max_length=254, blank=True)
    data_conclusione = models.DateField(_("concluso il"), null=True, blank=True)
    esito_conclusione = models.TextField(_("esito finale"), blank=True)

    class Meta:
        verbose_name = _("PAI")
        verbose_name_plural = _("PAI")
        ordering = ["cartella", "-versione"]
        constraints = [
            models.UniqueConstraint(fields=["cartella", "versione"], name="pai_versione_unica"),
            # One plan in force per case: approving a new version concludes the previous.
            models.UniqueConstraint(fields=["cartella"], condition=Q(stato="approvato"),
                                    name="pai_un_solo_approvato"),
            models.CheckConstraint(
                condition=Q(data_fine_prevista__isnull=True)
                | Q(data_fine_prevista__gte=F("data_inizio")),
                name="pai_fine_dopo_inizio",
            ),
            models.CheckConstraint(
                condition=~Q(stato="concluso") | Q(data_conclusione__isnull=False),
                name="pai_concluso_ha_data",
            ),
        ]

    def __str__(self) -> str:
        return f"PAI v{self.versione} — {self.cartella}"

    @property
    def is_editable(self) -> bool:
        return self.stato in self.EDITABLE


class ObiettivoPAI(BaseModel):
    class Esito(models.TextChoices):
        IN_CORSO = "in_corso", _("In corso")
        RAGGIUNTO = "raggiunto", _("Raggiunto")
        PARZIALMENTE = "parzialmente", _("Parzialmente raggiunto")
        NON_RAGGIUNTO = "non_raggiunto", _("Non raggiunto")

    pai = models.ForeignKey(PAI, on_delete=models.CASCADE, related_name="obiettivi")
    descrizione = models.TextField(_("obiettivo"))
    indicatore = models.CharField(_("indicatore di risultato"), max_length=300, blank=True)
    esito = models.CharField(_("esito"), max_length=15, choices=Esito.choices,
                             default=Esito.IN_CORSO)

    class Meta:
        verbose_name = _("obiettivo del PAI")
        verbose_name_plural = _("obiettivi del PAI")
        ordering = ["pai", "id"]

    def __str__(self) -> str:
        return self.descrizione[:80]


class InterventoPianificato(BaseModel):
    pai = models.ForeignKey(PAI, on_delete=models.CASCADE, related_name="interventi")
    descrizione = models.CharField(_("intervento"), max_length=300)
    # Free text until the service catalogue is linked.
    area = models.CharField(_("area / servizio"), max_length=200, blank=True)
    frequenza = models.CharField(_("frequenza"), max_length=100, blank=True)
    responsabile_id = models.BigIntegerField(_("responsabile"), null=True, blank=True)
    responsabile_label = models.CharField(_("responsabile"), max_length=254, blank=True)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("intervento pianificato")
        verbose_name_plural = _("interventi pianificati")
        ordering = ["pai", "dal", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(al__isnull=True) | Q(al__gte=F("dal")),
                                   name="intervento_pianificato_al_dopo_dal"),
        ]

    def __str__(self) -> str:
        return self.descrizione


class ResponsabilePAI(BaseModel):
    """An operator of the comune who answers for the plan (case manager, educator...)."""

    pai = models.ForeignKey(PAI, on_delete=models.CASCADE, related_name="responsabili")
    user_id = models.BigIntegerField(_("operatore"))
    label = models.CharField(_("operatore"), max_length=254)
    ruolo = models.CharField(_("ruolo nel PAI"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("responsabile del PAI")
        verbose_name_plural = _("responsabili del PAI")
        ordering = ["pai", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pai", "user_id"], name="responsabile_pai_unico"),
        ]
        indexes = [models.Index(fields=["user_id"], name="responsabile_pai_user")]

    def __str__(self) -> str:
        return f"{self.label} ({self.ruolo})" if self.ruolo else self.label


class VerificaPAI(BaseModel):
    """A review of the plan: scheduled (data_prevista), then recorded with its outcome."""

    pai = models.ForeignKey(PAI, on_delete=models.CASCADE, related_name="verifiche")
    data_prevista = models.DateField(_("prevista il"))
    data_effettuata = models.DateField(_("effettuata il"), null=True, blank=True)
    esito = models.TextField(_("esito della verifica"), blank=True)
    # {obiettivo public_id: esito} as assessed at this review.
    valutazioni = models.JSONField(_("valutazione degli obiettivi"), default=dict, blank=True)
    registrata_da_id = models.BigIntegerField(null=True, blank=True)
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("verifica del PAI")
        verbose_name_plural = _("verifiche del PAI")
        ordering = ["pai", "data_prevista", "id"]
        constraints = [
            # One review in the diary per plan: rescheduling moves it.
            models.UniqueConstraint(fields=["pai"], condition=Q(data_effettuata__isnull=True),
                                    name="verifica_pai_una_in_programma"),
            models.CheckConstraint(condition=Q(data_effettuata__isnull=True) | ~Q(esito=""),
                                   name="verifica_effettuata_ha_esito"),
        ]
        indexes = [
            models.Index(fields=["data_prevista"], condition=Q(data_effettuata__isnull=True),
                         name="verifica_pai_da_fare"),
        ]

    def __str__(self) -> str:
        return f"Verifica {self.data_prevista:%d/%m/%Y}"


class Approvazione(BaseModel):
    """A decision asked of the dirigente: a PAI to approve or a case closure."""

    class Tipo(models.TextChoices):
        PAI = "pai", _("Approvazione del PAI")
        CHIUSURA_CARTELLA = "chiusura_cartella", _("Chiusura della cartella")

    class Stato(models.TextChoices):
        IN_ATTESA = "in_attesa", _("In attesa")
        APPROVATA = "approvata", _("Approvata")
        RESPINTA = "respinta", _("Respinta")

    tipo = models.CharField(_("richiesta"), max_length=20, choices=Tipo.choices)
    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT,
                                 related_name="approvazioni", verbose_name=_("cartella"))
    pai = models.ForeignKey(PAI, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="approvazioni", verbose_name=_("PAI"))
    richiesta_da_id = models.BigIntegerField(_("richiesta da"))
    richiesta_da_label = models.CharField(_("richiesta da"), max_length=254)
    richiesta_il = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    nota = models.TextField(_("nota per il dirigente"), blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.IN_ATTESA)
    decisa_da_id = models.BigIntegerField(null=True, blank=True)
    decisa_da_label = models.CharField(_("decisa da"), max_length=254, blank=True)
    decisa_il = models.DateTimeField(_("decisa il"), null=True, blank=True)
    motivazione = models.TextField(_("motivazione della decisione"), blank=True)
    # Closure: what the social worker proposes.
    data_chiusura = models.DateField(_("data di chiusura proposta"), null=True, blank=True)
    motivo_chiusura = models.TextField(_("motivo della chiusura"), blank=True)

    class Meta:
        verbose_name = _("richiesta di approvazione")
        verbose_name_plural = _("richieste di approvazione")
        ordering = ["-richiesta_il", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(tipo="pai") | Q(pai__isnull=False),
                                   name="approvazione_pai_ha_pai"),
            models.CheckConstraint(
                condition=~Q(tipo="chiusura_cartella")
                | (Q(data_chiusura__isnull=False) & ~Q(motivo_chiusura="")),
                name="approvazione_chiusura_ha_data_e_motivo",
            ),
            models.CheckConstraint(condition=~Q(stato="respinta") | ~Q(motivazione=""),
                                   name="approvazione_respinta_motivata"),
            models.CheckConstraint(condition=Q(stato="in_attesa") | Q(decisa_il__isnull=False),
                                   name="approvazione_decisa_ha_data"),
            models.UniqueConstraint(fields=["pai"], condition=Q(stato="in_attesa"),
                                    name="approvazione_pai_una_in_attesa"),
            models.UniqueConstraint(fields=["cartella"],
                                    condition=Q(stato="in_attesa", tipo="chiusura_cartella"),
                                    name="approvazione_chiusura_una_in_attesa"),
        ]
        indexes = [models.Index(fields=["stato", "richiesta_il"], name="approvazione_stato")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} — {self.cartella}"


class Notifica(BaseModel):
    """A line on the recipient's dashboard (until the platform's notifications module)."""

    destinatario_id = models.BigIntegerField(_("destinatario"))
    testo = models.CharField(_("testo"), max_length=500)
    link = models.CharField(_("collegamento"), max_length=300, blank=True)
    letta = models.BooleanField(_("letta"), default=False)
    letta_il = models.DateTimeField(_("letta il"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["destinatario_id", "letta"], name="notifica_destinatario")]

    def __str__(self) -> str:
        return self.testo
