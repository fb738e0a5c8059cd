"""Writes of the reporting store: one schema's refresh, and the bookkeeping around it.

A refresh reads the changed rows of one comune's schema — or of a zone's, for the services
its ufficio di piano manages itself — through ``zone.aggregation`` (the only code that
enters those schemas), upserts them as facts — a row whose values did not change is not
touched, so running a refresh twice changes nothing — and removes the facts whose source
row no longer exists.

A zone's facts count for the comune where the person lives (``aggregation.attribuzione``):
the zone's totals stay the sum of its comuni's, and each comune sees what the zone did for
its residents.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.errors import ValidationFailed
from services.core.queue import enqueue_on_commit
from tenants.models import Comune, Ente, Zona
from zone import aggregation

from .models import Aggiornamento, FattoDomanda, FattoIntervento, FattoLiquidazione, FattoSpesa

BATCH = 10_000


@dataclass(frozen=True)
class _Tabella:
    chiave: str  # name in Estrazione
    model: type[models.Model]
    campi: tuple[str, ...]  # besides gestore, comune and origine_id
    timbro: str | None = None  # a column set to now() when the row changes


_COMUNI = ("codice_prestazione", "area_target", "anno", "mese", "persona_hash")
TABELLE: tuple[_Tabella, ...] = (
    _Tabella("interventi", FattoIntervento,
             _COMUNI + ("stato", "tipo", "data_inizio", "data_fine", "importo_totale", "sesso",
                        "fascia_eta")),
    _Tabella("liquidazioni", FattoLiquidazione, _COMUNI + ("importo", "annullata")),
    _Tabella("domande", FattoDomanda, _COMUNI + ("stato", "data_protocollo", "esito_il")),
    _Tabella("spese", FattoSpesa,
             ("esercizio", "voce_piano", "codice_prestazione", "area_target", "importo_impegnato",
              "importo_liquidato"), timbro="aggiornato_il"),
)


def _upsert(tabella: _Tabella, gestore_id: int, rows: Sequence[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO UPDATE ... WHERE the values differ: the ORM's bulk upsert
    cannot skip unchanged rows, and an idempotent refresh must not rewrite them. Rows travel
    as one array per column (unnest), so a batch is a handful of parameters. The comune a
    fact counts for is a value like the others (a zone's fact moves when the person does)."""
    if not rows:
        return 0
    meta = tabella.model._meta
    table = connection.ops.quote_name(meta.db_table)
    campi = ("comune", *tabella.campi)
    fields = [cast(models.Field, meta.get_field(c)) for c in ("origine_id", *campi)]
    cols = [f.column for f in fields]
    aggiornabili = cols[1:]
    types = [f.db_type(connection) if not f.is_relation else "bigint" for f in fields]
    names = ", ".join(["gestore_id", *cols] + ([tabella.timbro] if tabella.timbro else []))
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    select = "%s, u.*" + (", now()" if tabella.timbro else "")
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in aggiornabili)
    if tabella.timbro:
        sets += f", {tabella.timbro} = now()"
    mine = ", ".join(f"{table}.{c}" for c in aggiornabili)
    theirs = ", ".join(f"EXCLUDED.{c}" for c in aggiornabili)
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {select} FROM unnest({arrays}) AS u "  # noqa: S608
        f"ON CONFLICT (gestore_id, origine_id) DO UPDATE SET {sets} "
        f"WHERE ({mine}) IS DISTINCT FROM ({theirs})"
    )
    keys = ["origine_id", *campi]
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            cursor.execute(sql, [gestore_id, *([row[k] for row in batch] for k in keys)])
            changed += max(cursor.rowcount, 0)
    return changed


def _reconcile(tabella: _Tabella, gestore_id: int, chiavi: set[Any]) -> int:
    """Facts whose source row is gone from the gestore's schema."""
    manager = tabella.model._default_manager
    store = set(manager.filter(gestore_id=gestore_id).values_list("origine_id", flat=True))
    gone = list(store - chiavi)
    removed = 0
    for start in range(0, len(gone), BATCH):
        removed += manager.filter(gestore_id=gestore_id,
                                  origine_id__in=gone[start:start + BATCH]).delete()[0]
    return removed


def _attribuisci(ente: Ente, estrazione: aggregation.Estrazione) -> None:
    """Set on each row the comune it counts for: the comune itself, or for a zone's own
    services the comune of the person's residence (see ``aggregation.attribuzione``)."""
    if ente.type == Ente.Type.COMUNE:
        # No comune matches an ISTAT code here: every row falls back to the comune itself.
        comune_di = aggregation.attribuzione(
            [], Comune.objects.values_list("pk", flat=True).get(ente=ente))
    else:
        zona = Zona.objects.get(ente=ente)
        if zona.capofila_id is None:
            raise ValidationFailed(_(
                "L'ambito non ha un comune capofila: i servizi in gestione associata non "
                "si possono attribuire."))
        comune_di = aggregation.attribuzione(zona.comuni.all(), zona.capofila_id)
    for tabella in TABELLE:
        for row in getattr(estrazione, tabella.chiave):
            row["comune"] = comune_di(row.pop("residenza_istat", ""))


def aggiornamento_for(ente: Ente) -> Aggiornamento:
    comune_id = (Comune.objects.filter(ente=ente).values_list("pk", flat=True).first()
                 if ente.type == Ente.Type.COMUNE else None)
    return Aggiornamento.objects.get_or_create(ente=ente, defaults={"comune_id": comune_id})[0]


def enti_della_zona(zona_id: int) -> list[Ente]:
    """The schemas a zone's store is fed from: its active comuni, and the zone itself."""
    enti = [c.ente for c in Comune.objects.filter(zona_id=zona_id, ente__is_active=True)
            .select_related("ente").order_by("name")]
    zona = Zona.objects.select_related("ente").get(pk=zona_id)
    if zona.ente.is_active:
        enti.append(zona.ente)
    return enti


def aggiornamenti_in_coda(*, zona_id: int) -> int:
    """Mark the zone's schemas as queued: what the page shows until the workers start, and
    how a finishing one knows whether it is the zone's last."""
    n = 0
    for ente in enti_della_zona(zona_id):
        agg = aggiornamento_for(ente)
        agg.stato = Aggiornamento.Stato.IN_CODA
        agg.errore = ""
        agg.save(update_fields=["stato", "errore"])
        n += 1
    return n


@transaction.atomic
def aggiornamento_avvia(*, actor: Actor, zona: Zona, completo: bool = False) -> int:
    """The coordinator asks for a refresh now: the zone's schemas (its comuni's and its own)
    are marked as queued (what the page shows until the workers start) and the fan-out task
    is queued after commit."""
    from .tasks import refresh_zona

    n = aggiornamenti_in_coda(zona_id=zona.pk)
    audit_log(action="statistiche.aggiornamento_avviato", actor=actor.user, obj=zona,
              payload={"enti": n, "completo": completo}, ip_address=actor.ip_address)
    enqueue_on_commit(refresh_zona, zona.pk, completo)
    return n


def store_refresh_comune(*, comune: Comune, completo: bool = False) -> Aggiornamento:
    return store_refresh_ente(ente=comune.ente, completo=completo)


def store_refresh_ente(*, ente: Ente, completo: bool = False) -> Aggiornamento:
    """Refresh the facts of one schema (a comune's, or a zone's own services): incremental
    from its watermark (everything when ``completo`` or never refreshed). On error the
    bookkeeping row records it (in its own transaction) and the exception goes on to the
    caller, which decides about retrying."""
    agg = aggiornamento_for(ente)
    since = None if completo else agg.watermark
    agg.stato = Aggiornamento.Stato.IN_CORSO
    agg.iniziato_il = agg.segnale_il = timezone.now()
    agg.tentativi += 1
    agg.completo = completo
    agg.save(update_fields=["stato", "iniziato_il", "segnale_il", "tentativi", "completo"])
    started = time.monotonic()
    try:
        estrazione = aggregation.ente_extract(ente, since=since)
        # Read: the worker is alive; what follows is one transaction.
        Aggiornamento.objects.filter(pk=agg.pk).update(segnale_il=timezone.now())
        with schema_context("public"), transaction.atomic():
            _attribuisci(ente, estrazione)
            scritte = rimosse = 0
            for tabella in TABELLE:
                scritte += _upsert(tabella, ente.pk, getattr(estrazione, tabella.chiave))
                rimosse += _reconcile(tabella, ente.pk, estrazione.chiavi[tabella.chiave])
            agg.stato = Aggiornamento.Stato.COMPLETATO
            agg.watermark = estrazione.watermark
            agg.finito_il = timezone.now()
            agg.righe_lette = estrazione.righe
            agg.righe_scritte = scritte
            agg.righe_rimosse = rimosse
            agg.durata_ms = int((time.monotonic() - started) * 1000)
            agg.tentativi = 0
            agg.riprese = 0
            agg.errore = ""
            agg.segnale_il = agg.finito_il
            agg.save()
    except Exception as exc:
        agg.stato = Aggiornamento.Stato.ERRORE
        agg.finito_il = timezone.now()
        agg.durata_ms = int((time.monotonic() - started) * 1000)
        # The exception's class only: a database message may quote a row's values.
        agg.errore = type(exc).__name__
        agg.save(update_fields=["stato", "finito_il", "durata_ms", "errore"])
        raise
    return agg


def _fermi() -> models.Q:
    from services.core.heartbeat import heartbeat_limite

    limite = heartbeat_limite()
    return models.Q(stato=Aggiornamento.Stato.IN_CORSO) & (
        models.Q(segnale_il__lt=limite) | models.Q(segnale_il__isnull=True, iniziato_il__lt=limite))


def aggiornamenti_segna_interrotti(*, zona_id: int | None = None) -> int:
    """Refreshes "in corso" whose worker stopped beating (of one zone, or all): marked
    interrotto, each with an audit entry. Conditional updates: the page and the sweep at
    the same moment record it once."""
    qs = Aggiornamento.objects.filter(_fermi())
    if zona_id is not None:
        qs = qs.filter(ente__in=enti_della_zona(zona_id))
    n = 0
    for agg in qs:
        with transaction.atomic():
            if not Aggiornamento.objects.filter(_fermi(), pk=agg.pk).update(
                    stato=Aggiornamento.Stato.INTERROTTO):
                continue
            segnale = agg.segnale_il or agg.iniziato_il
            audit_log(action="statistiche.aggiornamento_interrotto", obj=agg.ente, payload={
                "ultimo_segnale": segnale.isoformat() if segnale else None})
            n += 1
    return n


def aggiornamento_riprendi(*, agg: Aggiornamento, automatica: bool = True) -> bool:
    """Queue an interrupted refresh again (it is idempotent: facts already written are
    not rewritten), full if the interrupted one was."""
    from .tasks import refresh_ente

    with transaction.atomic():
        if not Aggiornamento.objects.filter(pk=agg.pk, stato=Aggiornamento.Stato.INTERROTTO) \
                .update(stato=Aggiornamento.Stato.IN_CODA, riprese=models.F("riprese") + 1):
            return False
        agg.refresh_from_db()
        audit_log(action="statistiche.aggiornamento_ripreso", obj=agg.ente,
                  payload={"automatica": automatica, "riprese": agg.riprese,
                           "completo": agg.completo})
        enqueue_on_commit(refresh_ente, agg.ente_id, agg.completo)
    return True


def aggiornamenti_sweep() -> tuple[int, int]:
    """Run by the periodic sweep, in the public schema: (marked interrupted, queued again)."""
    from services.core.heartbeat import ripresa_automatica

    segnati = aggiornamenti_segna_interrotti()
    ripresi = 0
    for agg in Aggiornamento.objects.filter(stato=Aggiornamento.Stato.INTERROTTO):
        if ripresa_automatica(agg.riprese) and aggiornamento_riprendi(agg=agg):
            ripresi += 1
    return segnati, ripresi
