"""Reads of the assegni: the list, the applications still without their assegno data, one
assegno, the statistics by year, type and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from services.core.errors import NotFound
from services.domande.models import Domanda

from .models import ESITI_CHIUSI, TIPI_SERVIZIO, Assegno

ZERO = Decimal("0.00")


def assegni_elenco(*, tipo: str = "", anno: int | None = None, stato: str = "") -> QuerySet[Assegno]:
    assegni = Assegno.objects.select_related("domanda", "domanda__persona", "domanda__servizio")
    if tipo:
        assegni = assegni.filter(tipo=tipo)
    if anno:
        assegni = assegni.filter(domanda__data_protocollo__year=anno)
    if stato:
        assegni = assegni.filter(domanda__stato=stato)
    return assegni.order_by("-domanda__data_protocollo", "-id")


def domande_da_completare(*, importazione_id: int | None = None) -> QuerySet[Domanda]:
    """Applications of an assegno service with no Assegno yet (imported from the protocol,
    which does not carry the assegno's data), oldest first. Respinte and archiviate are left
    out: their data can no longer be added (``assegno_completa``)."""
    domande = (Domanda.objects.select_related("persona", "servizio")
               .filter(servizio__tipo__in=TIPI_SERVIZIO, assegno__isnull=True)
               .exclude(stato__in=ESITI_CHIUSI))
    if importazione_id is not None:
        domande = domande.filter(importazione_id=importazione_id)
    return domande.order_by("data_protocollo", "id")


def get_assegno(public_id: Any) -> Assegno:
    try:
        assegno = (Assegno.objects.select_related("domanda", "domanda__persona", "domanda__servizio")
                   .filter(public_id=public_id).first())
    except (ValueError, ValidationError):
        assegno = None
    if assegno is None:
        raise NotFound(_("Assegno non trovato."))
    return assegno


@dataclass(frozen=True)
class RigaStatistica:
    anno: int
    tipo: str
    tipo_label: str
    esito: str
    esito_label: str
    domande: int
    importo_totale: Decimal


def assegni_statistiche(*, tipo: str = "") -> list[RigaStatistica]:
    """Applications per year of protocol, type and outcome (state), with the total amount.
    One query."""
    qs = Assegno.objects.all()
    if tipo:
        qs = qs.filter(tipo=tipo)
    rows = (qs.annotate(anno=ExtractYear("domanda__data_protocollo"))
            .values("anno", "tipo", "domanda__stato")
            .annotate(n=Count("id"), totale=Sum("importo_totale"))
            .order_by("-anno", "tipo", "domanda__stato"))
    tipi = dict(Assegno.Tipo.choices)
    stati = dict(Domanda.Stato.choices)
    return [RigaStatistica(anno=r["anno"], tipo=r["tipo"], tipo_label=str(tipi.get(r["tipo"], r["tipo"])),
                           esito=r["domanda__stato"],
                           esito_label=str(stati.get(r["domanda__stato"], r["domanda__stato"])),
                           domande=r["n"], importo_totale=r["totale"] or ZERO)
            for r in rows]


def grafico(righe: list[RigaStatistica]) -> dict[str, Any]:
    """Chart.js data: one bar per year, stacked by outcome."""
    anni = sorted({r.anno for r in righe})
    esiti = [s for s in Domanda.Stato.values if any(r.esito == s for r in righe)]
    stati = dict(Domanda.Stato.choices)
    conta: dict[tuple[int, str], int] = {}
    for r in righe:
        conta[(r.anno, r.esito)] = conta.get((r.anno, r.esito), 0) + r.domande
    return {"labels": [str(a) for a in anni],
            "datasets": [{"label": str(stati[e]), "esito": e,
                          "data": [conta.get((a, e), 0) for a in anni]} for e in esiti]}
