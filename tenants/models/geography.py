"""Regions, zones (ambiti) and comuni, and the tenant (Ente) each of them works in."""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from services.core.models import BaseModel

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$",
    _("Usa da 3 a 40 caratteri: lettere minuscole, cifre e trattini, iniziando con una lettera."),
)
istat_comune_validator = RegexValidator(
    r"^\d{6}$", _("Il codice ISTAT del comune è formato da 6 cifre.")
)
istat_regione_validator = RegexValidator(
    r"^\d{2}$", _("Il codice ISTAT della regione è formato da 2 cifre.")
)
belfiore_validator = RegexValidator(
    r"^[A-Z]\d{3}$", _("Il codice catastale è una lettera seguita da 3 cifre (es. H501).")
)


class Ente(TenantMixin, BaseModel):  # type: ignore[django-manager-missing]
    """A tenant: one PostgreSQL schema, reached by its host name. Comuni, zone offices and
    regions each have one; templates are the migrated schemas new tenants are cloned from."""

    class Type(models.TextChoices):
        PUBLIC = "public", _("Piattaforma")
        COMUNE = "comune", _("Comune")
        ZONA = "zona", _("Ambito / zona")
        REGIONE = "regione", _("Regione")

    type = models.CharField(_("tipo"), max_length=10, choices=Type.choices)
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("indirizzo"), max_length=40, unique=True, validators=[slug_validator])
    is_template = models.BooleanField(_("schema modello"), default=False)
    is_active = models.BooleanField(_("attivo"), default=True)
    # The second factor is always required for the roles that read case files; this extends
    # it to every role of the ente (tenants.services.mfa).
    mfa_obbligatoria = models.BooleanField(
        _("secondo fattore obbligatorio per tutti"), default=False,
        help_text=_("Se attivo, ogni operatore dell'ente accede con password e codice "
                    "dell'app di autenticazione, non solo chi consulta le cartelle."))

    # Schemas are created by tenants.services.schemas (cloning a migrated template), never
    # implicitly on save, and never dropped automatically.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    public_id: models.UUIDField = models.UUIDField(default=uuid.uuid4, unique=True,
                                                   editable=False)

    class Meta:
        verbose_name = _("dominio")
        verbose_name_plural = _("domini")

    def __str__(self) -> str:
        return self.domain


class Regione(BaseModel):
    istat_code = models.CharField(
        _("codice ISTAT"), max_length=2, unique=True, validators=[istat_regione_validator]
    )
    name = models.CharField(_("nome"), max_length=100, unique=True)
    ente = models.OneToOneField(Ente, on_delete=models.PROTECT, related_name="regione")

    class Meta:
        verbose_name = _("regione")
        verbose_name_plural = _("regioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zona(BaseModel):
    """An ambito territoriale sociale: the comuni that plan services together, led by the
    capofila comune's ufficio di piano."""

    code = models.CharField(_("codice ambito"), max_length=20, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    regione = models.ForeignKey(Regione, on_delete=models.PROTECT, related_name="zone")
    capofila = models.OneToOneField(
        "tenants.Comune",
        verbose_name=_("comune capofila"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="capofila_di",
    )
    ente = models.OneToOneField(Ente, on_delete=models.PROTECT, related_name="zona")

    class Meta:
        verbose_name = _("ambito")
        verbose_name_plural = _("ambiti")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Comune(BaseModel):
    istat_code = models.CharField(
        _("codice ISTAT"), max_length=6, unique=True, validators=[istat_comune_validator]
    )
    belfiore_code = models.CharField(
        _("codice catastale"), max_length=4, blank=True, validators=[belfiore_validator]
    )
    name = models.CharField(_("nome"), max_length=200)
    provincia = models.CharField(_("sigla provincia"), max_length=2, blank=True)
    population = models.PositiveIntegerField(_("abitanti"), null=True, blank=True)
    zona = models.ForeignKey(Zona, on_delete=models.PROTECT, related_name="comuni")
    ente = models.OneToOneField(Ente, on_delete=models.PROTECT, related_name="comune")

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
