"""The comune's person registry: one record per person, shared by every service.

History is kept, never overwritten: addresses, household membership, reference persons and
social conditions each carry their validity dates; a merged duplicate stays, pointing to the
record it was merged into.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class Persona(BaseModel):
    class Sesso(models.TextChoices):
        M = "M", _("Maschio")
        F = "F", _("Femmina")

    class Stato(models.TextChoices):
        ATTIVA = "attiva", _("Attiva")
        DECEDUTA = "deceduta", _("Deceduta")
        EMIGRATA = "emigrata", _("Emigrata")
        UNITA = "unita", _("Unita a un'altra scheda (duplicato)")

    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    cognome = models.CharField(_("cognome"), max_length=100)
    nome = models.CharField(_("nome"), max_length=100)
    sesso = models.CharField(_("sesso"), max_length=1, choices=Sesso.choices)
    data_nascita = models.DateField(_("data di nascita"))
    luogo_nascita = models.CharField(_("luogo di nascita"), max_length=100, blank=True)
    luogo_nascita_belfiore = models.CharField(_("codice catastale di nascita"), max_length=4,
                                              blank=True)
    # ISO 3166-1 numeric, as the national SIUSS flow wants it (380 Italia, 990 non disponibile).
    cittadinanza = models.CharField(_("cittadinanza"), max_length=3, default="380")
    telefono = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.ATTIVA)
    data_decesso = models.DateField(_("data di decesso"), null=True, blank=True)
    data_emigrazione = models.DateField(_("data di emigrazione"), null=True, blank=True)
    unita_in = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="duplicati", verbose_name=_("unita in"))
    # Identifier in the population register, to match rows of later imports.
    codice_anagrafe = models.CharField(_("codice anagrafe"), max_length=30, blank=True)
    # Lower-case, unaccented "cognome nome", kept by the service functions, for trigram search.
    search_text = models.CharField(max_length=210, editable=False, default="")

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["cognome", "nome", "data_nascita"]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale="") & Q(unita_in__isnull=True),
                name="persona_codice_fiscale_unique",
            ),
            models.UniqueConstraint(
                fields=["codice_anagrafe"],
                condition=~Q(codice_anagrafe=""),
                name="persona_codice_anagrafe_unique",
            ),
            models.CheckConstraint(
                condition=Q(sesso__in=["M", "F"]), name="persona_sesso_valid"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_text"], name="persona_search_trgm",
                     opclasses=["gin_trgm_ops"]),
            models.Index(fields=["data_nascita"], name="persona_data_nascita"),
            models.Index(fields=["codice_fiscale"], name="persona_cf"),
        ]

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome}"

    @property
    def nome_completo(self) -> str:
        return f"{self.cognome} {self.nome}"


class Indirizzo(BaseModel):
    class Tipo(models.TextChoices):
        RESIDENZA = "residenza", _("Residenza")
        DOMICILIO = "domicilio", _("Domicilio")

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="indirizzi")
    tipo = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    via = models.CharField(_("indirizzo"), max_length=200)
    civico = models.CharField(_("civico"), max_length=20, blank=True)
    cap = models.CharField(_("CAP"), max_length=5, blank=True)
    comune = models.CharField(_("comune"), max_length=100)
    comune_istat = models.CharField(_("codice ISTAT del comune"), max_length=6, blank=True)
    provincia = models.CharField(_("provincia"), max_length=2, blank=True)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)
    search_text = models.CharField(max_length=330, editable=False, default="")

    class Meta:
        verbose_name = _("indirizzo")
        verbose_name_plural = _("indirizzi")
        ordering = ["persona", "tipo", "-dal"]
        constraints = [
            models.UniqueConstraint(fields=["persona", "tipo"], condition=Q(al__isnull=True),
                                    name="indirizzo_one_current_per_tipo"),
            models.CheckConstraint(condition=Q(al__isnull=True) | Q(al__gte=models.F("dal")),
                                   name="indirizzo_periodo_ordinato"),
        ]
        indexes = [
            GinIndex(fields=["search_text"], name="indirizzo_search_trgm",
                     opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.via} {self.civico}, {self.comune}".strip()


class CondizioneSociale(BaseModel):
    """One observation of a person's situation: what, when, and how reliable."""

    class Ambito(models.TextChoices):
        ISTRUZIONE = "istruzione", _("Istruzione e formazione")
        LAVORO = "lavoro", _("Situazione lavorativa")
        SALUTE = "salute", _("Situazione sanitaria")
        ABITAZIONE = "abitazione", _("Situazione abitativa")

    class Fonte(models.TextChoices):
        DICHIARATA = "dichiarata", _("Dichiarata dalla persona")
        ANAGRAFE = "anagrafe", _("Anagrafe")
        DOCUMENTATA = "documentata", _("Da documento")
        VERIFICATA = "verificata", _("Verificata dall'operatore")

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="condizioni")
    ambito = models.CharField(_("ambito"), max_length=12, choices=Ambito.choices)
    valore = models.CharField(_("condizione"), max_length=200)
    rilevata_il = models.DateField(_("rilevata il"))
    fonte = models.CharField(_("fonte"), max_length=12, choices=Fonte.choices)
    note = models.TextField(_("note"), blank=True)
    registrata_da = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("condizione sociale")
        verbose_name_plural = _("condizioni sociali")
        ordering = ["persona", "ambito", "-rilevata_il", "-id"]

    def __str__(self) -> str:
        return f"{self.get_ambito_display()}: {self.valore}"


class Nucleo(BaseModel):
    """A household (famiglia anagrafica), with its members over time."""

    codice_anagrafe = models.CharField(_("numero di famiglia"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        constraints = [
            models.UniqueConstraint(fields=["codice_anagrafe"], condition=~Q(codice_anagrafe=""),
                                    name="nucleo_codice_anagrafe_unique"),
        ]

    def __str__(self) -> str:
        return f"Nucleo {self.codice_anagrafe or self.public_id}"


class MembroNucleo(BaseModel):
    class Relazione(models.TextChoices):
        INTESTATARIO = "intestatario", _("Intestatario scheda")
        CONIUGE = "coniuge", _("Coniuge / unito civilmente")
        CONVIVENTE = "convivente", _("Convivente")
        FIGLIO = "figlio", _("Figlio/a")
        GENITORE = "genitore", _("Genitore")
        FRATELLO = "fratello", _("Fratello / sorella")
        NIPOTE = "nipote", _("Nipote")
        ALTRO_PARENTE = "altro_parente", _("Altro parente")
        ALTRO = "altro", _("Altro")

    nucleo = models.ForeignKey(Nucleo, on_delete=models.CASCADE, related_name="membri")
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="appartenenze")
    relazione = models.CharField(_("relazione con l'intestatario"), max_length=15,
                                 choices=Relazione.choices)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("componente del nucleo")
        verbose_name_plural = _("componenti del nucleo")
        ordering = ["nucleo", "al", "dal"]
        constraints = [
            models.UniqueConstraint(fields=["persona"], condition=Q(al__isnull=True),
                                    name="membro_one_current_household"),
            models.CheckConstraint(condition=Q(al__isnull=True) | Q(al__gte=models.F("dal")),
                                   name="membro_periodo_ordinato"),
        ]

    def __str__(self) -> str:
        return f"{self.persona} ({self.get_relazione_display()})"


class Riferimento(BaseModel):
    """A person of reference for another: caregiver, legal representative, guardian."""

    class Tipo(models.TextChoices):
        CAREGIVER = "caregiver", _("Caregiver")
        TUTORE = "tutore", _("Tutore")
        CURATORE = "curatore", _("Curatore")
        AMMINISTRATORE_SOSTEGNO = "ads", _("Amministratore di sostegno")
        GENITORE = "genitore", _("Genitore")
        FAMILIARE = "familiare", _("Familiare")
        ALTRO = "altro", _("Altro")

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="riferimenti")
    riferimento = models.ForeignKey(Persona, on_delete=models.PROTECT, related_name="riferimento_per")
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices)
    dal = models.DateField(_("dal"))
    al = models.DateField(_("al"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("persona di riferimento")
        verbose_name_plural = _("persone di riferimento")
        constraints = [
            models.CheckConstraint(condition=~Q(persona=models.F("riferimento")),
                                   name="riferimento_not_self"),
        ]

    @property
    def is_legal_representative(self) -> bool:
        return self.tipo in {self.Tipo.TUTORE, self.Tipo.CURATORE, self.Tipo.AMMINISTRATORE_SOSTEGNO}

    def __str__(self) -> str:
        return f"{self.riferimento} ({self.get_tipo_display()}) per {self.persona}"


from .models_import import *  # noqa: E402,F403
