"""Reads of the lavori socialmente utili: contracts, and the extraction of available
people for a project."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from services.core.text import fold

from .models import Compenso, Contratto, Dichiarazione


def _by_public_id(qs: QuerySet, public_id: Any) -> Any:
    try:
        obj = qs.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    return obj


def get_contratto(public_id: Any) -> Contratto:
    return _by_public_id(Contratto.objects.select_related(
        "persona", "progetto", "intervento__servizio", "determina", "dichiarazione"), public_id)


def get_dichiarazione(public_id: Any) -> Dichiarazione:
    return _by_public_id(Dichiarazione.objects.select_related("persona"), public_id)


def contratti_elenco(*, q: str = "", progetto: Any = None, in_corso_il: date | None = None
                     ) -> QuerySet[Contratto]:
    qs = Contratto.objects.select_related("persona", "progetto", "intervento")
    for word in fold(q or "").split():
        qs = qs.filter(persona__search_text__contains=word)
    if progetto is not None:
        qs = qs.filter(progetto=progetto)
    if in_corso_il is not None:
        qs = qs.filter(data_inizio__lte=in_corso_il, data_fine__gte=in_corso_il)
    return qs.order_by("-data_inizio", "-id")


def estrazione(*, disponibilita: str = "", competenze: str = "", patente: bool = False,
               ore_minime: Decimal | None = None, libere_dal: date | None = None,
               libere_al: date | None = None) -> QuerySet[Dichiarazione]:
    """Active declarations matching the project's needs; with a period, only people with
    no contract in it."""
    qs = Dichiarazione.objects.filter(stato=Dichiarazione.Stato.ATTIVA,
                                      persona__stato="attiva").select_related("persona")
    if disponibilita:
        qs = qs.filter(disponibilita__in=[disponibilita, Dichiarazione.Disponibilita.FLESSIBILE,
                                          Dichiarazione.Disponibilita.INTERA])
    for word in (competenze or "").split():
        qs = qs.filter(competenze__icontains=word)
    if patente:
        qs = qs.filter(patente=True)
    if ore_minime is not None:
        qs = qs.filter(ore_settimanali__gte=ore_minime)
    if libere_dal is not None:
        impegnata = Contratto.objects.filter(persona=OuterRef("persona"),
                                             data_fine__gte=libere_dal)
        if libere_al is not None:
            impegnata = impegnata.filter(data_inizio__lte=libere_al)
        qs = qs.exclude(Exists(impegnata))
    return qs.order_by("data", "id")


def compensi_di(contratto: Contratto) -> QuerySet[Compenso]:
    return contratto.compensi.order_by("mese", "id")
