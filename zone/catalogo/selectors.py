"""Reads on the shared catalogue and the zones' common lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from services.core.errors import NotFound

from .models import Adozione, CodicePrestazione, Edizione, VoceListino, VoceNomenclatore

if TYPE_CHECKING:
    from tenants.models import Comune, Zona


def edizioni() -> QuerySet[Edizione]:
    return Edizione.objects.all()


def voci_catalogo(tipo: str, *, q: str = "", solo_in_vigore: bool = False) -> QuerySet:
    """The codes of one list, with the editions that introduced and retired them."""
    model = CodicePrestazione if tipo == Edizione.Tipo.INPS else VoceNomenclatore
    qs = model.objects.select_related("introdotto_in", "ritirato_in")
    if q:
        qs = qs.filter(Q(codice__icontains=q) | Q(nome__icontains=q))
    if solo_in_vigore:
        qs = qs.filter(ritirato_in__isnull=True)
    return qs.order_by("codice")


def codici_in_vigore() -> QuerySet[CodicePrestazione]:
    return CodicePrestazione.objects.filter(ritirato_in__isnull=True).order_by("codice")


def listino_della_zona(zona: Zona) -> QuerySet[VoceListino]:
    """The zone's list with, for each entry, the comuni that adopted it (two queries)."""
    return (
        VoceListino.objects.filter(zona=zona)
        .select_related("codice_prestazione")
        .prefetch_related(
            Prefetch("adozioni", queryset=Adozione.objects.select_related("comune")
                     .order_by("comune__name"))
        )
        .order_by("nome")
    )


def get_voce_listino(zona: Zona, public_id: str) -> VoceListino:
    voce = VoceListino.objects.filter(zona=zona, public_id=public_id).first()
    if voce is None:
        raise NotFound()
    return voce


def listino_per_comune(comune: Comune) -> QuerySet[VoceListino]:
    """The active entries of the comune's zone, for the comune's adoption page."""
    return (
        VoceListino.objects.filter(zona_id=comune.zona_id, attivo=True)
        .select_related("codice_prestazione")
        .prefetch_related(Prefetch("adozioni", queryset=Adozione.objects.filter(comune=comune)))
        .order_by("nome")
    )
