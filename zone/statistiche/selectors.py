"""Reads of the reporting store: the zone's, the region's and a comune's figures.

People are counted through ``persona_hash`` (distinct), so a person helped by two comuni of
the zone counts once in the zone's total. Spending is what atti di liquidazione paid
(``FattoLiquidazione``, cancelled lines excluded), in the month it refers to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from tenants.models import Comune, Regione, Zona
from zone.aggregation import SERVITI
from zone.catalogo.models import AreaTarget

from .models import Aggiornamento, FattoDomanda, FattoIntervento, FattoLiquidazione
from .suppression import Tabella, sopprimi

ZERO = Decimal("0.00")
CACHE_TTL = 60 * 60 * 24
# Part of every cache key: bump it when the shape of what is cached changes, so a deploy
# does not serve figures computed by the previous code until the next refresh.
CACHE_SHAPE = 2
T = TypeVar("T")
AREE: dict[Any, str] = {k: str(v) for k, v in AreaTarget.choices}


def serviti(comuni: Iterable[int], anno: int | None) -> QuerySet[FattoIntervento]:
    qs = FattoIntervento.objects.filter(comune_id__in=list(comuni), stato__in=SERVITI)
    return qs.filter(anno=anno) if anno else qs


def liquidato(comuni: Iterable[int], anno: int | None) -> QuerySet[FattoLiquidazione]:
    qs = FattoLiquidazione.objects.filter(comune_id__in=list(comuni), annullata=False)
    return qs.filter(anno=anno) if anno else qs


def versione(chi: str, aggiornamenti: QuerySet[Aggiornamento]) -> str:
    """Changes whenever one of the schemas selected finishes a refresh: the store changes
    only then, so what is computed from it can be cached under this version."""
    v = aggiornamenti.aggregate(fine=Max("finito_il"), n=Count("id"))
    fine = v["fine"].timestamp() if v["fine"] else 0
    return f"{chi}:{v['n']}:{fine}"


def aggiornamenti_della_zona(zona_id: int) -> QuerySet[Aggiornamento]:
    """The bookkeeping rows of a zone's comuni and of the zone's own services."""
    return Aggiornamento.objects.filter(Q(comune__zona_id=zona_id) | Q(ente__zona__pk=zona_id))


def versione_zona(zona: Zona | int) -> str:
    zona_id = getattr(zona, "pk", zona)
    return versione(f"zona={zona_id}", aggiornamenti_della_zona(cast(int, zona_id)))


def versione_regione(regione: Regione) -> str:
    return versione(f"regione={regione.pk}", Aggiornamento.objects.filter(
        Q(comune__zona__regione=regione) | Q(ente__zona__regione=regione)))


def in_cache(chiave: str, versione: str, calcola: Callable[[], T]) -> T:
    """The store's figures for one version, computed once (COUNT DISTINCT over a zone's
    facts takes seconds at scale; the page then answers in milliseconds until the next
    refresh)."""
    return cast(T, cache.get_or_set(f"statistiche:{CACHE_SHAPE}:{chiave}:{versione}", calcola,
                                    timeout=CACHE_TTL))


def anni_disponibili(comuni: Iterable[int]) -> list[int]:
    ids = list(comuni)
    anni: set[int] = {a for a in FattoIntervento.objects.filter(comune_id__in=ids)
                       .values_list("anno", flat=True).distinct() if a is not None}
    anni |= {a for a in FattoLiquidazione.objects.filter(comune_id__in=ids)
             .values_list("anno", flat=True).distinct() if a is not None}
    return sorted(anni, reverse=True)


@dataclass
class Riga:
    chiave: Any
    etichetta: str
    persone: int = 0
    interventi: int = 0
    liquidato: Decimal = ZERO
    extra: dict[str, Any] = field(default_factory=dict)


def _righe(comuni: list[int], anno: int | None, dim: str,
           etichette: dict[Any, str]) -> list[Riga]:
    """People served (distinct), interventions and money paid by one dimension."""
    out: dict[Any, Riga] = {}
    for r in (serviti(comuni, anno).values(dim)
              .annotate(persone=Count("persona_hash", distinct=True), interventi=Count("id"))):
        out[r[dim]] = Riga(r[dim], etichette.get(r[dim], str(r[dim] or "—")),
                           persone=r["persone"], interventi=r["interventi"])
    for r in liquidato(comuni, anno).values(dim).annotate(totale=Sum("importo")):
        riga = out.setdefault(r[dim], Riga(r[dim], etichette.get(r[dim], str(r[dim] or "—"))))
        riga.liquidato = r["totale"]
    return sorted(out.values(), key=lambda r: (r.etichetta or "", str(r.chiave)))


def gestione_associata(comuni: Iterable[int], anno: int | None, zona_ente_id: int) -> Riga:
    """What the zone did itself (its own schema) among the given comuni's figures."""
    ids = list(comuni)
    base = serviti(ids, anno).filter(gestore_id=zona_ente_id).aggregate(
        persone=Count("persona_hash", distinct=True), interventi=Count("id"))
    totale = liquidato(ids, anno).filter(gestore_id=zona_ente_id).aggregate(
        t=Sum("importo"))["t"]
    return Riga("gestione_associata", _("Ufficio di piano (gestione associata)"),
                persone=base["persone"], interventi=base["interventi"],
                liquidato=totale or ZERO)


@dataclass
class ReportZona:
    anno: int | None
    anni: list[int]
    persone: int
    interventi: int
    liquidato: Decimal
    per_codice: list[Riga]
    per_area: list[Riga]
    per_comune: list[Riga]
    per_mese: list[Riga]
    # Of the figures above, what the zone's own services account for.
    gestione_associata: Riga | None = None


def _nomi_codici(codici: Iterable[str]) -> dict[str, str]:
    from zone.catalogo.models import CodicePrestazione, VoceNomenclatore

    codici = [c for c in codici if c]
    nomi = dict(VoceNomenclatore.objects.filter(codice__in=codici).values_list("codice", "nome"))
    nomi.update(CodicePrestazione.objects.filter(codice__in=codici).values_list("codice", "nome"))
    return {c: f"{c} {nomi.get(c, '')}".strip() for c in codici} | {"": _("Non classificato")}


def report_zona(zona: Zona, anno: int | None) -> ReportZona:
    comuni = {c.pk: c.name for c in zona.comuni.all()}
    ids = list(comuni)
    base = serviti(ids, anno).aggregate(persone=Count("persona_hash", distinct=True),
                                        interventi=Count("id"))
    per_codice = _righe(ids, anno, "codice_prestazione", {})
    nomi = _nomi_codici(r.chiave for r in per_codice)
    for r in per_codice:
        r.etichetta = nomi.get(r.chiave, r.chiave)
    mesi = {m: str(nome).capitalize() for m, nome in MONTHS.items()}
    per_mese = _righe(ids, anno, "mese", mesi) if anno else []
    return ReportZona(
        anno=anno,
        anni=anni_disponibili(ids),
        persone=base["persone"],
        interventi=base["interventi"],
        liquidato=liquidato(ids, anno).aggregate(t=Sum("importo"))["t"] or ZERO,
        per_codice=per_codice,
        per_area=_righe(ids, anno, "area_target", AREE),
        per_comune=_righe(ids, anno, "comune_id", comuni),
        per_mese=sorted(per_mese, key=lambda r: r.chiave or 0),
        gestione_associata=gestione_associata(ids, anno, zona.ente_id),
    )


@dataclass
class Multicomune:
    persone: int
    coppie: list[tuple[str, str, int]]
    per_codice: list[tuple[str, int]]


def multicomune(zona: Zona, anno: int | None) -> Multicomune:
    """People served by more than one comune of the zone: how many, by pair of comuni and by
    service. The hash only joins rows here; it is never returned."""
    comuni = {c.pk: c.name for c in zona.comuni.all()}
    qs = serviti(comuni, anno)
    condivise = (qs.values("persona_hash").annotate(n=Count("comune_id", distinct=True))
                 .filter(n__gt=1).values("persona_hash"))
    per_persona: dict[str, set[int]] = defaultdict(set)
    codici: dict[str, set[str]] = defaultdict(set)
    for h, comune_id, codice in qs.filter(persona_hash__in=condivise).values_list(
            "persona_hash", "comune_id", "codice_prestazione"):
        per_persona[h].add(comune_id)
        codici[codice].add(h)
    coppie: dict[tuple[str, str], int] = defaultdict(int)
    for ids in per_persona.values():
        for a, b in combinations(sorted(ids, key=lambda i: comuni[i]), 2):
            coppie[(comuni[a], comuni[b])] += 1
    nomi = _nomi_codici(codici)
    return Multicomune(
        persone=len(per_persona),
        coppie=sorted(((a, b, n) for (a, b), n in coppie.items()), key=lambda x: (-x[2], x[0], x[1])),
        per_codice=sorted(((nomi.get(c, c), len(h)) for c, h in codici.items()),
                          key=lambda x: (-x[1], x[0])),
    )


@dataclass
class Attesa:
    comune: str
    codice: str
    domande: int
    giorni_medi: int
    giorni_max: int
    oltre_30: int


def liste_attesa(zona: Zona, oggi: date) -> list[Attesa]:
    comuni = {c.pk: c.name for c in zona.comuni.all()}
    gruppi: dict[tuple[int, str], list[int]] = defaultdict(list)
    for comune_id, codice, quando in FattoDomanda.objects.filter(
            comune_id__in=list(comuni), stato__in=FattoDomanda.IN_ATTESA
    ).values_list("comune_id", "codice_prestazione", "data_protocollo"):
        gruppi[(comune_id, codice)].append(max((oggi - quando).days, 0))
    nomi = _nomi_codici(codice for _comune, codice in gruppi)
    out = [
        Attesa(comune=comuni[comune_id], codice=nomi.get(codice, codice), domande=len(eta),
               giorni_medi=round(sum(eta) / len(eta)), giorni_max=max(eta),
               oltre_30=sum(1 for e in eta if e > 30))
        for (comune_id, codice), eta in gruppi.items()
    ]
    return sorted(out, key=lambda a: (a.comune, a.codice))


@dataclass(frozen=True)
class Fonte:
    """A schema the zone's store is fed from, as the refresh page names it."""

    name: str
    codice: str


def aggiornamenti(zona: Zona) -> list[tuple[Fonte, Aggiornamento | None]]:
    """Each comune's refresh, and the zone's own (the services it manages itself)."""
    stati = {a.ente_id: a for a in aggiornamenti_della_zona(zona.pk)}
    out = [(Fonte(c.name, c.istat_code), stati.get(c.ente_id))
           for c in zona.comuni.order_by("name")]
    out.append((Fonte(_("Ufficio di piano (gestione associata)"), zona.code),
                stati.get(zona.ente_id)))
    return out


# --- the region --------------------------------------------------------------------------

@dataclass
class IndicatoreZona:
    zona: Zona
    abitanti: int
    persone: int | None  # None: suppressed
    liquidato: Decimal
    spesa_pro_capite: Decimal | None
    persone_per_mille: Decimal | None


@dataclass
class IndicatoriRegione:
    anno: int | None
    anni: list[int]
    soglia: int
    zone: list[IndicatoreZona]
    per_area: Tabella
    trend: Tabella
    etichette_zone: dict[int, str]


def soglia() -> int:
    return int(getattr(settings, "AMBITO_SMALL_CELL_THRESHOLD", 5))


def _conta_per_zona(zone: list[Zona], anno: int | None, dim: str) -> dict[tuple[Any, Any], int]:
    """Distinct people served per (zone, dim): a person is counted once per zone."""
    comune_zona = dict(Comune.objects.filter(zona__in=zone).values_list("pk", "zona_id"))
    celle: dict[tuple[Any, Any], int] = {}
    for z in zone:
        ids = [c for c, zid in comune_zona.items() if zid == z.pk]
        for r in serviti(ids, anno).values(dim).annotate(n=Count("persona_hash", distinct=True)):
            celle[(z.pk, r[dim])] = r["n"]
    return celle


def indicatori_regione(regione: Regione, anno: int | None) -> IndicatoriRegione:
    zone = list(regione.zone.order_by("code"))
    n = soglia()
    comuni = list(Comune.objects.filter(zona__in=zone).values("pk", "zona_id", "population"))
    ids = [c["pk"] for c in comuni]
    abitanti: dict[int, int] = defaultdict(int)
    for c in comuni:
        abitanti[c["zona_id"]] += c["population"] or 0
    spesa: dict[int, Decimal] = defaultdict(lambda: ZERO)
    comune_zona = {c["pk"]: c["zona_id"] for c in comuni}
    for r in liquidato(ids, anno).values("comune_id").annotate(t=Sum("importo")):
        spesa[comune_zona[r["comune_id"]]] += r["t"]
    persone: dict[int, int] = {}
    for z in zone:
        persone[z.pk] = serviti([c for c, zid in comune_zona.items() if zid == z.pk], anno) \
            .aggregate(n=Count("persona_hash", distinct=True))["n"]
    righe = []
    for z in zone:
        ab = abitanti[z.pk]
        p = persone[z.pk]
        nascosta = 0 < p < n
        righe.append(IndicatoreZona(
            zona=z, abitanti=ab, persone=None if nascosta else p, liquidato=spesa[z.pk],
            spesa_pro_capite=(spesa[z.pk] / ab).quantize(Decimal("0.01")) if ab else None,
            persone_per_mille=None if nascosta or not ab
            else (Decimal(p * 1000) / ab).quantize(Decimal("0.01")),
        ))
    aree = [a for a, _ in AreaTarget.choices]
    per_area = sopprimi([z.pk for z in zone], aree, _conta_per_zona(zone, anno, "area_target"), n)
    anni = sorted({a for a in FattoIntervento.objects.filter(comune_id__in=ids)
                   .values_list("anno", flat=True).distinct() if a is not None})
    trend = sopprimi([z.pk for z in zone], anni, _conta_per_zona(zone, None, "anno"), n)
    return IndicatoriRegione(
        anno=anno, anni=sorted(anni, reverse=True), soglia=n, zone=righe, per_area=per_area,
        trend=trend, etichette_zone={z.pk: f"{z.code} {z.name}" for z in zone},
    )


@dataclass
class ConfrontoComune:
    anno: int | None
    anni: list[int]
    comune: Riga
    media_zona: Riga
    per_area: list[tuple[str, int, Decimal]]  # area, comune's people, zone's average people
    # Of the comune's figures, the services the zone manages itself for its residents.
    gestione_associata: Riga | None = None


def confronto_comune(comune: Comune, anno: int | None) -> ConfrontoComune:
    """The comune's own figures beside the average comune of its zone."""
    zona_ids = list(Comune.objects.filter(zona_id=comune.zona_id).values_list("pk", flat=True))
    per_comune = {r.chiave: r for r in _righe(zona_ids, anno, "comune_id", {})}
    mio = per_comune.get(comune.pk, Riga(comune.pk, comune.name))
    k = len(zona_ids) or 1
    media = Riga(
        None, "media",
        persone=round(sum(r.persone for r in per_comune.values()) / k),
        interventi=round(sum(r.interventi for r in per_comune.values()) / k),
        liquidato=(sum((r.liquidato for r in per_comune.values()), ZERO) / k).quantize(
            Decimal("0.01")),
    )
    aree_mie = {r.chiave: r.persone for r in _righe([comune.pk], anno, "area_target", {})}
    # The average comune: each comune's own distinct count, summed, over the comuni.
    aree_zona: dict[str, int] = defaultdict(int)
    for r in serviti(zona_ids, anno).values("comune_id", "area_target").annotate(
            n=Count("persona_hash", distinct=True)):
        aree_zona[r["area_target"]] += r["n"]
    per_area = [
        (AREE.get(a, a), aree_mie.get(a, 0),
         (Decimal(aree_zona.get(a, 0)) / k).quantize(Decimal("0.1")))
        for a in sorted(set(aree_mie) | set(aree_zona), key=lambda a: AREE.get(a, a))
    ]
    zona_ente_id = Zona.objects.values_list("ente_id", flat=True).get(pk=comune.zona_id)
    return ConfrontoComune(anno=anno, anni=anni_disponibili(zona_ids), comune=mio,
                           media_zona=media, per_area=per_area,
                           gestione_associata=gestione_associata([comune.pk], anno, zona_ente_id))

