"""Refreshing the reporting store: one task per schema (each comune's, and the zone's own
for the services it manages itself), fanned out per zone; nightly for every zone
(CELERY_BEAT_SCHEDULE). The tasks run in the public schema (the store lives there); the
other schemas are entered only by ``zone.aggregation``."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Ente, Zona
from tenants.selectors import zona_id_of

from .models import Aggiornamento
from .selectors import aggiornamenti_della_zona
from .services import aggiornamenti_in_coda, enti_della_zona, store_refresh_ente

log = logging.getLogger(__name__)


@shared_task(name="zone.statistiche.tasks.refresh_ente", bind=True, acks_late=True,
             max_retries=3)
def refresh_ente(self, ente_id: int, completo: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a fact already up to date is not rewritten. A failure is recorded on the
    schema's bookkeeping row and retried with a growing delay; the other schemas' tasks are
    independent and go on."""
    ente = Ente.objects.get(pk=ente_id)
    try:
        stato = str(store_refresh_ente(ente=ente, completo=completo).stato)
    except Exception as exc:
        log.exception("statistiche: refresh of ente %s failed", ente_id)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc
        return "errore"
    zona_id = zona_id_of(ente)
    if zona_id is not None and not aggiornamenti_della_zona(zona_id).filter(
            stato__in=[Aggiornamento.Stato.IN_CODA, Aggiornamento.Stato.IN_CORSO]).exists():
        warm_zona.delay(zona_id)  # the last schema of the zone is done
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
    """Fan out: one task per comune of the zone and one for the zone's own services,
    queued from the public schema."""
    queued = 0
    with schema_context("public"):
        aggiornamenti_in_coda(zona_id=zona_id)
        for ente in enti_della_zona(zona_id):
            refresh_ente.delay(ente.pk, completo)
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
