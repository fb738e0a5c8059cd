"""Reads on the piani di zona. Plans are reached only through the zone that owns them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from services.core.errors import NotFound

from .models import ZERO, ModelloRendiconto, Piano, QuotaComune, RigaModello, VocePiano
from .spesa import Prospetto

if TYPE_CHECKING:
    from tenants.models import Comune, Regione, Zona


def piani_della_zona(zona: Zona) -> QuerySet[Piano]:
    return Piano.objects.filter(zona=zona).order_by("-anno_inizio", "titolo")


def get_piano(zona: Zona, public_id: str) -> Piano:
    piano = Piano.objects.filter(zona=zona, public_id=public_id).select_related("zona").first()
    if piano is None:
        raise NotFound()
    return piano


def get_voce(piano: Piano, public_id: str) -> VocePiano:
    voce = piano.voci.filter(public_id=public_id).select_related("piano").first()
    if voce is None:
        raise NotFound()
    return voce


def quote_del_piano(piano: Piano) -> QuerySet[QuotaComune]:
    return (QuotaComune.objects.filter(voce__piano=piano)
            .select_related("voce", "fonte", "comune")
            .order_by("voce__codice", "fonte__nome", "comune__name"))


def voci_per_comune(comune: Comune, *, anno: int | None = None) -> list[VocePiano]:
    """The lines a comune may link a determina to: those of its zone's plans in force in
    ``anno`` (default: this year) and not closed."""
    return voci_della_zona(comune.zona_id, anno=anno)


def voci_della_zona(zona_id: int, *, anno: int | None = None) -> list[VocePiano]:
    """The lines of the zone's plans in force in ``anno`` (default: this year) and not
    closed: what a determina of the zone's comuni, or of the zone itself, may fund."""
    anno = anno or datetime.date.today().year
    return list(
        VocePiano.objects.filter(piano__zona_id=zona_id, piano__anno_inizio__lte=anno,
                                 piano__anno_fine__gte=anno)
        .exclude(piano__stato=Piano.Stato.CHIUSO)
        .select_related("piano", "codice_prestazione")
        .order_by("piano__anno_inizio", "piano__titolo", "codice")
    )


# Forms every ambito owes whatever its region (the Ministry's, on national funds).
NAZIONALE = "00"


def modelli_per_zona(zona: Zona) -> QuerySet[ModelloRendiconto]:
    """The region's own forms, then the national ones."""
    return ModelloRendiconto.objects.filter(
        regione_istat__in=[zona.regione.istat_code, NAZIONALE]
    ).order_by("-regione_istat", "codice")


def get_modello(zona: Zona, public_id: str) -> ModelloRendiconto:
    modello = modelli_per_zona(zona).filter(public_id=public_id).first()
    if modello is None:
        raise NotFound()
    return modello


@dataclass
class RigaCompilata:
    riga: RigaModello
    importo: Decimal


def compila_modello(modello: ModelloRendiconto, p: Prospetto) -> list[RigaCompilata]:
    """Fill a region's form from a plan's figures: each row sums its measure over the lines
    and sources that match its filters."""
    out = []
    for riga in modello.righe.order_by("ordine"):
        fonti = [f.pk for f in p.fonti if not riga.tipo_fonte or f.tipo == riga.tipo_fonte]
        totale = ZERO
        for r in p.righe:
            if riga.area_target and r.voce.area_target != riga.area_target:
                continue
            if riga.prefisso_codice_prestazione and not (
                r.voce.codice_prestazione and r.voce.codice_prestazione.codice.startswith(
                    riga.prefisso_codice_prestazione)
            ):
                continue
            importi = [r.totale] if not riga.tipo_fonte else [
                r.per_fonte[f] for f in fonti if f in r.per_fonte]
            totale += sum((getattr(i, riga.misura) for i in importi), ZERO)
        out.append(RigaCompilata(riga=riga, importo=totale))
    return out


# The region's side: the forms it configures for its zones, and the preview on a zone's plan.


def modelli_della_regione(regione: Regione) -> QuerySet[ModelloRendiconto]:
    """The region's own forms, then the national ones (which the region only reads)."""
    return (ModelloRendiconto.objects.filter(regione_istat__in=[regione.istat_code, NAZIONALE])
            .annotate(n_righe=Count("righe")).order_by("-regione_istat", "codice"))


def modelli_da_copiare(regione: Regione) -> QuerySet[ModelloRendiconto]:
    """What a region may start a form from: its own, the national ones, and the example
    structures shipped with the platform (whatever their region)."""
    return ModelloRendiconto.objects.filter(
        Q(regione_istat__in=[regione.istat_code, NAZIONALE]) | Q(esempio=True)
    ).order_by("-regione_istat", "codice")


def get_modello_per_regione(regione: Regione, public_id: str, *,
                            write: bool = False) -> ModelloRendiconto:
    """A form the region reads (its own or a national one) or, with ``write``, one it may
    change (its own). Missing or out of reach: the same ``NotFound``."""
    qs = (ModelloRendiconto.objects.filter(regione_istat=regione.istat_code) if write
          else modelli_della_regione(regione))
    modello = qs.filter(public_id=public_id).first()
    if modello is None:
        raise NotFound()
    return modello


def get_modello_da_copiare(regione: Regione, public_id: str) -> ModelloRendiconto:
    modello = modelli_da_copiare(regione).filter(public_id=public_id).first()
    if modello is None:
        raise NotFound()
    return modello


def get_riga(modello: ModelloRendiconto, public_id: str) -> RigaModello:
    riga = modello.righe.filter(public_id=public_id).select_related("modello").first()
    if riga is None:
        raise NotFound()
    return riga


def zone_della_regione(regione: Regione) -> QuerySet[Zona]:
    return regione.zone.order_by("code")


def get_zona_della_regione(regione: Regione, public_id: str) -> Zona:
    zona = zone_della_regione(regione).filter(public_id=public_id).select_related("regione").first()
    if zona is None:
        raise NotFound()
    return zona
