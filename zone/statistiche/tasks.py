"""Refreshing the reporting store: one task per comune, fanned out per zone; nightly for
every zone (CELERY_BEAT_SCHEDULE). The tasks run in the public schema (the store lives
there); the comune's schema is entered only by ``zone.aggregation``."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Comune, Zona

from .models import Aggiornamento
from .services import aggiornamenti_in_coda, store_refresh_comune

log = logging.getLogger(__name__)


@shared_task(name="zone.statistiche.tasks.refresh_comune", bind=True, acks_late=True,
             max_retries=3)
def refresh_comune(self, comune_id: int, completo: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a fact already up to date is not rewritten. A failure is recorded on the
    comune's bookkeeping row and retried with a growing delay; the other comuni's tasks are
    independent and go on."""
    comune = Comune.objects.select_related("ente").get(pk=comune_id)
    try:
        stato = str(store_refresh_comune(comune=comune, completo=completo).stato)
    except Exception as exc:
        log.exception("statistiche: refresh of comune %s failed", comune_id)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc
        return "errore"
    if not Aggiornamento.objects.filter(
            comune__zona_id=comune.zona_id,
            stato__in=[Aggiornamento.Stato.IN_CODA, Aggiornamento.Stato.IN_CORSO]).exists():
        warm_zona.delay(comune.zona_id)  # the last comune of the zone is done
    return stato


@shared_task(name="zone.statistiche.tasks.warm_zona")
def warm_zona(zona_id: int) -> str:
    """Compute the zone's main report for the new store version now, so the first visitor
    after a refresh does not wait for it (seconds, on a large zone)."""
    from . import selectors

    with schema_context("public"):
        zona = Zona.objects.get(pk=zona_id)
        v = selectors.versione_zona(zona)
        anni = selectors.in_cache("anni", v, lambda: selectors.anni_disponibili(
            zona.comuni.values_list("pk", flat=True)))
        anno = anni[0] if anni else None
        selectors.in_cache(f"zona:{anno}", v, lambda: selectors.report_zona(zona, anno))
    return v


@shared_task(name="zone.statistiche.tasks.refresh_zona")
def refresh_zona(zona_id: int, completo: bool = False) -> int:
    """Fan out: one task per comune of the zone, queued from the public schema."""
    queued = 0
    with schema_context("public"):
        aggiornamenti_in_coda(zona_id=zona_id)
        comuni = list(Comune.objects.filter(zona_id=zona_id, ente__is_active=True)
                      .values_list("pk", flat=True))
        for comune_id in comuni:
            refresh_comune.delay(comune_id, completo)
            queued += 1
    return queued


@shared_task(name="zone.statistiche.tasks.refresh_all_zone")
def refresh_all_zone() -> int:
    """Nightly: every zone, in full (a full pass also repairs anything an incremental pass
    could miss, such as a service re-mapped to another catalogue code)."""
    with schema_context("public"):
        zone = list(Zona.objects.values_list("pk", flat=True))
        for zona_id in zone:
            refresh_zona.delay(zona_id, True)
    return len(zone)
