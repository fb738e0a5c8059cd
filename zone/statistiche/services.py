"""Writes of the reporting store: one comune's refresh, and the bookkeeping around it.

A refresh reads the comune's changed rows through ``zone.aggregation`` (the only code that
enters a comune's schema), upserts them as facts — a row whose values did not change is not
touched, so running a refresh twice changes nothing — and removes the facts whose source
row no longer exists.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from services.anagrafica.services import Actor
from services.core.audit import audit_log
from services.core.queue import enqueue_on_commit
from tenants.models import Comune, Zona
from zone import aggregation

from .models import Aggiornamento, FattoDomanda, FattoIntervento, FattoLiquidazione, FattoSpesa

BATCH = 10_000


@dataclass(frozen=True)
class _Tabella:
    chiave: str  # name in Estrazione
    model: type[models.Model]
    campi: tuple[str, ...]  # besides comune and origine_id
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


def _upsert(tabella: _Tabella, comune_id: int, rows: Sequence[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO UPDATE ... WHERE the values differ: the ORM's bulk upsert
    cannot skip unchanged rows, and an idempotent refresh must not rewrite them. Rows travel
    as one array per column (unnest), so a batch is a handful of parameters."""
    if not rows:
        return 0
    meta = tabella.model._meta
    table = connection.ops.quote_name(meta.db_table)
    cols = ["origine_id", *tabella.campi]
    types = [cast(models.Field, meta.get_field(c)).db_type(connection) for c in cols]
    names = ", ".join(["comune_id", *cols] + ([tabella.timbro] if tabella.timbro else []))
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    select = "%s, u.*" + (", now()" if tabella.timbro else "")
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in tabella.campi)
    if tabella.timbro:
        sets += f", {tabella.timbro} = now()"
    mine = ", ".join(f"{table}.{c}" for c in tabella.campi)
    theirs = ", ".join(f"EXCLUDED.{c}" for c in tabella.campi)
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {select} FROM unnest({arrays}) AS u "  # noqa: S608
        f"ON CONFLICT (comune_id, origine_id) DO UPDATE SET {sets} "
        f"WHERE ({mine}) IS DISTINCT FROM ({theirs})"
    )
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            cursor.execute(sql, [comune_id, *([row[c] for row in batch] for c in cols)])
            changed += max(cursor.rowcount, 0)
    return changed


def _reconcile(tabella: _Tabella, comune_id: int, chiavi: set[Any]) -> int:
    """Facts whose source row is gone from the comune's schema."""
    manager = tabella.model._default_manager
    store = set(manager.filter(comune_id=comune_id).values_list("origine_id", flat=True))
    gone = list(store - chiavi)
    removed = 0
    for start in range(0, len(gone), BATCH):
        removed += manager.filter(comune_id=comune_id,
                                  origine_id__in=gone[start:start + BATCH]).delete()[0]
    return removed


def aggiornamento_for(comune: Comune) -> Aggiornamento:
    return Aggiornamento.objects.get_or_create(comune=comune)[0]


def aggiornamenti_in_coda(*, zona_id: int) -> int:
    """Mark the zone's comuni as queued: what the page shows until the workers start, and
    how a finishing comune knows whether it is the zone's last."""
    n = 0
    for comune in Comune.objects.filter(zona_id=zona_id, ente__is_active=True):
        agg = aggiornamento_for(comune)
        agg.stato = Aggiornamento.Stato.IN_CODA
        agg.errore = ""
        agg.save(update_fields=["stato", "errore"])
        n += 1
    return n


@transaction.atomic
def aggiornamento_avvia(*, actor: Actor, zona: Zona, completo: bool = False) -> int:
    """The coordinator asks for a refresh now: the zone's comuni are marked as queued (what
    the page shows until the workers start) and the fan-out task is queued after commit."""
    from .tasks import refresh_zona

    n = aggiornamenti_in_coda(zona_id=zona.pk)
    audit_log(action="statistiche.aggiornamento_avviato", actor=actor.user, obj=zona,
              payload={"comuni": n, "completo": completo}, ip_address=actor.ip_address)
    enqueue_on_commit(refresh_zona, zona.pk, completo)
    return n


def store_refresh_comune(*, comune: Comune, completo: bool = False) -> Aggiornamento:
    """Refresh one comune's facts: incremental from its watermark (everything when
    ``completo`` or never refreshed). On error the bookkeeping row records it (in its own
    transaction) and the exception goes on to the caller, which decides about retrying."""
    agg = aggiornamento_for(comune)
    since = None if completo else agg.watermark
    agg.stato = Aggiornamento.Stato.IN_CORSO
    agg.iniziato_il = timezone.now()
    agg.tentativi += 1
    agg.save(update_fields=["stato", "iniziato_il", "tentativi"])
    started = time.monotonic()
    try:
        estrazione = aggregation.comune_extract(comune, since=since)
        with schema_context("public"), transaction.atomic():
            scritte = rimosse = 0
            for tabella in TABELLE:
                scritte += _upsert(tabella, comune.pk, getattr(estrazione, tabella.chiave))
                rimosse += _reconcile(tabella, comune.pk, estrazione.chiavi[tabella.chiave])
            agg.stato = Aggiornamento.Stato.COMPLETATO
            agg.watermark = estrazione.watermark
            agg.finito_il = timezone.now()
            agg.righe_lette = estrazione.righe
            agg.righe_scritte = scritte
            agg.righe_rimosse = rimosse
            agg.durata_ms = int((time.monotonic() - started) * 1000)
            agg.tentativi = 0
            agg.errore = ""
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
