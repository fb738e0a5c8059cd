"""Programmed, committed, liquidated and available money of a plan, per line, per comune and
per source, read from the reporting store (``zone.statistiche.FattoSpesa``).

The rule for sources: a determina is linked to a plan line, not to a source. When a line is
funded by several sources, what is committed and liquidated on it is attributed to each
source in proportion to that source's share of the line's programmed amount; cents are
distributed by the largest remainder, so the sources' figures always add up exactly to the
line's. A line with no programmed amount attributes its spending to no source
(``NON_FINANZIATA``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from zone.statistiche.models import FattoSpesa

from .models import ZERO, FonteFinanziamento, Piano, VocePiano

CENT = Decimal("0.01")
NON_FINANZIATA = 0  # key of the spending of lines without programmed money
REGOLA_FONTI = _(
    "Le determine sono collegate a una voce del piano, non a una fonte. Quando una voce è "
    "finanziata da più fonti, l'impegnato e il liquidato della voce sono attribuiti a ciascuna "
    "fonte in proporzione alla sua quota del programmato della voce; i centesimi sono "
    "ripartiti in modo che la somma delle fonti sia esattamente la spesa della voce."
)


def ripartisci(totale: Decimal, pesi: dict[int, Decimal]) -> dict[int, Decimal]:
    """Split ``totale`` proportionally to ``pesi``, to the cent, summing exactly to it."""
    somma = sum(pesi.values(), ZERO)
    if not pesi or somma <= 0:
        return {NON_FINANZIATA: totale} if totale else {}
    esatti = {k: totale * p / somma for k, p in pesi.items()}
    quote = {k: v.quantize(CENT, rounding=ROUND_DOWN) for k, v in esatti.items()}
    resto = int((totale - sum(quote.values(), ZERO)) / CENT)
    for k in sorted(esatti, key=lambda k: (esatti[k] - quote[k], pesi[k]), reverse=True)[:resto]:
        quote[k] += CENT
    return quote


@dataclass
class Importi:
    programmato: Decimal = ZERO
    impegnato: Decimal = ZERO
    liquidato: Decimal = ZERO

    @property
    def disponibile(self) -> Decimal:
        return self.programmato - self.impegnato

    def __iadd__(self, other: Importi) -> Importi:
        self.programmato += other.programmato
        self.impegnato += other.impegnato
        self.liquidato += other.liquidato
        return self


@dataclass
class RigaVoce:
    voce: VocePiano
    totale: Importi = field(default_factory=Importi)
    per_fonte: dict[int, Importi] = field(default_factory=lambda: defaultdict(Importi))
    per_comune: dict[int, Importi] = field(default_factory=lambda: defaultdict(Importi))
    celle_fonti: list[Importi] = field(default_factory=list)
    celle_comuni: list[Importi] = field(default_factory=list)
    non_finanziata: Importi | None = None


@dataclass
class Prospetto:
    piano: Piano
    fonti: list[FonteFinanziamento]
    comuni: list
    righe: list[RigaVoce]
    totale: Importi = field(default_factory=Importi)
    per_fonte: dict[int, Importi] = field(default_factory=lambda: defaultdict(Importi))
    per_comune: dict[int, Importi] = field(default_factory=lambda: defaultdict(Importi))
    # comune id -> (contributo, assegnato) from the comuni shares
    quote_comuni: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    esercizio: int | None = None
    # Committed and liquidated by the zone's own determine (gestione associata): included in
    # the capofila's figures, which adopts them, and shown apart.
    gestione_associata: Importi = field(default_factory=Importi)

    def fonte(self, pk: int) -> FonteFinanziamento | None:
        return next((f for f in self.fonti if f.pk == pk), None)

    def per_tipo_fonte(self) -> dict[str, Importi]:
        out: dict[str, Importi] = defaultdict(Importi)
        for f in self.fonti:
            out[f.tipo] += self.per_fonte.get(f.pk, Importi())
        return out


def prospetto(piano: Piano, *, esercizio: int | None = None) -> Prospetto:
    """The whole money picture of a plan in five queries. ``esercizio`` restricts the
    spending to one financial year."""
    fonti = list(piano.fonti.all())
    comuni = list(piano.zona.comuni.order_by("name"))
    voci = list(piano.voci.select_related("codice_prestazione", "servizio")
                .prefetch_related("stanziamenti", "quote").order_by("codice"))
    fatti = FattoSpesa.objects.filter(voce_piano__in=[v.public_id for v in voci],
                                      comune__zona_id=piano.zona_id)
    if esercizio is not None:
        fatti = fatti.filter(esercizio=esercizio)
    spesa: dict = defaultdict(lambda: defaultdict(lambda: (ZERO, ZERO)))
    out = Prospetto(piano=piano, fonti=fonti, comuni=comuni, righe=[], esercizio=esercizio)
    zona_ente_id = piano.zona.ente_id
    for r in fatti.values("voce_piano", "comune_id", "gestore_id").annotate(
            imp=Sum("importo_impegnato"), liq=Sum("importo_liquidato")):
        imp, liq = r["imp"] or ZERO, r["liq"] or ZERO
        prima = spesa[r["voce_piano"]][r["comune_id"]]
        spesa[r["voce_piano"]][r["comune_id"]] = (prima[0] + imp, prima[1] + liq)
        if r["gestore_id"] == zona_ente_id:
            out.gestione_associata += Importi(impegnato=imp, liquidato=liq)

    quote: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for voce in voci:
        riga = RigaVoce(voce=voce)
        pesi = {s.fonte_id: s.importo for s in voce.stanziamenti.all()}
        for fonte_id, importo in pesi.items():
            riga.per_fonte[fonte_id].programmato = importo
            riga.totale.programmato += importo
        for comune_id, (imp, liq) in spesa.get(voce.public_id, {}).items():
            riga.per_comune[comune_id] += Importi(impegnato=imp, liquidato=liq)
            riga.totale.impegnato += imp
            riga.totale.liquidato += liq
        for fonte_id, quota in ripartisci(riga.totale.impegnato, pesi).items():
            riga.per_fonte[fonte_id].impegnato = quota
        for fonte_id, quota in ripartisci(riga.totale.liquidato, pesi).items():
            riga.per_fonte[fonte_id].liquidato = quota
        for q in voce.quote.all():
            quote[q.comune_id][0] += q.contributo
            quote[q.comune_id][1] += q.assegnato
            riga.per_comune[q.comune_id].programmato += q.assegnato
        out.righe.append(riga)
        out.totale += riga.totale
        for k, v in riga.per_fonte.items():
            out.per_fonte[k] += v
        for k, v in riga.per_comune.items():
            out.per_comune[k] += v
    out.quote_comuni = {k: (v[0], v[1]) for k, v in quote.items()}
    for riga in out.righe:
        riga.celle_fonti = [riga.per_fonte.get(f.pk, Importi()) for f in fonti]
        riga.celle_comuni = [riga.per_comune.get(c.pk, Importi()) for c in comuni]
        riga.non_finanziata = riga.per_fonte.get(NON_FINANZIATA)
    return out


@dataclass(frozen=True)
class SenzaFonte:
    """Stands for a source in tables: the spending of lines with no programmed money."""

    riferimento: str = ""

    @property
    def nome(self) -> str:
        return str(_("Voci senza finanziamento"))

    def get_tipo_display(self) -> str:
        return "—"


def righe_fonti(p: Prospetto) -> list[tuple[Any, Importi]]:
    """Per source; plus, when there is any, the spending of unfunded lines, so that the
    rows always add up to the plan's total."""
    out: list[tuple[Any, Importi]] = [(f, p.per_fonte.get(f.pk, Importi())) for f in p.fonti]
    if NON_FINANZIATA in p.per_fonte:
        out.append((SenzaFonte(), p.per_fonte[NON_FINANZIATA]))
    return out


def righe_comuni(p: Prospetto) -> list[tuple[Any, Decimal, Importi]]:
    """Per comune: what it contributes, and its assigned (programmato), committed and
    liquidated money."""
    return [(c, p.quote_comuni.get(c.pk, (ZERO, ZERO))[0], p.per_comune.get(c.pk, Importi()))
            for c in p.comuni]


def fondi_nazionali(p: Prospetto) -> list[tuple[str, Importi, list[tuple[str, Importi]]]]:
    """FNPS, FNA, Dopo di Noi (and Fondo povertà): programmed and spent per fund, and per
    target area within the fund."""
    from zone.catalogo.models import AreaTarget

    out = []
    tipi = [FonteFinanziamento.Tipo.FNPS, FonteFinanziamento.Tipo.POVERTA,
            FonteFinanziamento.Tipo.FNA, FonteFinanziamento.Tipo.DOPO_DI_NOI]
    for tipo in tipi:
        ids = {f.pk for f in p.fonti if f.tipo == tipo}
        if not ids:
            continue
        totale = Importi()
        aree: dict[str, Importi] = defaultdict(Importi)
        for riga in p.righe:
            for fid in ids:
                if fid in riga.per_fonte:
                    totale += riga.per_fonte[fid]
                    aree[riga.voce.area_target] += riga.per_fonte[fid]
        out.append((str(tipo.label), totale,
                    [(str(AreaTarget(a).label), v) for a, v in sorted(aree.items())]))
    return out


@dataclass
class RigaComune:
    """One line of the plan as one comune sees it."""

    voce: VocePiano
    contributo: Decimal
    importi: Importi  # programmato = what the comune is assigned on the line


@dataclass
class QuotaDelComune:
    piano: Piano
    comune: Any
    righe: list[RigaComune]
    contributo: Decimal
    totale: Importi
    #: the zone's own determine (gestione associata) are counted in the capofila's figures
    gestione_associata: Importi | None = None


def quota_del_comune(piano: Piano, comune: Any, *, esercizio: int | None = None) -> QuotaDelComune:
    """A comune's own share of its zone's plan (seed: "sia che si tratti di un comune
    capofila che no"): per line what it contributes and is assigned, what its determine
    committed and liquidated against the line, what remains. The same figures as the zone's
    prospetto, restricted to the comune: nothing of another comune is read out."""
    p = prospetto(piano, esercizio=esercizio)
    righe = []
    for riga in p.righe:
        contributo = sum((q.contributo for q in riga.voce.quote.all()
                          if q.comune_id == comune.pk), ZERO)
        importi = riga.per_comune.get(comune.pk, Importi())
        if contributo or importi.programmato or importi.impegnato or importi.liquidato:
            righe.append(RigaComune(voce=riga.voce, contributo=contributo, importi=importi))
    return QuotaDelComune(
        piano=piano, comune=comune, righe=righe,
        contributo=p.quote_comuni.get(comune.pk, (ZERO, ZERO))[0],
        totale=p.per_comune.get(comune.pk, Importi()),
        gestione_associata=(p.gestione_associata if type(piano.zona).objects.filter(
            pk=piano.zona_id, capofila=comune).exists() else None),
    )
