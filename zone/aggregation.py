"""The one module that crosses schemas.

Everything the zone and the region know about the comuni comes through here: a function is
run inside one comune's schema (``tenant_context``), its querysets are evaluated there, and
only plain values leave it — de-identified facts (catalogue code, target area, period,
amounts, a keyed hash of the codice fiscale), never a name, a codice fiscale or free text.

The schemas read are the comuni's and the zones': a zone whose ufficio di piano manages
services itself (gestione associata) records them in its own schema with the same apps. Its
facts carry the ISTAT code of the person's current residence, so the store can count them
for the comune where the person lives.

Two kinds of reader live here:

* ``estrai_comune``: what the reporting store (``zone.statistiche``) is refreshed from,
  incrementally (source rows changed since a watermark) plus every source key, so the store
  can drop facts whose source row is gone;
* ``totali_diretti``: the same headline figures computed straight from each schema with a
  plain loop — the check the store must agree with (tests) and the baseline the benchmark
  compares the store against.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    Exists,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Comune, Ente, Zona

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Rows written by a transaction still open when a refresh starts carry an updated_at older
# than the watermark the refresh records; reading this much further back catches them (the
# upsert makes reading a row twice harmless).
OVERLAP = timedelta(minutes=10)
PAGAMENTO = "interventi.pagamento"
ZERO = Decimal("0.00")
# An intervention counts as a person served once it is decided in favour.
SERVITI = ("approvato", "in_corso", "concluso")

Row = dict[str, Any]


def in_ente(ente: Ente, fn: Callable[[], T]) -> T:
    """Run ``fn`` in the ente's schema. ``fn`` must return plain values (evaluated lists,
    dicts, numbers): a lazy queryset would be evaluated later in another schema."""
    with tenant_context(ente):
        return fn()


def in_comune(comune: Comune, fn: Callable[[], T]) -> T:
    return in_ente(comune.ente, fn)


def _trasferiti(since: datetime | None, persona_path: str) -> Q:
    """Rows whose person's residence changed since ``since``: for a zone's facts the comune
    they count for follows the person (a new address does not touch the person's row)."""
    from services.anagrafica.models import Indirizzo

    if since is None:
        return Q()
    return Q(Exists(Indirizzo.objects.filter(persona_id=OuterRef(persona_path),
                                             updated_at__gt=since - OVERLAP)))


def _residenza(persona_path: str) -> Subquery:
    """The ISTAT code of the comune of the person's current residence (a code of a comune,
    not of a person: it only tells the store which comune a zone's fact counts for)."""
    from services.anagrafica.models import Indirizzo

    return Subquery(Indirizzo.objects.filter(
        persona_id=OuterRef(persona_path), tipo=Indirizzo.Tipo.RESIDENZA, al__isnull=True,
    ).values("comune_istat")[:1])


def persona_hash(codice_fiscale: str, *, fallback: str = "") -> str:
    """HMAC-SHA256 of the codice fiscale with the platform's reporting key: the same person
    gets the same hash in every comune, and without the key nobody can go back to the CF.
    A person without a codice fiscale is hashed from ``fallback`` (their id in their own
    schema): counted once in that comune, never matched across comuni."""
    cf = (codice_fiscale or "").strip().upper()
    material = f"cf:{cf}" if cf else f"id:{fallback}"
    key = settings.AMBITO_REPORTING_KEY.encode()
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


def fascia_eta(nascita: date | None, alla_data: date | None) -> str:
    if nascita is None or alla_data is None:
        return ""
    anni = alla_data.year - nascita.year - ((alla_data.month, alla_data.day) < (nascita.month, nascita.day))
    if anni < 18:
        return "0-17"
    return "18-64" if anni < 65 else "65+"


@dataclass
class Estrazione:
    """What one comune hands over: facts changed since the watermark, and the keys of every
    source row that still exists (for the reconcile of deletions)."""

    watermark: datetime
    interventi: list[Row] = field(default_factory=list)
    liquidazioni: list[Row] = field(default_factory=list)
    domande: list[Row] = field(default_factory=list)
    spese: list[Row] = field(default_factory=list)
    chiavi: dict[str, set[UUID]] = field(default_factory=dict)

    @property
    def righe(self) -> int:
        return len(self.interventi) + len(self.liquidazioni) + len(self.domande) + len(self.spese)


def _codice(row: Mapping[str, Any], prefix: str) -> str:
    return row[f"{prefix}codice_prestazione__codice"] or row[f"{prefix}voce_nomenclatore__codice"] or ""


def _changed(since: datetime | None, *paths: str) -> Q:
    if since is None:
        return Q()
    after = since - OVERLAP
    q = Q()
    for path in paths:
        q |= Q(**{f"{path}updated_at__gt": after})
    return q


def _di_persone(qs: QuerySet[M], since: datetime | None, residenza: bool) -> QuerySet[M]:
    """Rows about a person (an intervention, an application) changed since ``since``: the
    row, its person or its service; for a zone's own rows also a move of the person, and
    the ISTAT code of where the person lives now."""
    changed = _changed(since, "", "persona__", "servizio__")
    if residenza and since is not None:
        changed |= _trasferiti(since, "persona_id")
    qs = qs.filter(changed)
    return qs.annotate(residenza_istat=_residenza("persona_id")) if residenza else qs


def _interventi(since: datetime | None, residenza: bool = False) -> list[Row]:
    from services.interventi.models import Intervento

    rows = _di_persone(Intervento.objects.all(), since, residenza).values(
        "public_id", "stato", "tipo", "area_target", "data_inizio", "data_fine", "proposto_il",
        "importo_totale", "persona__public_id", "persona__codice_fiscale", "persona__sesso",
        "persona__data_nascita", "servizio__codice_prestazione__codice",
        "servizio__voce_nomenclatore__codice", *(["residenza_istat"] if residenza else []),
    )
    out = []
    for r in rows.iterator(chunk_size=5000):
        periodo = r["data_inizio"] or r["proposto_il"]
        out.append({
            "origine_id": r["public_id"],
            "codice_prestazione": _codice(r, "servizio__"),
            "area_target": r["area_target"] or "",
            "anno": periodo.year if periodo else None,
            "mese": periodo.month if periodo else None,
            "persona_hash": persona_hash(r["persona__codice_fiscale"],
                                         fallback=str(r["persona__public_id"])),
            "stato": r["stato"],
            "tipo": r["tipo"] or "",
            "data_inizio": r["data_inizio"],
            "data_fine": r["data_fine"],
            "importo_totale": r["importo_totale"],
            "sesso": r["persona__sesso"] if r["persona__sesso"] in ("M", "F") else "",
            "fascia_eta": fascia_eta(r["persona__data_nascita"], periodo),
            "residenza_istat": r.get("residenza_istat") or "",
        })
    return out


def _liquidazioni(since: datetime | None, residenza: bool = False) -> list[Row]:
    """Lines of atti di liquidazione. A payment to a person takes its service and month
    from the intervention; any other liquidated object (an invoice...) from the determina
    and the date of the atto."""
    from services.anagrafica.models import Persona
    from services.determine.models import RigaLiquidazione
    from services.interventi.models import Pagamento

    changed = _changed(since, "", "liquidazione__")
    if residenza and since is not None:
        changed |= _trasferiti(since, "persona_id")
    righe = list(RigaLiquidazione.objects.filter(changed).values(
        "public_id", "oggetto_tipo", "oggetto_id", "persona_id", "importo", "annullata",
        "liquidazione__data", "liquidazione__stato",
        "liquidazione__determina__servizio__codice_prestazione__codice",
        "liquidazione__determina__servizio__voce_nomenclatore__codice",
        "liquidazione__determina__servizio__area_target",
    ))
    pagamenti = {
        p["id"]: p for p in Pagamento.objects.filter(
            id__in=[r["oggetto_id"] for r in righe if r["oggetto_tipo"] == PAGAMENTO]
        ).values("id", "competenza", "intervento__area_target",
                 "intervento__servizio__codice_prestazione__codice",
                 "intervento__servizio__voce_nomenclatore__codice",
                 "intervento__persona_id")
    }
    persone_ids = {r["persona_id"] for r in righe if r["persona_id"]}
    persone_ids |= {p["intervento__persona_id"] for p in pagamenti.values()}
    persone_qs = Persona.objects.filter(id__in=persone_ids)
    if residenza:
        persone_qs = persone_qs.annotate(residenza_istat=_residenza("id"))
    persone = {p["id"]: p for p in persone_qs.values(
        "id", "public_id", "codice_fiscale", *(["residenza_istat"] if residenza else []))}
    out = []
    for r in righe:
        pagamento = pagamenti.get(r["oggetto_id"]) if r["oggetto_tipo"] == PAGAMENTO else None
        if pagamento is not None:
            quando = pagamento["competenza"]
            codice = _codice(pagamento, "intervento__servizio__")
            area = pagamento["intervento__area_target"]
            persona = persone.get(r["persona_id"] or pagamento["intervento__persona_id"] or 0)
        else:
            quando = r["liquidazione__data"]
            codice = _codice(r, "liquidazione__determina__servizio__")
            area = r["liquidazione__determina__servizio__area_target"]
            persona = persone.get(r["persona_id"] or 0)
        out.append({
            "origine_id": r["public_id"],
            "codice_prestazione": codice,
            "area_target": area or "",
            "anno": quando.year,
            "mese": quando.month,
            "persona_hash": persona_hash(persona["codice_fiscale"], fallback=str(persona["public_id"]))
            if persona else "",
            "importo": r["importo"],
            "annullata": bool(r["annullata"] or r["liquidazione__stato"] == "annullata"),
            "residenza_istat": (persona or {}).get("residenza_istat") or "",
        })
    return out


def _domande(since: datetime | None, residenza: bool = False) -> list[Row]:
    from services.domande.models import Domanda

    rows = _di_persone(Domanda.objects.all(), since, residenza).values(
        "public_id", "stato", "data_protocollo", "esito_il", "persona__public_id",
        "persona__codice_fiscale", "servizio__area_target",
        "servizio__codice_prestazione__codice", "servizio__voce_nomenclatore__codice",
        *(["residenza_istat"] if residenza else []),
    )
    return [{
        "origine_id": r["public_id"],
        "codice_prestazione": _codice(r, "servizio__"),
        "area_target": r["servizio__area_target"] or "",
        "anno": r["data_protocollo"].year,
        "mese": r["data_protocollo"].month,
        "persona_hash": persona_hash(r["persona__codice_fiscale"],
                                     fallback=str(r["persona__public_id"])),
        "stato": r["stato"],
        "data_protocollo": r["data_protocollo"],
        "esito_il": r["esito_il"],
        "residenza_istat": r.get("residenza_istat") or "",
    } for r in rows]


def _spese(since: datetime | None) -> list[Row]:
    from services.determine.models import Determina

    rows = Determina.objects.filter(_changed(since, "", "servizio__")).values(
        "public_id", "esercizio", "voce_piano", "stato", "importo_impegnato", "importo_liquidato",
        "servizio__area_target", "servizio__codice_prestazione__codice",
        "servizio__voce_nomenclatore__codice",
    )
    out = []
    for r in rows:
        annullata = r["stato"] == "annullata"
        out.append({
            "origine_id": r["public_id"],
            "esercizio": r["esercizio"],
            "voce_piano": r["voce_piano"],
            "codice_prestazione": _codice(r, "servizio__"),
            "area_target": r["servizio__area_target"] or "",
            # A cancelled determina commits nothing: its fact stays, at zero.
            "importo_impegnato": ZERO if annullata else r["importo_impegnato"],
            "importo_liquidato": ZERO if annullata else r["importo_liquidato"],
            "residenza_istat": "",
        })
    return out


def _chiavi() -> dict[str, set[UUID]]:
    from services.determine.models import Determina, RigaLiquidazione
    from services.domande.models import Domanda
    from services.interventi.models import Intervento

    return {
        "interventi": set(Intervento.objects.values_list("public_id", flat=True)),
        "liquidazioni": set(RigaLiquidazione.objects.values_list("public_id", flat=True)),
        "domande": set(Domanda.objects.values_list("public_id", flat=True)),
        "spese": set(Determina.objects.values_list("public_id", flat=True)),
    }


def estrai_comune(*, since: datetime | None, residenza: bool = False) -> Estrazione:
    """Inside a comune's (or a zone's) schema: the facts changed since ``since`` (all of
    them if None) and the keys of every source row. ``residenza`` adds to each fact the
    ISTAT code of the person's current residence (for a zone's own services)."""
    if getattr(connection, "schema_name", "public") == "public":
        raise RuntimeError("estrai_comune runs inside a comune's schema")
    estrazione = Estrazione(watermark=timezone.now())
    estrazione.interventi = _interventi(since, residenza)
    estrazione.liquidazioni = _liquidazioni(since, residenza)
    estrazione.domande = _domande(since, residenza)
    estrazione.spese = _spese(since)
    estrazione.chiavi = _chiavi()
    return estrazione


def ente_extract(ente: Ente, *, since: datetime | None) -> Estrazione:
    # Looked up at call time so a test can make one schema's extraction fail.
    residenza = ente.type == Ente.Type.ZONA
    return in_ente(ente, lambda: estrai_comune(since=since, residenza=residenza))


# --- the same figures straight from the schemas (baseline and cross-check) -----------------

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
