"""Proceedings of the Tribunale per i minorenni followed by the comune's social service.

A ``Procedimento`` is what the court sends (ruolo number, decree): the minors it concerns,
the social workers assigned to it, its hearings (who is summoned: operators of the comune
and/or persons of the registry), the family's problems, its documents and the
interventions made for the minors. Only the assigned social workers and the roles that see
every case file read a proceeding (see ``selectors.get_procedimento_for_user``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class Procedimento(BaseModel):
    class Tipo(models.TextChoices):
        RESPONSABILITA = "responsabilita", _("Responsabilità genitoriale")
        ADOTTABILITA = "adottabilita", _("Stato di adottabilità")
        AFFIDAMENTO = "affidamento", _("Affidamento")
        AMMINISTRATIVO = "amministrativo", _("Misura amministrativa (rieducativa)")
        PENALE = "penale", _("Penale minorile")
        MSNA = "msna", _("Minore straniero non accompagnato")
        ALTRO = "altro", _("Altro")

    class Stato(models.TextChoices):
        APERTO = "aperto", _("Aperto")
        CHIUSO = "chiuso", _("Chiuso")

    numero_rg = models.CharField(_("numero di ruolo (R.G.)"), max_length=40)
    tribunale = models.CharField(_("tribunale"), max_length=200)
    tipo = models.CharField(_("tipo di procedimento"), max_length=20, choices=Tipo.choices)
    decreto_numero = models.CharField(_("numero del decreto"), max_length=40, blank=True)
    decreto_data = models.DateField(_("data del decreto"), null=True, blank=True)
    decreto_sintesi = models.TextField(_("contenuto del decreto (sintesi)"), blank=True)
    ricevuto_il = models.DateField(_("ricevuto il"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.APERTO)
    chiuso_il = models.DateField(_("chiuso il"), null=True, blank=True)
    motivo_chiusura = models.TextField(_("motivo della chiusura"), blank=True)
    minori = models.ManyToManyField("anagrafica.Persona", related_name="procedimenti_tm",
                                    verbose_name=_("minori coinvolti"))
    interventi = models.ManyToManyField("interventi.Intervento", blank=True,
                                        related_name="procedimenti_tm",
                                        verbose_name=_("interventi"))
    registrato_da_id = models.BigIntegerField(null=True, blank=True)
    registrato_da_label = models.CharField(_("registrato da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("procedimento del Tribunale per i minorenni")
        verbose_name_plural = _("procedimenti del Tribunale per i minorenni")
        ordering = ["-ricevuto_il", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tribunale", "numero_rg"],
                                    name="procedimento_rg_unico"),
            models.CheckConstraint(condition=~Q(stato="chiuso") | Q(chiuso_il__isnull=False),
                                   name="procedimento_chiuso_ha_data"),
        ]

    def __str__(self) -> str:
        return f"R.G. {self.numero_rg} — {self.tribunale}"


class OperatoreProcedimento(BaseModel):
    """A social worker assigned to the proceeding (users live in the public schema)."""

    procedimento = models.ForeignKey(Procedimento, on_delete=models.CASCADE,
                                     related_name="operatori")
    user_id = models.BigIntegerField(_("operatore"))
    user_label = models.CharField(_("operatore"), max_length=254)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("assistente sociale incaricato")
        verbose_name_plural = _("assistenti sociali incaricati")
        ordering = ["procedimento", "user_label"]
        constraints = [
            models.UniqueConstraint(fields=["procedimento", "user_id"],
                                    condition=Q(al__isnull=True),
                                    name="operatore_procedimento_unico"),
        ]

    def __str__(self) -> str:
        return self.user_label


class Udienza(BaseModel):
    class Stato(models.TextChoices):
        FISSATA = "fissata", _("Fissata")
        SVOLTA = "svolta", _("Svolta")
        RINVIATA = "rinviata", _("Rinviata")
        ANNULLATA = "annullata", _("Annullata")

    procedimento = models.ForeignKey(Procedimento, on_delete=models.CASCADE,
                                     related_name="udienze")
    inizio = models.DateTimeField(_("data e ora"))
    luogo = models.CharField(_("luogo"), max_length=200)
    giudice = models.CharField(_("giudice"), max_length=200, blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.FISSATA)
    esito = models.TextField(_("esito e note"), blank=True)

    class Meta:
        verbose_name = _("udienza")
        verbose_name_plural = _("udienze")
        ordering = ["inizio", "id"]
        indexes = [models.Index(fields=["inizio"], name="udienza_inizio")]

    def __str__(self) -> str:
        return f"{self.inizio:%d/%m/%Y %H:%M} — {self.luogo}"


class Convocato(BaseModel):
    """Who is summoned to a hearing: an operator of the comune or a person of the registry."""

    udienza = models.ForeignKey(Udienza, on_delete=models.CASCADE, related_name="convocati")
    user_id = models.BigIntegerField(_("operatore"), null=True, blank=True)
    user_label = models.CharField(_("operatore"), max_length=254, blank=True)
    persona = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("persona"))

    class Meta:
        verbose_name = _("convocato")
        verbose_name_plural = _("convocati")
        ordering = ["udienza", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user_id__isnull=False) & Q(persona__isnull=True))
                | (Q(user_id__isnull=True) & Q(persona__isnull=False)),
                name="convocato_operatore_o_persona"),
            models.UniqueConstraint(fields=["udienza", "user_id"], name="convocato_operatore_unico",
                                    condition=Q(user_id__isnull=False)),
            models.UniqueConstraint(fields=["udienza", "persona"], name="convocato_persona_unico",
                                    condition=Q(persona__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.user_label or str(self.persona)


class ProblematicaFamiliare(BaseModel):
    class Categoria(models.TextChoices):
        CONFLITTUALITA = "conflittualita", _("Conflittualità tra i genitori")
        TRASCURATEZZA = "trascuratezza", _("Trascuratezza / incuria")
        MALTRATTAMENTO = "maltrattamento", _("Maltrattamento / violenza assistita")
        ABUSO = "abuso", _("Abuso")
        DIPENDENZE = "dipendenze", _("Dipendenze di un genitore")
        SALUTE_MENTALE = "salute_mentale", _("Disagio psichico di un genitore")
        ECONOMICA = "economica", _("Disagio economico / abitativo")
        SCOLASTICA = "scolastica", _("Dispersione scolastica")
        DEVIANZA = "devianza", _("Comportamenti devianti del minore")
        ALTRO = "altro", _("Altro")

    procedimento = models.ForeignKey(Procedimento, on_delete=models.CASCADE,
                                     related_name="problematiche")
    categoria = models.CharField(_("problematica"), max_length=20, choices=Categoria.choices)
    descrizione = models.TextField(_("descrizione"), blank=True)
    rilevata_il = models.DateField(_("rilevata il"))
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("problematica familiare")
        verbose_name_plural = _("problematiche familiari")
        ordering = ["procedimento", "-rilevata_il", "-id"]

    def __str__(self) -> str:
        return self.get_categoria_display()


class DocumentoProcedimento(BaseModel):
    """A file of the proceeding: same checks and storage rules as the case-file documents,
    under ``<schema>/tribunale/<procedimento>/<uuid>.<ext>``."""

    class Tipo(models.TextChoices):
        DECRETO = "decreto", _("Decreto")
        RICORSO = "ricorso", _("Ricorso")
        RELAZIONE = "relazione", _("Relazione al tribunale")
        VERBALE = "verbale", _("Verbale d'udienza")
        CORRISPONDENZA = "corrispondenza", _("Corrispondenza")
        ALTRO = "altro", _("Altro")

    procedimento = models.ForeignKey(Procedimento, on_delete=models.PROTECT,
                                     related_name="documenti")
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    data = models.DateField(_("data del documento"))
    descrizione = models.CharField(_("descrizione"), max_length=300, blank=True)
    percorso = models.CharField(max_length=300, unique=True, editable=False)
    nome_originale = models.CharField(_("nome del file"), max_length=255)
    dimensione = models.PositiveBigIntegerField(_("dimensione (byte)"))
    content_type = models.CharField(_("tipo di file"), max_length=100)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    caricato_da_id = models.BigIntegerField(_("caricato da"))
    caricato_da_label = models.CharField(_("caricato da"), max_length=254)

    class Meta:
        verbose_name = _("documento del procedimento")
        verbose_name_plural = _("documenti del procedimento")
        ordering = ["procedimento", "-data", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(dimensione__gt=0),
                                   name="documento_procedimento_non_vuoto"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.nome_originale}"


class Impostazioni(BaseModel):
    """The ente's settings for the juvenile court (one row per schema): the tribunal its
    proceedings usually come from, offered when a new one is registered."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    tribunale_predefinito = models.CharField(_("tribunale predefinito"), max_length=200,
                                             blank=True)

    class Meta:
        verbose_name = _("impostazioni del Tribunale per i minorenni")
        verbose_name_plural = _("impostazioni del Tribunale per i minorenni")
        constraints = [models.CheckConstraint(condition=Q(singleton=True),
                                              name="impostazioni_tribunale_una_sola")]

    def __str__(self) -> str:
        return self.tribunale_predefinito or "—"
