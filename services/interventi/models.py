"""A comune's services and "a service delivered to a person", shared by every type.

``Servizio`` is a service the comune has activated, under its own name and rules, mapped to
the shared catalogue (``zone.catalogo``) so that figures add up across comuni. ``Intervento``
is one service delivered (or proposed) to one person: the record the SIUSS flow, the case
history, the reporting store and the determine all read. Type-specific data (hours of home
care, placements, LSU contracts, ...) lives in the type's own models, linked one-to-one to
the ``Intervento``; money paid to a person is a ``Pagamento``, liquidated by a determina.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel
from zone.catalogo.models import AreaTarget

ZERO = Decimal("0.00")


def money(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """Euro amounts: Decimal with cents, never float."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class TipoIntervento(models.TextChoices):
    ECONOMICA = "economica", _("Assistenza economica")
    DOMICILIARE = "domiciliare", _("Assistenza domiciliare")
    RICOVERO = "ricovero", _("Ricovero in struttura")
    LSU = "lsu", _("Lavori socialmente utili")
    MATERNITA = "maternita", _("Assegno di maternità")
    NUCLEO = "nucleo", _("Assegno al nucleo familiare")
    MINORI = "minori", _("Interventi per minori")
    ALTRO = "altro", _("Altro servizio")


class PagatoA(models.TextChoices):
    """Who the comune pays for an intervention, by its type: one way only, so a month is
    never paid twice (to the person and to the provider). The database holds it: a
    ``Pagamento`` can only reference an intervention paid to the person, an invoice line
    (``fornitori.RigaFattura``) one paid to the provider, an LSU contract one paid as LSU pay;
    the assegni are paid by INPS, never by the comune."""

    PERSONA = "persona", _("Alla persona (pagamenti)")
    FORNITORE = "fornitore", _("Al fornitore (fattura verificata)")
    LSU = "lsu", _("Compenso LSU")
    INPS = "inps", _("Dall'INPS")


#: which way each type of intervention is paid (a new type must be added here)
PAGATO_A_PER_TIPO = {
    TipoIntervento.ECONOMICA: PagatoA.PERSONA,
    TipoIntervento.MINORI: PagatoA.PERSONA,
    TipoIntervento.ALTRO: PagatoA.PERSONA,
    TipoIntervento.DOMICILIARE: PagatoA.FORNITORE,
    TipoIntervento.RICOVERO: PagatoA.FORNITORE,
    TipoIntervento.LSU: PagatoA.LSU,
    TipoIntervento.MATERNITA: PagatoA.INPS,
    TipoIntervento.NUCLEO: PagatoA.INPS,
}


def pagato_a_expression() -> models.Case:
    return models.Case(
        *(models.When(tipo=tipo, then=models.Value(via.value))
          for tipo, via in PAGATO_A_PER_TIPO.items()),
        default=models.Value(PagatoA.PERSONA.value),
    )


class Carattere(models.TextChoices):
    """SIUSS ``CaratterePrestazione``: 1 periodica, 2 occasionale."""

    PERIODICO = "periodico", _("Periodico")
    OCCASIONALE = "occasionale", _("Una tantum")


class ProvaMezzi(models.IntegerChoices):
    """SIUSS ``PresenzaProvaMezzi``."""

    ISEE = 1, _("ISEE")
    ALTRA = 2, _("Altra prova dei mezzi")
    ISEE_NON_RICHIESTO = 3, _("ISEE non richiesto per la persona")
    NESSUNA = 4, _("Nessuna prova dei mezzi")


def oltre_soglia_messaggio(servizio: Servizio, importo: Decimal) -> str:
    from django.utils.translation import gettext

    testo = f"{importo:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    soglia = f"{servizio.soglia_conferma:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return gettext("L'importo di %(i)s € supera la soglia di %(s)s € del servizio «%(n)s»: "
                   "controllalo e conferma esplicitamente per registrarlo.") % {
                       "i": testo, "s": soglia, "n": servizio.nome}


class Servizio(BaseModel):
    """A service the comune offers, under its own name, mapped to the shared catalogue."""

    class Unita(models.TextChoices):
        ORA = "ora", _("ora")
        GIORNO = "giorno", _("giorno")
        MESE = "mese", _("mese")
        PRESTAZIONE = "prestazione", _("prestazione")

    nome = models.CharField(_("denominazione"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoIntervento.choices)
    codice_prestazione = models.ForeignKey(
        "catalogo.CodicePrestazione", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("codice prestazione INPS"),
    )
    voce_nomenclatore = models.ForeignKey(
        "catalogo.VoceNomenclatore", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("voce del nomenclatore"),
    )
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices)
    carattere = models.CharField(_("carattere"), max_length=12, choices=Carattere.choices)
    prova_mezzi = models.PositiveSmallIntegerField(
        _("prova dei mezzi"), choices=ProvaMezzi.choices, default=ProvaMezzi.NESSUNA
    )
    soglia_isee = money(_("soglia ISEE"), null=True, blank=True)
    tariffa = money(_("tariffa"), null=True, blank=True, validators=[MinValueValidator(ZERO)])
    unita_tariffa = models.CharField(
        _("unità della tariffa"), max_length=12, choices=Unita.choices, blank=True
    )
    # Above this amount a proposal (its total) or an application (the amount requested) is
    # registered only with an explicit confirmation, which the audit trail keeps.
    soglia_conferma = money(
        _("importo oltre il quale si chiede conferma"), default=Decimal("10000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Una proposta o una domanda di importo superiore va confermata "
                    "esplicitamente."))
    richiede_decisione = models.BooleanField(
        _("richiede la decisione del dirigente"), default=True,
        help_text=_("Le proposte degli assistenti sociali attendono la decisione del dirigente."),
    )
    # Names of the Domanda fields the quick-entry form shows for this service.
    campi_domanda = models.JSONField(_("campi della domanda"), default=list, blank=True)
    # A service adopted from the zone's common list keeps the list entry's id.
    adottato_da = models.UUIDField(_("adottato dal listino dell'ambito"), null=True, blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        constraints = [
            models.UniqueConstraint(fields=["nome"], name="servizio_nome_unico"),
            models.CheckConstraint(
                condition=Q(tariffa__isnull=True) | Q(tariffa__gte=0), name="servizio_tariffa_positiva"
            ),
            models.CheckConstraint(condition=Q(soglia_conferma__gt=0),
                                   name="servizio_soglia_conferma_positiva"),
        ]

    def __str__(self) -> str:
        return self.nome


class Intervento(BaseModel):
    """One service delivered, or proposed, to one person."""

    class Stato(models.TextChoices):
        PROPOSTO = "proposto", _("Proposto")
        APPROVATO = "approvato", _("Approvato")
        RESPINTO = "respinto", _("Respinto")
        IN_CORSO = "in_corso", _("In corso")
        CONCLUSO = "concluso", _("Concluso")
        ANNULLATO = "annullato", _("Annullato")

    persona = models.ForeignKey(
        "anagrafica.Persona", on_delete=models.PROTECT, related_name="interventi",
        verbose_name=_("beneficiario"),
    )
    cartella = models.ForeignKey(
        "cartella.Cartella", null=True, blank=True, on_delete=models.PROTECT,
        related_name="interventi", verbose_name=_("cartella sociale"),
    )
    domanda = models.ForeignKey(
        "domande.Domanda", null=True, blank=True, on_delete=models.PROTECT,
        related_name="interventi", verbose_name=_("domanda"),
    )
    servizio = models.ForeignKey(
        Servizio, on_delete=models.PROTECT, related_name="interventi", verbose_name=_("servizio")
    )
    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices, default=Stato.PROPOSTO)
    # Copied from the service when the intervention is created: the record keeps what held then.
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoIntervento.choices)
    carattere = models.CharField(_("carattere"), max_length=12, choices=Carattere.choices)
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices)
    presa_in_carico = models.BooleanField(_("persona in carico al servizio sociale"), default=False)

    proposto_da_id = models.BigIntegerField(_("proposto da"), null=True, blank=True)
    proposto_da_label = models.CharField(_("proposto da"), max_length=254, blank=True)
    proposto_il = models.DateField(_("data della proposta"))
    motivazione_proposta = models.TextField(_("motivazione della proposta"), blank=True)
    deciso_da_id = models.BigIntegerField(_("deciso da"), null=True, blank=True)
    deciso_da_label = models.CharField(_("deciso da"), max_length=254, blank=True)
    deciso_il = models.DateField(_("data della decisione"), null=True, blank=True)
    motivazione_decisione = models.TextField(_("motivazione della decisione"), blank=True)

    data_inizio = models.DateField(_("data di inizio"), null=True, blank=True)
    data_fine = models.DateField(_("data di fine"), null=True, blank=True)
    importo_totale = money(_("importo totale"), default=ZERO)
    importo_mensile = money(_("importo mensile"), null=True, blank=True)
    quota_ente = money(_("quota a carico dell'ente"), null=True, blank=True)
    quota_utente = money(_("quota a carico dell'utente"), null=True, blank=True)
    quota_ssn = money(_("quota a carico del SSN"), null=True, blank=True)
    ore_mensili = models.DecimalField(
        _("ore mensili"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    determina = models.ForeignKey(
        "determine.Determina", null=True, blank=True, on_delete=models.PROTECT,
        related_name="interventi", verbose_name=_("determina"),
    )
    note = models.TextField(_("note"), blank=True)
    # Derived from the type by the database itself: the target of the composite foreign keys
    # (intervento_id, pagato_a) of every payable object (see PagatoA).
    pagato_a = models.GeneratedField(
        expression=pagato_a_expression(), output_field=models.CharField(max_length=10),
        db_persist=True, verbose_name=_("pagato"))

    class Meta:
        ordering = ["-proposto_il", "-id"]
        verbose_name = _("intervento")
        verbose_name_plural = _("interventi")
        constraints = [
            models.CheckConstraint(condition=Q(importo_totale__gte=0), name="intervento_importo_positivo"),
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True) | Q(data_inizio__isnull=True)
                | Q(data_fine__gte=F("data_inizio")),
                name="intervento_date_ordinate",
            ),
            models.CheckConstraint(
                condition=~Q(stato__in=["approvato", "respinto"]) | Q(deciso_il__isnull=False),
                name="intervento_decisione_datata",
            ),
            models.UniqueConstraint(fields=["id", "pagato_a"], name="intervento_id_pagato_a"),
        ]
        indexes = [
            # Covers the totals per person and year (selectors.totali_persona_per_anno):
            # an index-only scan, see bench/interventi.py.
            models.Index(fields=["persona", "data_inizio"], include=["stato", "importo_totale"],
                         name="intervento_persona_totali"),
            models.Index(fields=["stato", "proposto_il"], name="intervento_stato"),
            # The list page: newest proposals first.
            models.Index(fields=["-proposto_il", "-id"], name="intervento_recenti"),
            models.Index(fields=["servizio", "data_inizio"], name="intervento_servizio_data"),
        ]

    def __str__(self) -> str:
        return f"{self.servizio} — {self.persona}"


class Pagamento(BaseModel):
    """Money owed to a person under an intervention: one instalment of a periodic benefit or
    a one-off payment. It is paid when an atto di liquidazione includes it, once."""

    class Stato(models.TextChoices):
        DA_LIQUIDARE = "da_liquidare", _("Da liquidare")
        LIQUIDATO = "liquidato", _("Liquidato")
        ANNULLATO = "annullato", _("Annullato")

    intervento = models.ForeignKey(
        Intervento, on_delete=models.PROTECT, related_name="pagamenti", verbose_name=_("intervento")
    )
    competenza = models.DateField(_("mese di competenza"), help_text=_("Primo giorno del mese."))
    importo = money(_("importo"))
    stato = models.CharField(
        _("stato"), max_length=14, choices=Stato.choices, default=Stato.DA_LIQUIDARE
    )
    liquidato_il = models.DateField(_("liquidato il"), null=True, blank=True)
    # 'persona' while the payment is owed or paid: with intervento_id a foreign key to
    # (Intervento.id, Intervento.pagato_a), so the database refuses a payment to the person
    # of an intervention the comune pays to a provider (migration 0003).
    via = models.GeneratedField(
        expression=models.Case(models.When(stato="annullato", then=models.Value(None)),
                               default=models.Value(PagatoA.PERSONA.value)),
        output_field=models.CharField(max_length=10, null=True), db_persist=True)

    class Meta:
        ordering = ["competenza", "id"]
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        constraints = [
            models.CheckConstraint(condition=Q(importo__gt=0), name="pagamento_importo_positivo"),
            models.UniqueConstraint(
                fields=["intervento", "competenza"], condition=~Q(stato="annullato"),
                name="pagamento_una_rata_per_mese",
            ),
        ]
