"""The shared service catalogue, in the public schema: one classification for every comune.

Three layers (see ``data/FONTI.md``): a comune's own service (``interventi.Servizio``, in the
comune's schema) → a category of the national nomenclature of social interventions
(``VoceNomenclatore``) → the INPS codice prestazione of the SIUSS flow
(``CodicePrestazione``). Each code belongs to an edition; a code retired by a later edition
keeps its row (``ritirato_in``), so past records stay valid and reports across years add up.

Comune schemas reference these rows by foreign key; nothing in the catalogue is ever deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel


class AreaTarget(models.TextChoices):
    """ISTAT target areas (aree di utenza) of the survey on social services of the comuni.
    The one list every app uses (``services.accesso`` re-exports it)."""

    FAMIGLIA_MINORI = "famiglia_minori", _("Famiglia e minori")
    DISABILI = "disabili", _("Disabili")
    DIPENDENZE = "dipendenze", _("Dipendenze")
    ANZIANI = "anziani", _("Anziani")
    IMMIGRATI = "immigrati", _("Immigrati, Rom, Sinti e Caminanti")
    POVERTA = "poverta", _("Povertà, disagio adulti e senza dimora")
    MULTIUTENZA = "multiutenza", _("Multiutenza")


# ISTAT codelist CATEG_OF_BENEFICIARIES (see data/FONTI.md).
AREA_TARGET_ISTAT: dict[str, str] = {
    AreaTarget.FAMIGLIA_MINORI: "FAM",
    AreaTarget.DISABILI: "DIS",
    AreaTarget.DIPENDENZE: "ADD",
    AreaTarget.ANZIANI: "ELD",
    AreaTarget.IMMIGRATI: "IMMNOM",
    AreaTarget.POVERTA: "POV",
    AreaTarget.MULTIUTENZA: "MULBEN",
}

# SIUSS ``AreaUtenza`` (INPS spec v2.0.1): 1 famiglia e minori, 2 disabilità e non
# autosufficienza, 3 povertà ed esclusione. Areas without a SIUSS counterpart map to None.
AREA_UTENZA_SIUSS: dict[str, int | None] = {
    AreaTarget.FAMIGLIA_MINORI: 1,
    AreaTarget.DISABILI: 2,
    AreaTarget.ANZIANI: 2,
    AreaTarget.POVERTA: 3,
    AreaTarget.DIPENDENZE: 3,
    AreaTarget.IMMIGRATI: 3,
    AreaTarget.MULTIUTENZA: None,
}


class Edizione(BaseModel):
    """One published edition of a code list, with where it came from."""

    class Tipo(models.TextChoices):
        NOMENCLATORE = "nomenclatore", _("Nomenclatore degli interventi e servizi sociali")
        INPS = "inps", _("Codici prestazione INPS (SIUSS)")

    tipo = models.CharField(_("elenco"), max_length=20, choices=Tipo.choices)
    codice = models.CharField(_("edizione"), max_length=40)
    titolo = models.CharField(_("titolo"), max_length=200)
    fonte = models.TextField(_("fonte"), blank=True)
    in_vigore_dal = models.DateField(_("in vigore dal"))

    class Meta:
        ordering = ["tipo", "-in_vigore_dal"]
        verbose_name = _("edizione del catalogo")
        verbose_name_plural = _("edizioni del catalogo")
        constraints = [
            models.UniqueConstraint(fields=["tipo", "codice"], name="catalogo_edizione_unica"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.codice}"


class _Voce(BaseModel):
    codice = models.CharField(_("codice"), max_length=20)
    nome = models.CharField(_("denominazione"), max_length=255, blank=True)
    macro_area = models.CharField(_("macro area"), max_length=80, blank=True)
    descrizione = models.TextField(_("note e fonte"), blank=True)
    introdotto_in = models.ForeignKey(
        Edizione, on_delete=models.PROTECT, related_name="+", verbose_name=_("introdotto in")
    )
    ritirato_in = models.ForeignKey(
        Edizione, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("ritirato in"),
    )

    class Meta:
        abstract = True
        ordering = ["codice"]

    def __str__(self) -> str:
        return f"{self.codice} {self.nome}".strip()

    @property
    def attivo(self) -> bool:
        return self.ritirato_in_id is None


class VoceNomenclatore(_Voce):
    """A category of the national (CISIS/ISTAT) nomenclature. The official list is loaded
    from a file (``manage.py catalogo_load``); none is shipped because none was found in a
    reachable source (``data/FONTI.md``)."""

    area_target = models.CharField(
        _("area target"), max_length=20, choices=AreaTarget.choices, blank=True
    )

    class Meta(_Voce.Meta):
        verbose_name = _("voce del nomenclatore")
        verbose_name_plural = _("voci del nomenclatore")
        constraints = [
            models.UniqueConstraint(fields=["codice"], name="catalogo_nomenclatore_codice_unico"),
        ]


class CodicePrestazione(_Voce):
    """An INPS codice prestazione (SIUSS ``CodicePrestazione``, 5–10 characters)."""

    class Meta(_Voce.Meta):
        verbose_name = _("codice prestazione INPS")
        verbose_name_plural = _("codici prestazione INPS")
        constraints = [
            models.UniqueConstraint(fields=["codice"], name="catalogo_codice_prestazione_unico"),
        ]


class VoceListino(BaseModel):
    """An entry of a zone's common list of services (listino dell'ambito): one service with
    its classification and rate, which each comune of the zone may adopt as its own
    ``interventi.Servizio`` so that the same service is comparable across comuni."""

    class Unita(models.TextChoices):
        ORA = "ora", _("ora")
        GIORNO = "giorno", _("giorno")
        MESE = "mese", _("mese")
        PRESTAZIONE = "prestazione", _("prestazione")

    zona = models.ForeignKey(
        "tenants.Zona", on_delete=models.PROTECT, related_name="listino", verbose_name=_("ambito")
    )
    nome = models.CharField(_("denominazione"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=20)  # interventi.TipoIntervento
    codice_prestazione = models.ForeignKey(
        CodicePrestazione, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("codice prestazione INPS"),
    )
    voce_nomenclatore = models.ForeignKey(
        VoceNomenclatore, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("voce del nomenclatore"),
    )
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices)
    carattere = models.CharField(_("carattere"), max_length=12)  # interventi.Carattere
    tariffa = models.DecimalField(_("tariffa"), max_digits=12, decimal_places=2, null=True, blank=True)
    unita_tariffa = models.CharField(
        _("unità della tariffa"), max_length=12, choices=Unita.choices, blank=True
    )
    descrizione = models.TextField(_("descrizione"), blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("voce del listino dell'ambito")
        verbose_name_plural = _("listino dell'ambito")
        constraints = [
            models.UniqueConstraint(fields=["zona", "nome"], name="listino_nome_unico_per_zona"),
            models.CheckConstraint(
                condition=models.Q(tariffa__isnull=True) | models.Q(tariffa__gte=0),
                name="listino_tariffa_positiva",
            ),
        ]

    def __str__(self) -> str:
        return self.nome


class Adozione(BaseModel):
    """A comune adopted an entry of the zone's list: written in the public schema together
    with the comune's ``Servizio`` (same transaction), so the zone sees who adopted what
    without reading the comuni's schemas."""

    voce = models.ForeignKey(
        VoceListino, on_delete=models.PROTECT, related_name="adozioni", verbose_name=_("voce")
    )
    comune = models.ForeignKey(
        "tenants.Comune", on_delete=models.PROTECT, related_name="+", verbose_name=_("comune")
    )
    servizio_id = models.UUIDField(_("servizio del comune"))  # Servizio.public_id
    adottato_da_id = models.BigIntegerField(_("utente"), null=True, blank=True)
    adottato_da_label = models.CharField(_("adottato da"), max_length=254, blank=True)

    class Meta:
        ordering = ["voce", "comune"]
        verbose_name = _("adozione di una voce del listino")
        verbose_name_plural = _("adozioni del listino")
        constraints = [
            models.UniqueConstraint(fields=["voce", "comune"], name="adozione_unica_per_comune"),
        ]

    def __str__(self) -> str:
        return f"{self.voce} — {self.comune_id}"
