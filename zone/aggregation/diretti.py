"""The same headline figures straight from the schemas, with a plain loop: the check the
store must agree with (tests) and the baseline of bench/zona_report.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import CharField, Q, Sum, Value

from tenants.models import Comune, Ente, Zona

from .schemi import PAGAMENTO, SERVITI, ZERO, _codice, _residenza, in_comune, in_ente, persona_hash


@dataclass(frozen=True)
class TotaliComune:
    interventi: int
    persone: set[str]
    liquidato: Decimal
    per_codice: dict[str, Decimal]


def _totali_qui(anno: int | None) -> TotaliComune:
    from services.determine.models import RigaLiquidazione
    from services.interventi.models import Intervento, Pagamento

    interventi = Intervento.objects.filter(stato__in=SERVITI)
    if anno is not None:
        interventi = interventi.filter(
            Q(data_inizio__year=anno) | Q(data_inizio__isnull=True, proposto_il__year=anno))
    persone = {
        persona_hash(cf, fallback=str(pid))
        for cf, pid in interventi.values_list("persona__codice_fiscale", "persona__public_id").distinct()
    }
    righe = RigaLiquidazione.objects.filter(annullata=False).exclude(liquidazione__stato="annullata")
    per_codice: dict[str, Decimal] = {}
    importi = {r["oggetto_id"]: r["importo"] for r in righe.filter(oggetto_tipo=PAGAMENTO)
               .values("oggetto_id", "importo")}
    codici = {
        r["id"]: (_codice(r, "intervento__servizio__"), r["competenza"].year)
        for r in Pagamento.objects.filter(id__in=list(importi)).values(
            "id", "competenza", "intervento__servizio__codice_prestazione__codice",
            "intervento__servizio__voce_nomenclatore__codice")
    }
    for oggetto_id, importo in importi.items():
        codice, year = codici[oggetto_id]
        if anno is None or year == anno:
            per_codice[codice] = per_codice.get(codice, ZERO) + importo
    altre = righe.exclude(oggetto_tipo=PAGAMENTO)
    if anno is not None:
        altre = altre.filter(liquidazione__data__year=anno)
    for r in altre.values("liquidazione__determina__servizio__codice_prestazione__codice",
                          "liquidazione__determina__servizio__voce_nomenclatore__codice"
                          ).annotate(totale=Sum("importo")):
        codice = _codice(r, "liquidazione__determina__servizio__")
        per_codice[codice] = per_codice.get(codice, ZERO) + r["totale"]
    return TotaliComune(
        interventi=interventi.count(), persone=persone,
        liquidato=sum(per_codice.values(), ZERO), per_codice=per_codice,
    )


def totali_diretti(comuni: Iterable[Comune], *, anno: int | None = None) -> dict[int, TotaliComune]:
    """Headline figures per comune read straight from each schema, one after the other."""
    return {c.pk: in_comune(c, lambda: _totali_qui(anno)) for c in comuni}


def totali_gestione_associata(zona_ente: Ente, *, anno: int | None = None) -> TotaliComune:
    """The same figures for the services a zone manages itself, from the zone's schema."""
    return in_ente(zona_ente, lambda: _totali_qui(anno))


def attribuzione(comuni: Iterable[Comune], capofila_id: int | None) -> Callable[[str], int | None]:
    """Which comune a zone's own fact counts for: the comune of the person's residence when
    it is one of the zone's, the capofila otherwise (a person living outside the zone or
    with no residence recorded, and money not paid to a person, such as a provider's
    invoice or a determina)."""
    per_istat = {c.istat_code: c.pk for c in comuni}

    def comune_di(istat: str) -> int | None:
        return per_istat.get(istat or "", capofila_id)

    return comune_di


@dataclass
class ReportDiretto:
    """The zone's main report computed without the store: people (deduplicated across
    comuni by the keyed hash) and money paid, by service code, area, comune and month."""

    persone: set[str] = field(default_factory=set)
    liquidato: Decimal = ZERO
    persone_per: dict[tuple[str, Any], set[str]] = field(default_factory=dict)
    liquidato_per: dict[tuple[str, Any], Decimal] = field(default_factory=dict)

    def conta(self, dim: str, chiave: Any, h: str) -> None:
        self.persone_per.setdefault((dim, chiave), set()).add(h)

    def somma(self, dim: str, chiave: Any, importo: Decimal) -> None:
        self.liquidato_per[(dim, chiave)] = self.liquidato_per.get((dim, chiave), ZERO) + importo


def _report_qui(anno: int, residenza: bool = False) -> tuple[list[tuple[str, str, str, int, str]],
                                    list[tuple[str, str, int, Decimal, str]]]:
    """Inside one comune (or zone): (hash, code, area, month, residence) of people served,
    and (code, area, month, amount, residence) of money paid, for one year."""
    from services.determine.models import RigaLiquidazione
    from services.interventi.models import Intervento, Pagamento

    serviti = []
    interventi = (Intervento.objects.filter(stato__in=SERVITI)
                  .filter(Q(data_inizio__year=anno) | Q(data_inizio__isnull=True, proposto_il__year=anno)))
    pagamenti = Pagamento.objects.all()
    if residenza:
        interventi = interventi.annotate(residenza_istat=_residenza("persona_id"))
        pagamenti = pagamenti.annotate(residenza_istat=_residenza("intervento__persona_id"))
    else:
        interventi = interventi.annotate(residenza_istat=Value("", output_field=CharField()))
        pagamenti = pagamenti.annotate(residenza_istat=Value("", output_field=CharField()))
    for r in (interventi.values("persona__codice_fiscale", "persona__public_id", "area_target", "data_inizio",
                      "proposto_il", "servizio__codice_prestazione__codice",
                      "servizio__voce_nomenclatore__codice", "residenza_istat")
              .iterator(chunk_size=5000)):
        quando = r["data_inizio"] or r["proposto_il"]
        serviti.append((persona_hash(r["persona__codice_fiscale"], fallback=str(r["persona__public_id"])),
                        _codice(r, "servizio__"), r["area_target"], quando.month,
                        r["residenza_istat"] or ""))
    righe = RigaLiquidazione.objects.filter(annullata=False).exclude(liquidazione__stato="annullata")
    importi = dict(righe.filter(oggetto_tipo=PAGAMENTO).values_list("oggetto_id", "importo"))
    soldi: list[tuple[str, str, int, Decimal, str]] = []
    for p in (pagamenti.filter(id__in=list(importi), competenza__year=anno).values(
            "id", "competenza", "intervento__area_target",
            "intervento__servizio__codice_prestazione__codice",
            "intervento__servizio__voce_nomenclatore__codice", "residenza_istat")
              .iterator(chunk_size=5000)):
        soldi.append((_codice(p, "intervento__servizio__"), p["intervento__area_target"],
                      p["competenza"].month, importi[p["id"]], p["residenza_istat"] or ""))
    for a in righe.exclude(oggetto_tipo=PAGAMENTO).filter(liquidazione__data__year=anno).values(
            "importo", "liquidazione__data", "liquidazione__determina__servizio__area_target",
            "liquidazione__determina__servizio__codice_prestazione__codice",
            "liquidazione__determina__servizio__voce_nomenclatore__codice"):
        soldi.append((_codice(a, "liquidazione__determina__servizio__"),
                      a["liquidazione__determina__servizio__area_target"] or "",
                      a["liquidazione__data"].month, a["importo"], ""))
    return serviti, soldi


def report_diretto(comuni: Iterable[Comune], *, anno: int,
                   zona: Zona | None = None) -> ReportDiretto:
    """A plain loop over the comuni's schemas (and the zone's own, when ``zona`` is given):
    the baseline of bench/zona_report.py."""
    comuni = list(comuni)
    out = ReportDiretto()
    schemi: list[tuple[Ente, Callable[[str], int | None]]] = [
        (c.ente, attribuzione([], c.pk)) for c in comuni]
    if zona is not None:
        schemi.append((zona.ente, attribuzione(comuni, zona.capofila_id)))
    for ente, comune_di in schemi:
        serviti, soldi = in_ente(ente, partial(_report_qui, anno, ente.type == Ente.Type.ZONA))
        for h, codice, area, mese, residenza in serviti:
            out.persone.add(h)
            out.conta("codice", codice, h)
            out.conta("area", area, h)
            out.conta("comune", comune_di(residenza), h)
            out.conta("mese", mese, h)
        for codice, area, mese, importo, residenza in soldi:
            out.liquidato += importo
            out.somma("codice", codice, importo)
            out.somma("area", area, importo)
            out.somma("comune", comune_di(residenza), importo)
            out.somma("mese", mese, importo)
    return out
