"""What the reporting store (``zone.statistiche``) is refreshed from: the facts of one
schema changed since a watermark, and the keys of every source row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from tenants.models import Ente

from .schemi import (
    OVERLAP,
    PAGAMENTO,
    Row,
    _codice,
    _residenza,
    _trasferiti,
    fascia_eta,
    in_ente,
    persona_hash,
)

M = TypeVar("M", bound=Model)


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
            # An annulled determina commits only what it had liquidated (that stays paid
            # and counted); its uncommitted remainder is released from the plan's figures.
            "importo_impegnato": r["importo_liquidato"] if annullata else r["importo_impegnato"],
            "importo_liquidato": r["importo_liquidato"],
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
    # Looked up at call time, through the package, so a test can make one schema's
    # extraction fail by replacing ``aggregation.estrai_comune``.
    from zone import aggregation

    residenza = ente.type == Ente.Type.ZONA
    return in_ente(ente, lambda: aggregation.estrai_comune(since=since, residenza=residenza))
