"""Segretariato sociale: the record of every contact (scheda di accesso), consent per person,
and the services of the territory the front office orients people to.

The consent rules of the access process (seed 002) are enforced in ``services.py``; the
model holds what each path is allowed to keep.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel
from zone.catalogo.models import AreaTarget  # re-exported: one list


class Consenso(BaseModel):
    """Consent to the processing of a person's data, with its history (latest wins)."""

    class Stato(models.TextChoices):
        CONCESSO = "concesso", _("Concesso")
        NEGATO = "negato", _("Negato")
        REVOCATO = "revocato", _("Revocato")

    class Modalita(models.TextChoices):
        SCRITTO = "scritto", _("Modulo firmato")
        VERBALE = "verbale", _("Verbale, annotato dall'operatore")

    persona = models.ForeignKey("anagrafica.Persona", on_delete=models.PROTECT,
                                related_name="consensi")
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices)
    modalita = models.CharField(_("modalità"), max_length=10, choices=Modalita.choices,
                                default=Modalita.SCRITTO)
    data = models.DateField(_("data"))
    # Given by the person or by their legal representative.
    rilasciato_da = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("rilasciato da"))
    raccolto_da = models.BigIntegerField(_("raccolto da (utente)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consenso al trattamento dei dati")
        verbose_name_plural = _("consensi al trattamento dei dati")
        ordering = ["persona", "-data", "-id"]

    def __str__(self) -> str:
        return f"{self.persona}: {self.get_stato_display()} ({self.data:%d/%m/%Y})"


class Risorsa(BaseModel):
    """A service or organisation of the territory (risorsa), offered to people."""

    class Tipo(models.TextChoices):
        SERVIZIO_PUBBLICO = "servizio_pubblico", _("Servizio pubblico")
        SANITARIO = "sanitario", _("Servizio sanitario")
        TERZO_SETTORE = "terzo_settore", _("Associazione / terzo settore")
        COOPERATIVA = "cooperativa", _("Cooperativa sociale")
        SCUOLA = "scuola", _("Scuola / formazione")
        LAVORO = "lavoro", _("Lavoro e impiego")
        ALTRO = "altro", _("Altro")

    nome = models.CharField(_("nome"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    area_target = models.CharField(_("area target"), max_length=20, choices=AreaTarget.choices,
                                   blank=True)
    descrizione = models.TextField(_("che cosa offre"), blank=True)
    ente_gestore = models.CharField(_("ente gestore"), max_length=200, blank=True)
    indirizzo = models.CharField(_("indirizzo"), max_length=200, blank=True)
    telefono = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    sito = models.URLField(_("sito web"), blank=True)
    orari = models.CharField(_("orari"), max_length=200, blank=True)
    attiva = models.BooleanField(_("attiva"), default=True)
    search_text = models.CharField(max_length=600, editable=False, default="")

    class Meta:
        verbose_name = _("risorsa del territorio")
        verbose_name_plural = _("risorse del territorio")
        ordering = ["nome"]
        indexes = [
            GinIndex(fields=["search_text"], name="risorsa_search_trgm",
                     opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.nome


class Sportello(BaseModel):
    """A front office of the ente (sportello di segretariato sociale, PUA, URP): where
    contacts are taken, when it is open and who works there. A zone's schema holds the
    district's own front offices (gestione associata)."""

    nome = models.CharField(_("nome"), max_length=200)
    indirizzo = models.CharField(_("indirizzo"), max_length=200, blank=True)
    orari = models.TextField(_("orari di apertura"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)
    # Users (ids of the public schema's users) with a membership of this ente who work here.
    operatori_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                               verbose_name=_("operatori"))

    class Meta:
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        ordering = ["-attivo", "nome"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("nome"), condition=Q(attivo=True),
                                    name="sportello_nome_attivo_unico"),
        ]

    def __str__(self) -> str:
        return self.nome


class SchedaAccesso(BaseModel):
    """One contact with the front office. Who spoke (interlocutore), for whom (utente),
    their reference person (riferimento), what was asked and how the contact closed."""

    class Canale(models.TextChoices):
        PERSONA = "persona", _("Di persona")
        TELEFONO = "telefono", _("Telefono")
        EMAIL = "email", _("Email / PEC")
        LETTERA = "lettera", _("Lettera / atto scritto")
        VISITA = "visita", _("Visita domiciliare")

    class Interlocutore(models.TextChoices):
        AUTORITA_GIUDIZIARIA = "autorita_giudiziaria", _("Autorità giudiziaria")
        PUBBLICO_UFFICIALE = "pubblico_ufficiale", _(
            "Pubblico ufficiale (servizi, scuola, forze dell'ordine, enti)")
        UTENTE = "utente", _("La persona in stato di bisogno")
        LEGALE_RAPPRESENTANTE = "legale_rappresentante", _("Legale rappresentante")
        SEGNALANTE = "segnalante", _("Segnalante non istituzionale")
        ANONIMO = "anonimo", _("Contatto anonimo")

    class Stato(models.TextChoices):
        APERTA = "aperta", _("Aperta")
        CHIUSA = "chiusa", _("Chiusa dal segretariato")
        INOLTRATA = "inoltrata", _("Inoltrata all'assistente sociale")
        IN_CARICO = "in_carico", _("Presa in carico")
        RESPINTA = "respinta", _("Respinta dall'assistente sociale")

    class Esito(models.TextChoices):
        INFORMAZIONI = "informazioni", _("Informazioni fornite")
        INVIO_SERVIZIO = "invio_servizio", _("Invio a un servizio / risorsa")
        INOLTRO_AS = "inoltro_as", _("Inoltro all'assistente sociale")
        SEGNALAZIONE_AG = "segnalazione_ag", _("Segnalazione all'autorità giudiziaria")
        RESPINTA = "respinta", _("Respinta con motivazione")
        CONSENSO_NEGATO = "consenso_negato", _("Consenso negato: nessun dato registrato")
        SOLO_SEGNALAZIONE = "solo_segnalazione", _(
            "Consenso negato al primo colloquio: resta la sola segnalazione")

    numero = models.CharField(_("numero"), max_length=20, unique=True)
    data = models.DateTimeField(_("data e ora"))
    canale = models.CharField(_("canale"), max_length=10, choices=Canale.choices)
    interlocutore_tipo = models.CharField(_("chi si è rivolto al servizio"), max_length=25,
                                          choices=Interlocutore.choices)
    # A person of the registry (legal representative, reporter) or an office (court, school).
    interlocutore = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("interlocutore"))
    interlocutore_ente = models.CharField(_("ente / ufficio dell'interlocutore"),
                                          max_length=200, blank=True)
    utente = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="schede_accesso",
                               verbose_name=_("utente"))
    riferimento = models.ForeignKey("anagrafica.Persona", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("persona di riferimento"))
    # Judicial authority: the order (provvedimento) that starts the contact.
    provvedimento_numero = models.CharField(_("numero provvedimento"), max_length=50, blank=True)
    provvedimento_data = models.DateField(_("data provvedimento"), null=True, blank=True)
    segnalazione_scritta = models.BooleanField(_("segnalazione pervenuta per iscritto"),
                                               default=False)
    testo_segnalazione = models.TextField(_("testo della segnalazione"), blank=True)
    presunto_pregiudizio = models.BooleanField(
        _("notizia di reato, presunto rischio o pericolo"), default=False)
    bisogno_espresso = models.TextField(_("bisogno espresso"), blank=True)
    servizio_richiesto = models.CharField(_("servizio richiesto"), max_length=200, blank=True)
    # The area of the need as the front office reads it (ISTAT target areas; "" = not said).
    area_bisogno = models.CharField(_("area del bisogno"), max_length=20,
                                    choices=AreaTarget.choices, blank=True)
    consenso = models.ForeignKey(Consenso, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="schede", verbose_name=_("consenso"))
    risorse_proposte = models.ManyToManyField(Risorsa, blank=True, related_name="schede",
                                              verbose_name=_("risorse proposte"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices,
                             default=Stato.APERTA)
    esito = models.CharField(_("esito del contatto"), max_length=20, choices=Esito.choices,
                             blank=True)
    motivo_esito = models.TextField(_("motivazione / note di chiusura"), blank=True)
    chiusa_il = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    # The front office that took the contact (None on schede written before front offices
    # were recorded: counted as "non indicato").
    sportello = models.ForeignKey(Sportello, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="schede", verbose_name=_("sportello"))
    operatore_id = models.BigIntegerField(_("operatore"))
    operatore_label = models.CharField(_("operatore"), max_length=254)
    # The social worker the front office forwarded the scheda to (optional: else any).
    assegnata_a_id = models.BigIntegerField(_("inoltrata a"), null=True, blank=True)
    assegnata_a_label = models.CharField(_("inoltrata a"), max_length=254, blank=True)
    # Set by the case-file side when it takes the scheda in charge (cartella public id).
    cartella_public_id = models.UUIDField(null=True, blank=True)
    # The social worker's refusal after evaluating a forwarded scheda (scheda_respingi).
    motivo_respingimento = models.TextField(_("motivo del respingimento"), blank=True)
    respinta_il = models.DateTimeField(_("respinta il"), null=True, blank=True)
    respinta_da_id = models.BigIntegerField(_("respinta da"), null=True, blank=True)
    respinta_da_label = models.CharField(_("respinta da"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("scheda di accesso")
        verbose_name_plural = _("schede di accesso")
        ordering = ["-data", "-id"]
        constraints = [
            # An anonymous contact keeps no identity, of anyone.
            models.CheckConstraint(
                condition=~Q(interlocutore_tipo="anonimo")
                | (Q(utente__isnull=True) & Q(interlocutore__isnull=True)
                   & Q(riferimento__isnull=True)),
                name="scheda_anonima_senza_identita",
            ),
            # A report of suspected harm closes only as a report to the judicial authority.
            models.CheckConstraint(
                condition=Q(presunto_pregiudizio=False) | Q(esito="")
                | Q(esito="segnalazione_ag") | Q(esito="inoltro_as"),
                name="scheda_pregiudizio_chiude_con_segnalazione",
            ),
            # A judicial order is identified by its number and date.
            models.CheckConstraint(
                condition=~Q(interlocutore_tipo="autorita_giudiziaria")
                | (~Q(provvedimento_numero="") & Q(provvedimento_data__isnull=False)),
                name="scheda_ag_con_provvedimento",
            ),
            # From a public official only written reports (unless harm is suspected).
            models.CheckConstraint(
                condition=~Q(interlocutore_tipo="pubblico_ufficiale")
                | Q(segnalazione_scritta=True) | Q(presunto_pregiudizio=True),
                name="scheda_pu_solo_scritta",
            ),
            # Consent denied: nobody's identity is kept.
            models.CheckConstraint(
                condition=~Q(esito="consenso_negato")
                | (Q(utente__isnull=True) & Q(interlocutore__isnull=True)
                   & Q(riferimento__isnull=True)),
                name="scheda_consenso_negato_senza_identita",
            ),
            # The social worker refuses with a reason.
            models.CheckConstraint(
                condition=~Q(stato="respinta") | ~Q(motivo_respingimento=""),
                name="scheda_respinta_con_motivo",
            ),
        ]
        indexes = [
            models.Index(fields=["stato", "data"], name="scheda_stato_data"),
            models.Index(fields=["operatore_id", "data"], name="scheda_operatore_data"),
        ]

    def __str__(self) -> str:
        return f"Scheda {self.numero}"

    @property
    def richiede_cartella(self) -> bool:
        """A report from the judicial authority always opens a case file."""
        return self.interlocutore_tipo == self.Interlocutore.AUTORITA_GIUDIZIARIA
