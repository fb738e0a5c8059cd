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


# --- What the social worker records in the case: problems, family resources, diary, documents.


class Problematica(BaseModel):
    """A problem found in the interviews: it justifies later activities and benefits."""

    class Categoria(models.TextChoices):
        ECONOMICA = "economica", _("Economica")
        ABITATIVA = "abitativa", _("Abitativa")
        LAVORATIVA = "lavorativa", _("Lavorativa")
        SANITARIA = "sanitaria", _("Sanitaria")
        RELAZIONALE = "relazionale", _("Relazionale / familiare")
        DIPENDENZE = "dipendenze", _("Dipendenze")
        VIOLENZA = "violenza", _("Violenza / maltrattamento")
        LEGALE = "legale", _("Legale / giudiziaria")
        ALTRO = "altro", _("Altro")

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE, related_name="problematiche")
    categoria = models.CharField(_("categoria"), max_length=15, choices=Categoria.choices)
    descrizione = models.TextField(_("descrizione"), blank=True)
    rilevata_il = models.DateField(_("rilevata il"))
    chiusa_il = models.DateField(_("superata il"), null=True, blank=True)
    registrata_da_id = models.BigIntegerField(null=True, blank=True)
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("problematica")
        verbose_name_plural = _("problematiche")
        ordering = ["cartella", "-rilevata_il", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chiusa_il__isnull=True) | Q(chiusa_il__gte=models.F("rilevata_il")),
                name="problematica_chiusa_dopo_rilevazione",
            ),
        ]

    def __str__(self) -> str:
        return self.get_categoria_display()


class RisorsaFamiliare(BaseModel):
    """A relative, friend or neighbour the person can count on: someone of the registry or
    just a name."""

    class Relazione(models.TextChoices):
        GENITORE = "genitore", _("Genitore")
        FIGLIO = "figlio", _("Figlio/a")
        CONIUGE = "coniuge", _("Coniuge / partner")
        FRATELLO = "fratello", _("Fratello / sorella")
        NONNO = "nonno", _("Nonno/a")
        ALTRO_PARENTE = "altro_parente", _("Altro parente")
        AMICO = "amico", _("Amico/a")
        VICINO = "vicino", _("Vicino/a di casa")
        VOLONTARIO = "volontario", _("Volontario/a")
        ALTRO = "altro", _("Altro")

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE,
                                 related_name="risorse_familiari")
    persona = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("persona dell'anagrafica"))
    nome = models.CharField(_("nome e cognome"), max_length=200, blank=True)
    relazione = models.CharField(_("relazione"), max_length=15, choices=Relazione.choices)
    disponibilita = models.TextField(_("che cosa può offrire"), blank=True)
    contatti = models.CharField(_("contatti"), max_length=200, blank=True)
    al = models.DateField(_("non più disponibile dal"), null=True, blank=True)
    registrata_da_id = models.BigIntegerField(null=True, blank=True)
    registrata_da_label = models.CharField(_("registrata da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("risorsa familiare o amicale")
        verbose_name_plural = _("risorse familiari e amicali")
        ordering = ["cartella", "al", "relazione", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(persona__isnull=False) | ~Q(nome=""),
                                   name="risorsa_familiare_ha_identita"),
        ]

    def __str__(self) -> str:
        return f"{self.nome_visualizzato} ({self.get_relazione_display()})"

    @property
    def nome_visualizzato(self) -> str:
        return self.persona.nome_completo if self.persona is not None else self.nome


class VoceDiario(BaseModel):
    """One entry of the professional diary. A private entry is read only by its author and
    by the case's responsible."""

    class Tipo(models.TextChoices):
        PRIMO_COLLOQUIO = "primo_colloquio", _("Primo colloquio professionale")
        COLLOQUIO = "colloquio", _("Colloquio")
        VISITA_DOMICILIARE = "visita_domiciliare", _("Visita domiciliare")
        TELEFONATA = "telefonata", _("Telefonata")
        NOTA = "nota", _("Nota")
        RIUNIONE_EQUIPE = "riunione_equipe", _("Riunione d'équipe")

    cartella = models.ForeignKey(Cartella, on_delete=models.CASCADE, related_name="diario")
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    data = models.DateField(_("data"))
    testo = models.TextField(_("testo"))
    riservata = models.BooleanField(_("riservata"), default=False)
    autore_id = models.BigIntegerField(_("autore"))
    autore_label = models.CharField(_("autore"), max_length=254)

    class Meta:
        verbose_name = _("voce del diario")
        verbose_name_plural = _("diario professionale")
        ordering = ["cartella", "-data", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(testo=""), name="voce_diario_ha_testo"),
        ]
        indexes = [models.Index(fields=["cartella", "data"], name="voce_diario_cartella_data")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.data:%d/%m/%Y}"


class Documento(BaseModel):
    """A file of the case. On disk under ``<schema>/cartelle/<cartella>/<uuid>.<ext>``
    (``percorso``): never the user's file name, never served from /media/."""

    class Tipo(models.TextChoices):
        RELAZIONE_SOCIALE = "relazione_sociale", _("Relazione sociale")
        PROVVEDIMENTO_AG = "provvedimento_ag", _("Provvedimento dell'autorità giudiziaria")
        CERTIFICAZIONE_SANITARIA = "cert_sanitaria", _("Certificazione sanitaria")
        ISEE = "isee", _("Attestazione ISEE")
        DOCUMENTO_IDENTITA = "identita", _("Documento d'identità")
        CONSENSO = "consenso", _("Consenso al trattamento dei dati")
        CORRISPONDENZA = "corrispondenza", _("Corrispondenza")
        ALTRO = "altro", _("Altro")

    cartella = models.ForeignKey(Cartella, on_delete=models.PROTECT, related_name="documenti")
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    data = models.DateField(_("data del documento"))
    numero_protocollo = models.CharField(_("numero di protocollo"), max_length=50, blank=True)
    descrizione = models.CharField(_("descrizione"), max_length=300, blank=True)
    percorso = models.CharField(max_length=300, unique=True, editable=False)
    nome_originale = models.CharField(_("nome del file"), max_length=255)
    dimensione = models.PositiveBigIntegerField(_("dimensione (byte)"))
    content_type = models.CharField(_("tipo di file"), max_length=100)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    caricato_da_id = models.BigIntegerField(_("caricato da"))
    caricato_da_label = models.CharField(_("caricato da"), max_length=254)

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["cartella", "-data", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(dimensione__gt=0), name="documento_non_vuoto"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.nome_originale}"
