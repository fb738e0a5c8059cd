"""Reads of the reporting store: the zone's, the region's and a comune's figures.

People are counted through ``persona_hash`` (distinct), so a person helped by two comuni of
the zone counts once in the zone's total. Spending is what atti di liquidazione paid
(``FattoLiquidazione``, cancelled lines excluded), in the month it refers to.

Every count of people these reads return is already suppressed (``suppression``, threshold
``AMBITO_SMALL_CELL_THRESHOLD``): a line whose people are fewer than the threshold — or whose
money went to fewer people than that — shows neither its people nor its interventions nor
its money, and further lines are hidden until none can be worked out by subtracting the shown
ones from the total. Totals stay exact. The pages and the exports only render what comes
back: there is no unsuppressed path to them.
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
from .suppression import LINEA, TOTALE, Tabella, sopprimi, sopprimi_elenco

ZERO = Decimal("0.00")
CACHE_TTL = 60 * 60 * 24
# Part of every cache key: bump it when the shape of what is cached changes, so a deploy
# does not serve figures computed by the previous code until the next refresh.
CACHE_SHAPE = 3
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
    # The threshold is part of the key: what is hidden depends on it.
    return cast(T, cache.get_or_set(f"statistiche:{CACHE_SHAPE}:{soglia()}:{chiave}:{versione}",
                                    calcola, timeout=CACHE_TTL))


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
    # None once suppressed (``soppressa`` says why): the three go together.
    persone: int | None = 0
    interventi: int | None = 0
    liquidato: Decimal | None = ZERO
    extra: dict[str, Any] = field(default_factory=dict)
    # Distinct people the money went to (payments to a person; invoices name nobody): an
    # amount paid to one person tells what that person received. Never published.
    pagati: int = 0
    soppressa: str = ""  # "", "primaria" (a small count), "secondaria" (against differences)

    @property
    def cella_persone(self) -> dict[str, object]:
        return cella(self.persone, self.soppressa == "primaria")


# The published figures of a people count that is hidden: ``_cella.html`` renders them.
def cella(valore: object, primaria: bool = False) -> dict[str, object]:
    return {"valore": valore, "primaria": primaria}


def _nascondi(riga: Riga, come: str) -> None:
    riga.persone = riga.interventi = None
    riga.liquidato = None
    riga.soppressa = come


def sopprimi_righe(righe: list[Riga], n: int) -> list[Riga]:
    """Suppress a list of rows published beside its total: a row with fewer than ``n``
    people, or whose money went to fewer than ``n`` people, hides its people, interventions
    and money; more rows are hidden until no hidden one is the total minus the shown ones.
    The same rows hide all three figures, so no column gives away what another hides."""
    t = sopprimi_elenco({r.chiave: r.persone or 0 for r in righe}, n,
                        anche=[r.chiave for r in righe if 0 < r.pagati < n])
    for r in righe:
        if (LINEA, r.chiave) in t.primarie:
            _nascondi(r, "primaria")
        elif (LINEA, r.chiave) in t.secondarie:
            _nascondi(r, "secondaria")
        r.pagati = 0
    return righe


def _sopprimi_riga(riga: Riga, n: int) -> Riga:
    """A single figure published on its own (the zone's own share): primary suppression."""
    if 0 < (riga.persone or 0) < n or 0 < riga.pagati < n:
        _nascondi(riga, "primaria")
    riga.pagati = 0
    return riga


_PAGATI = Count("persona_hash", distinct=True, filter=~Q(persona_hash=""))


def _righe(comuni: list[int], anno: int | None, dim: str, etichette: dict[Any, str],
           tutte: Iterable[Any] = ()) -> list[Riga]:
    """People served (distinct), interventions and money paid by one dimension; ``tutte``:
    the values that get a row even without data (the months, the comuni, the areas)."""
    out: dict[Any, Riga] = {k: Riga(k, etichette.get(k, str(k or "—"))) for k in tutte}
    for r in (serviti(comuni, anno).values(dim)
              .annotate(persone=Count("persona_hash", distinct=True), interventi=Count("id"))):
        riga = out.setdefault(r[dim], Riga(r[dim], etichette.get(r[dim], str(r[dim] or "—"))))
        riga.persone, riga.interventi = r["persone"], r["interventi"]
    for r in liquidato(comuni, anno).values(dim).annotate(totale=Sum("importo"), pagati=_PAGATI):
        riga = out.setdefault(r[dim], Riga(r[dim], etichette.get(r[dim], str(r[dim] or "—"))))
        riga.liquidato, riga.pagati = r["totale"], r["pagati"]
    return sorted(out.values(), key=lambda r: (r.etichetta or "", str(r.chiave)))


def gestione_associata(comuni: Iterable[int], anno: int | None, zona_ente_id: int) -> Riga:
    """What the zone did itself (its own schema) among the given comuni's figures."""
    ids = list(comuni)
    base = serviti(ids, anno).filter(gestore_id=zona_ente_id).aggregate(
        persone=Count("persona_hash", distinct=True), interventi=Count("id"))
    soldi = liquidato(ids, anno).filter(gestore_id=zona_ente_id).aggregate(
        t=Sum("importo"), pagati=_PAGATI)
    return _sopprimi_riga(Riga("gestione_associata", _("Ufficio di piano (gestione associata)"),
                               persone=base["persone"], interventi=base["interventi"],
                               liquidato=soldi["t"] or ZERO, pagati=soldi["pagati"]), soglia())


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
    soglia: int = 5


def _nomi_codici(codici: Iterable[str]) -> dict[str, str]:
    from zone.catalogo.models import CodicePrestazione, VoceNomenclatore

    codici = [c for c in codici if c]
    nomi = dict(VoceNomenclatore.objects.filter(codice__in=codici).values_list("codice", "nome"))
    nomi.update(CodicePrestazione.objects.filter(codice__in=codici).values_list("codice", "nome"))
    return {c: f"{c} {nomi.get(c, '')}".strip() for c in codici} | {"": _("Non classificato")}


def report_zona(zona: Zona, anno: int | None) -> ReportZona:
    """The zone's figures, suppressed (see the module's docstring): each list is a line
    published with the zone's total."""
    n = soglia()
    comuni = {c.pk: c.name for c in zona.comuni.all()}
    ids = list(comuni)
    base = serviti(ids, anno).aggregate(persone=Count("persona_hash", distinct=True),
                                        interventi=Count("id"))
    per_codice = _righe(ids, anno, "codice_prestazione", {})
    nomi = _nomi_codici(r.chiave for r in per_codice)
    for r in per_codice:
        r.etichetta = nomi.get(r.chiave, r.chiave)
    mesi = {m: str(nome).capitalize() for m, nome in MONTHS.items()}
    per_mese = _righe(ids, anno, "mese", mesi, tutte=mesi) if anno else []
    return ReportZona(
        anno=anno,
        anni=anni_disponibili(ids),
        persone=base["persone"],
        interventi=base["interventi"],
        liquidato=liquidato(ids, anno).aggregate(t=Sum("importo"))["t"] or ZERO,
        per_codice=sopprimi_righe(per_codice, n),
        per_area=sopprimi_righe(_righe(ids, anno, "area_target", AREE, tutte=AREE), n),
        per_comune=sopprimi_righe(_righe(ids, anno, "comune_id", comuni, tutte=comuni), n),
        per_mese=sopprimi_righe(sorted(per_mese, key=lambda r: r.chiave or 0), n),
        gestione_associata=gestione_associata(ids, anno, zona.ente_id),
        soglia=n,
    )


@dataclass
class Multicomune:
    persone: int
    coppie: list[tuple[str, str, dict[str, object]]]  # the count as a ``cella``
    per_codice: list[tuple[str, dict[str, object]]]
    soglia: int = 5


def _celle_elenco(conti: dict[Any, int], n: int) -> dict[Any, dict[str, object]]:
    """A list of people counts published beside its total, suppressed, as ``cella``s."""
    t = sopprimi_elenco(conti, n)
    return {k: cella(t.mostra(LINEA, k), (LINEA, k) in t.primarie) for k in conti}


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
    n = soglia()
    # Sorted by name, not by count: an order by size would rank the hidden cells.
    celle_coppie = _celle_elenco(dict(coppie), n)
    per_codice = {nomi.get(c, c): len(h) for c, h in codici.items()}
    celle_codici = _celle_elenco(per_codice, n)
    return Multicomune(
        persone=len(per_persona),
        coppie=[(a, b, celle_coppie[(a, b)]) for a, b in sorted(coppie)],
        per_codice=[(c, celle_codici[c]) for c in sorted(per_codice)],
        soglia=n,
    )


@dataclass
class Attesa:
    comune: str
    codice: str
    # None when suppressed: a waiting application is a person waiting.
    domande: int | None
    giorni_medi: int | None
    giorni_max: int | None
    oltre_30: int | None
    soppressa: str = ""


def liste_attesa(zona: Zona, oggi: date) -> list[Attesa]:
    comuni = {c.pk: c.name for c in zona.comuni.all()}
    gruppi: dict[tuple[int, str], list[int]] = defaultdict(list)
    for comune_id, codice, quando in FattoDomanda.objects.filter(
            comune_id__in=list(comuni), stato__in=FattoDomanda.IN_ATTESA
    ).values_list("comune_id", "codice_prestazione", "data_protocollo"):
        gruppi[(comune_id, codice)].append(max((oggi - quando).days, 0))
    nomi = _nomi_codici(codice for _comune, codice in gruppi)
    t = sopprimi_elenco({k: len(eta) for k, eta in gruppi.items()}, soglia())
    out = []
    for (comune_id, codice), eta in gruppi.items():
        riga = Attesa(comune=comuni[comune_id], codice=nomi.get(codice, codice),
                      domande=len(eta), giorni_medi=round(sum(eta) / len(eta)),
                      giorni_max=max(eta), oltre_30=sum(1 for e in eta if e > 30))
        chiave = (LINEA, (comune_id, codice))
        if chiave in t.nascoste:
            # The days of one application are that person's wait: hidden with the count.
            riga.domande = riga.giorni_medi = riga.giorni_max = riga.oltre_30 = None
            riga.soppressa = "primaria" if chiave in t.primarie else "secondaria"
        out.append(riga)
    return sorted(out, key=lambda a: (a.comune, a.codice))


def domande_in_attesa(zona: Zona) -> int:
    """The total of the waiting lists (exact: it is published beside the suppressed rows)."""
    return FattoDomanda.objects.filter(comune__zona=zona, stato__in=FattoDomanda.IN_ATTESA).count()


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
    # area, the comune's people and the zone's average people, each a ``cella`` (suppressed)
    per_area: list[tuple[str, dict[str, object], dict[str, object]]]
    # Of the comune's figures, the services the zone manages itself for its residents.
    gestione_associata: Riga | None = None
    soglia: int = 5


def confronto_comune(comune: Comune, anno: int | None) -> ConfrontoComune:
    """The comune's own figures beside the average comune of its zone. The average is the
    zone's sum over its comuni: a published total, so the comune's figures are hidden as
    on the zone's page (the same line, the same decisions), and the areas' as in a table of
    comuni by area (the region's rule) — a small figure of another comune cannot be worked
    out from the average and the comune's own."""
    n = soglia()
    zona_ids = list(Comune.objects.filter(zona_id=comune.zona_id).values_list("pk", flat=True))
    righe = _righe(zona_ids, anno, "comune_id", {}, tutte=zona_ids)
    k = len(zona_ids) or 1
    media = Riga(
        None, "media",
        persone=round(sum(r.persone or 0 for r in righe) / k),
        interventi=round(sum(r.interventi or 0 for r in righe) / k),
        liquidato=(sum((r.liquidato or ZERO for r in righe), ZERO) / k).quantize(
            Decimal("0.01")),
    )
    per_comune = {r.chiave: r for r in sopprimi_righe(righe, n)}
    mio = per_comune.get(comune.pk, Riga(comune.pk, comune.name))
    # The average comune: each comune's own distinct count, summed, over the comuni.
    conti: dict[tuple[Any, Any], int] = {}
    for r in serviti(zona_ids, anno).values("comune_id", "area_target").annotate(
            n=Count("persona_hash", distinct=True)):
        conti[(r["comune_id"], r["area_target"])] = r["n"]
    aree = sorted({a for _c, a in conti}, key=lambda a: AREE.get(a, a))
    t = sopprimi(zona_ids, aree, conti, n)
    per_area = []
    for a in aree:
        totale = t.mostra(TOTALE, a)
        per_area.append((
            AREE.get(a, a),
            cella(t.mostra(comune.pk, a), (comune.pk, a) in t.primarie),
            cella(None if totale is None else (Decimal(totale) / k).quantize(Decimal("0.1")),
                  (TOTALE, a) in t.primarie),
        ))
    zona_ente_id = Zona.objects.values_list("ente_id", flat=True).get(pk=comune.zona_id)
    return ConfrontoComune(anno=anno, anni=anni_disponibili(zona_ids), comune=mio,
                           media_zona=media, per_area=per_area,
                           gestione_associata=gestione_associata([comune.pk], anno, zona_ente_id),
                           soglia=n)

