"""Referral of a case to a specialist service (affidi, adozioni, inserimento lavorativo...).

A specialist service is either the comune's own team (``ServizioSpecialistico``, its members
are operators of the comune) or a service the zone office runs for all its comuni
(``services.trasferimenti.models.ServizioZonale``, public schema). The referral (``Invio``)
lives with the case, in the comune's schema.

- To a team of the comune: a member accepts it and is then enabled on the case (reads it,
  writes the diary), or rejects it with a reason; the team's answer closes it.
- To a zone service: only a summary leaves the comune, with the person's consent, as a
  ``RichiestaZonale`` row of the public schema; the zone office answers there and the case
  page reads the answer back. The zone never reads the case file.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class TipoServizioSpecialistico(models.TextChoices):
    AFFIDI = "affidi", _("Affidamento familiare")
    ADOZIONI = "adozioni", _("Adozioni")
    INSERIMENTO_LAVORATIVO = "inserimento_lavorativo", _("Inserimento lavorativo")
    TUTELA_MINORI = "tutela_minori", _("Tutela minori")
    MEDIAZIONE_FAMILIARE = "mediazione_familiare", _("Mediazione familiare")
    ALTRO = "altro", _("Altro servizio specialistico")


class ServizioSpecialistico(BaseModel):
    nome = models.CharField(_("nome"), max_length=150, unique=True)
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoServizioSpecialistico.choices)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("servizio specialistico")
        verbose_name_plural = _("servizi specialistici")

    def __str__(self) -> str:
        return self.nome


class MembroServizio(BaseModel):
    servizio = models.ForeignKey(ServizioSpecialistico, on_delete=models.CASCADE,
                                 related_name="membri")
    user_id = models.BigIntegerField(_("operatore"))
    user_label = models.CharField(_("operatore"), max_length=254)

    class Meta:
        ordering = ["user_label"]
        verbose_name = _("operatore del servizio")
        verbose_name_plural = _("operatori del servizio")
        constraints = [models.UniqueConstraint(fields=["servizio", "user_id"],
                                               name="membro_servizio_unico")]
        indexes = [models.Index(fields=["user_id"], name="membro_servizio_user")]

    def __str__(self) -> str:
        return self.user_label


class Invio(BaseModel):
    class Stato(models.TextChoices):
        INVIATO = "inviato", _("In attesa di risposta")
        ACCOLTO = "accolto", _("Accolto dal servizio")
        RESPINTO = "respinto", _("Non accolto")
        CONCLUSO = "concluso", _("Risposta data")
        ANNULLATO = "annullato", _("Ritirato")

    APERTI = (Stato.INVIATO, Stato.ACCOLTO)

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT,
                                 related_name="invii", verbose_name=_("cartella"))
    servizio = models.ForeignKey(ServizioSpecialistico, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="invii",
                                 verbose_name=_("servizio del comune"))
    # A zone service: the public request that carries the summary and the answer.
    richiesta_zonale = models.UUIDField(_("richiesta all'ambito"), null=True, blank=True,
                                        unique=True)
    servizio_label = models.CharField(_("servizio"), max_length=200)
    quesito = models.TextField(_("quesito"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.INVIATO)
    inviato_da_id = models.BigIntegerField(_("inviato da"))
    inviato_da_label = models.CharField(_("inviato da"), max_length=254)
    inviato_il = models.DateField(_("inviato il"))
    preso_da_id = models.BigIntegerField(_("accolto da"), null=True, blank=True)
    preso_da_label = models.CharField(_("accolto da"), max_length=254, blank=True)
    risposta = models.TextField(_("risposta del servizio"), blank=True)
    risposto_da_label = models.CharField(_("risposta di"), max_length=254, blank=True)
    risposto_il = models.DateField(_("risposta del"), null=True, blank=True)

    class Meta:
        ordering = ["-inviato_il", "-id"]
        verbose_name = _("invio a servizio specialistico")
        verbose_name_plural = _("invii a servizi specialistici")
        constraints = [
            models.CheckConstraint(
                condition=(Q(servizio__isnull=False) & Q(richiesta_zonale__isnull=True))
                | (Q(servizio__isnull=True) & Q(richiesta_zonale__isnull=False)),
                name="invio_un_solo_destinatario",
            ),
            models.CheckConstraint(
                condition=~Q(stato__in=["respinto", "concluso"]) | ~Q(risposta=""),
                name="invio_risposta_motivata",
            ),
            models.UniqueConstraint(fields=["cartella", "servizio"],
                                    condition=Q(stato__in=["inviato", "accolto"]),
                                    name="invio_uno_aperto_per_servizio"),
        ]

    def __str__(self) -> str:
        return f"{self.servizio_label} — {self.cartella}"
