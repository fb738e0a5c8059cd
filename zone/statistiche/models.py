"""The reporting store (public schema): de-identified facts fed from every comune's schema.

Nothing here names a person: no name, no codice fiscale, no free text. People are counted
once across the comuni of a zone through ``persona_hash``, a keyed hash (HMAC with a
platform secret) of the codice fiscale. Facts are keyed by the ente whose schema they come
from (``gestore``: a comune, or the zone when its ufficio di piano manages services itself)
and the public id of the source row, so a refresh is an idempotent upsert. ``comune`` is the
comune a fact counts for: the gestore itself, or for the zone's own services the comune of
the person's residence (the capofila when it is outside the zone or unknown). The store is filled by Celery tasks
(``zone.statistiche.tasks``) through the one module that crosses schemas
(``zone.aggregation``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FattoSpesa(models.Model):
    """Money committed and liquidated by one determina of one comune (or of the zone, counted
    for its capofila): what the piano di zona reads for committed/spent per plan line, per
    comune, per year."""

    gestore = models.ForeignKey("tenants.Ente", on_delete=models.CASCADE, related_name="+")
    comune = models.ForeignKey("tenants.Comune", on_delete=models.CASCADE, related_name="+")
    origine_id = models.UUIDField(_("determina"))  # Determina.public_id in the gestore's schema
    esercizio = models.PositiveSmallIntegerField(_("esercizio"))
    voce_piano = models.UUIDField(_("voce del piano di zona"), null=True, blank=True)
    codice_prestazione = models.CharField(_("codice prestazione"), max_length=20, blank=True)
    area_target = models.CharField(_("area target"), max_length=20, blank=True)
    importo_impegnato = models.DecimalField(max_digits=14, decimal_places=2)
    importo_liquidato = models.DecimalField(max_digits=14, decimal_places=2)
    aggiornato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fatto di spesa")
        verbose_name_plural = _("fatti di spesa")
        constraints = [
            models.UniqueConstraint(fields=["gestore", "origine_id"], name="fatto_spesa_origine_unica"),
        ]
        indexes = [models.Index(fields=["voce_piano", "comune"], name="fatto_spesa_voce")]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.esercizio} {self.origine_id}"


class _Fatto(models.Model):
    """What every fact holds: where it comes from (gestore + public id of the source row,
    unique together: a refresh is an upsert), the comune it counts for, and how it is
    classified."""

    gestore = models.ForeignKey("tenants.Ente", on_delete=models.CASCADE, related_name="+")
    comune = models.ForeignKey("tenants.Comune", on_delete=models.CASCADE, related_name="+")
    origine_id = models.UUIDField(_("riga di origine"))
    codice_prestazione = models.CharField(_("codice prestazione"), max_length=20, blank=True)
    area_target = models.CharField(_("area target"), max_length=20, blank=True)
    anno = models.PositiveSmallIntegerField(_("anno"), null=True, blank=True)
    mese = models.PositiveSmallIntegerField(_("mese"), null=True, blank=True)
    # HMAC-SHA256 of the codice fiscale with AMBITO_REPORTING_KEY (hex): counts a person
    # once across comuni, never tells who they are.
    persona_hash = models.CharField(_("persona (chiave cifrata)"), max_length=64, blank=True)

    class Meta:
        abstract = True


class Sesso(models.TextChoices):
    M = "M", _("Maschi")
    F = "F", _("Femmine")


class FasciaEta(models.TextChoices):
    MINORI = "0-17", _("0–17 anni")
    ADULTI = "18-64", _("18–64 anni")
    ANZIANI = "65+", _("65 anni e oltre")


class FattoIntervento(_Fatto):
    """One intervention of one comune: people served per service, area, period."""

    stato = models.CharField(_("stato"), max_length=12)
    tipo = models.CharField(_("tipo"), max_length=20, blank=True)
    data_inizio = models.DateField(_("data di inizio"), null=True, blank=True)
    data_fine = models.DateField(_("data di fine"), null=True, blank=True)
    importo_totale = models.DecimalField(max_digits=14, decimal_places=2)
    sesso = models.CharField(_("sesso"), max_length=1, choices=Sesso.choices, blank=True)
    fascia_eta = models.CharField(_("fascia d'età"), max_length=5, choices=FasciaEta.choices,
                                  blank=True)

    class Meta:
        verbose_name = _("fatto: intervento")
        verbose_name_plural = _("fatti: interventi")
        constraints = [
            models.UniqueConstraint(fields=["gestore", "origine_id"],
                                    name="fatto_intervento_origine_unica"),
        ]
        indexes = [
            models.Index(fields=["comune", "anno", "mese"], name="fatto_intervento_periodo"),
            models.Index(fields=["persona_hash"], name="fatto_intervento_persona"),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.codice_prestazione} {self.origine_id}"


class FattoLiquidazione(_Fatto):
    """Money actually paid: one line of an atto di liquidazione (a payment to a person, a
    provider's invoice...), in the month it refers to."""

    importo = models.DecimalField(max_digits=14, decimal_places=2)
    annullata = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("fatto: liquidazione")
        verbose_name_plural = _("fatti: liquidazioni")
        constraints = [
            models.UniqueConstraint(fields=["gestore", "origine_id"],
                                    name="fatto_liquidazione_origine_unica"),
        ]
        indexes = [
            models.Index(fields=["comune", "anno", "mese"], name="fatto_liquidazione_periodo"),
        ]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.importo} {self.origine_id}"


class FattoDomanda(_Fatto):
    """One application: waiting lists are the ones not yet decided, with their age."""

    IN_ATTESA = ("presentata", "assegnata", "istruttoria")

    stato = models.CharField(_("stato"), max_length=12)
    data_protocollo = models.DateField(_("data di protocollo"))
    esito_il = models.DateField(_("data dell'esito"), null=True, blank=True)

    class Meta:
        verbose_name = _("fatto: domanda")
        verbose_name_plural = _("fatti: domande")
        constraints = [
            models.UniqueConstraint(fields=["gestore", "origine_id"],
                                    name="fatto_domanda_origine_unica"),
        ]
        indexes = [models.Index(fields=["comune", "stato"], name="fatto_domanda_stato")]

    def __str__(self) -> str:
        return f"{self.comune_id} {self.stato} {self.origine_id}"


class Aggiornamento(models.Model):
    """Refresh bookkeeping, one row per schema refreshed (each comune, and each zone for the
    services it manages itself): where the last refresh got to, how it went."""

    class Stato(models.TextChoices):
        MAI = "mai", _("Mai aggiornato")
        IN_CODA = "in_coda", _("In coda")
        IN_CORSO = "in_corso", _("In corso")
        INTERROTTO = "interrotto", _("Interrotto")
        COMPLETATO = "completato", _("Completato")
        ERRORE = "errore", _("Errore")

    ente = models.OneToOneField("tenants.Ente", on_delete=models.CASCADE,
                                related_name="aggiornamento_statistiche")
    # The comune, for a comune's row (None for a zone's): what the pages filter on.
    comune = models.OneToOneField("tenants.Comune", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="aggiornamento_statistiche")
    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices, default=Stato.MAI)
    # Source rows changed after this instant are read again by the next incremental refresh.
    watermark = models.DateTimeField(_("dati letti fino a"), null=True, blank=True)
    iniziato_il = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finito_il = models.DateTimeField(_("finito il"), null=True, blank=True)
    righe_lette = models.PositiveIntegerField(_("righe lette"), default=0)
    righe_scritte = models.PositiveIntegerField(_("righe modificate"), default=0)
    righe_rimosse = models.PositiveIntegerField(_("righe rimosse"), default=0)
    durata_ms = models.PositiveIntegerField(_("durata (ms)"), default=0)
    tentativi = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    errore = models.CharField(_("errore"), max_length=500, blank=True)
    # Stamped by the worker at each phase: a refresh "in corso" with an old one lost its
    # worker (services.core.heartbeat) and is interrotto until queued again.
    segnale_il = models.DateTimeField(_("ultimo segnale del lavoro"), null=True, blank=True)
    riprese = models.PositiveSmallIntegerField(_("riprese"), default=0)
    completo = models.BooleanField(_("aggiornamento completo"), default=False)

    class Meta:
        verbose_name = _("aggiornamento delle statistiche")
        verbose_name_plural = _("aggiornamenti delle statistiche")

    def __str__(self) -> str:
        return f"{self.ente_id} {self.stato}"

    @property
    def is_finished(self) -> bool:
        return self.stato not in (self.Stato.IN_CODA, self.Stato.IN_CORSO)
