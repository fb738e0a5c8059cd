"""Reads of services and interventions. Interventions reach pages only through
``get_intervento_for_user``, which answers the same 404 for a missing intervention and for
one the user may not read, and records the read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Max, QuerySet, Sum
from django.db.models.functions import Cast, ExtractYear
from django.http import Http404

from services.core.audit import audit_log
from services.core.letture import AccessoNegato
from tenants.roles import Capability, permission_name

from .models import ZERO, Intervento, Pagamento, Servizio
from .services import STATI_IMPEGNATI

#: Who reads interventions: social workers propose them, the dirigente decides, the
#: administrative staff pays them.
LETTORI = (Capability.PROPOSE_INTERVENTO, Capability.DECIDE_INTERVENTO, Capability.MANAGE_DETERMINE)


def puo_leggere(user: Any) -> bool:
    return bool(user.is_authenticated
                and any(user.has_perm(permission_name(c)) for c in LETTORI))


def interventi_visibili(user: Any) -> QuerySet[Intervento]:
    if not puo_leggere(user):
        return Intervento.objects.none()
    return Intervento.objects.select_related("persona", "servizio", "determina")


def get_intervento_for_user(user: Any, public_id: Any, *, ip_address: str | None = None) -> Intervento:
    try:
        intervento = interventi_visibili(user).filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        intervento = None
    if intervento is None:
        raise AccessoNegato("interventi.intervento", public_id)
    audit_log(action="intervento.letto", actor=user, obj=intervento, ip_address=ip_address)
    return intervento


def get_servizio(public_id: Any) -> Servizio:
    try:
        servizio = Servizio.objects.select_related(
            "codice_prestazione", "voce_nomenclatore").filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        servizio = None
    if servizio is None:
        raise Http404
    return servizio


def interventi_da_decidere() -> QuerySet[Intervento]:
    """Proposals waiting for the dirigente, oldest first."""
    return (Intervento.objects.filter(stato=Intervento.Stato.PROPOSTO)
            .select_related("persona", "servizio").order_by("proposto_il", "id"))


def pagamenti_di(intervento: Intervento) -> QuerySet[Pagamento]:
    return intervento.pagamenti.order_by("competenza", "id")


def totali_persona_per_anno(persona_id: int) -> list[dict[str, Any]]:
    """Committed amount and number of interventions per year of one person (the case
    history and the person's page read it; bench/interventi.py times it)."""
    rows = (Intervento.objects.filter(persona_id=persona_id, stato__in=STATI_IMPEGNATI,
                                      data_inizio__isnull=False)
            .annotate(anno=Cast(ExtractYear("data_inizio"), IntegerField()))
            .values("anno").annotate(totale=Sum("importo_totale"), numero=Count("id"),
                                     ultimo=Max("data_inizio"))
            .order_by("-anno"))
    return [{"anno": r["anno"], "totale": r["totale"] or ZERO, "numero": r["numero"],
             "ultimo": r["ultimo"]} for r in rows]


def totali_persone_per_anno(persone_ids: list[int]) -> list[dict[str, Any]]:
    """Committed amount and number of interventions per year of several persons together
    (a household)."""
    rows = (Intervento.objects.filter(persona_id__in=persone_ids, stato__in=STATI_IMPEGNATI,
                                      data_inizio__isnull=False)
            .annotate(anno=Cast(ExtractYear("data_inizio"), IntegerField()))
            .values("anno").annotate(totale=Sum("importo_totale"), numero=Count("id"))
            .order_by("-anno"))
    return [{"anno": r["anno"], "totale": r["totale"] or ZERO, "numero": r["numero"]}
            for r in rows]


def pagato_per_anno(persone_ids: list[int]) -> dict[int, Decimal]:
    """Money actually liquidated to these persons, per year of competence."""
    rows = (Pagamento.objects.filter(intervento__persona_id__in=persone_ids,
                                     stato=Pagamento.Stato.LIQUIDATO)
            .annotate(anno=Cast(ExtractYear("competenza"), IntegerField()))
            .values("anno").annotate(totale=Sum("importo")))
    return {r["anno"]: r["totale"] or ZERO for r in rows}


def totali_interventi_per_anno() -> list[dict[str, Any]]:
    """The comune's committed amount and interventions per year of start (the summary page
    of determine shows it). No distinct count of persons: over a million rows it alone
    costs most of a second (bench/interventi.py)."""
    rows = (Intervento.objects.filter(stato__in=STATI_IMPEGNATI, data_inizio__isnull=False)
            .annotate(anno=Cast(ExtractYear("data_inizio"), IntegerField()))
            .values("anno").annotate(totale=Sum("importo_totale"), numero=Count("id"))
            .order_by("-anno"))
    return [{"anno": r["anno"], "totale": r["totale"] or ZERO, "numero": r["numero"]}
            for r in rows]


def totale_pagato(intervento: Intervento) -> Decimal:
    return (intervento.pagamenti.filter(stato=Pagamento.Stato.LIQUIDATO)
            .aggregate(t=Sum("importo"))["t"] or ZERO)
