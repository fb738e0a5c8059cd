"""Moving a case file from one comune's schema to another's.

Besides zone reporting, this is the only code that works in two comuni's schemas, and it
does so for exactly one case file: it reads the sender's case inside the sender's schema
into plain values (querysets evaluated before leaving it), then writes them in the
receiver's schema, in one transaction. Each app that keeps case data registers what it
hands over with ``register_part``; nothing else of the sender is read.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.models import CondizioneSociale, Persona
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import (
    Cartella,
    Documento,
    MovimentoCartella,
    Problematica,
    VoceDiario,
)
from services.cartella.services import cartella_apri, cartella_riapri
from services.core.errors import NotFound, ValidationFailed
from services.core.text import fold


@dataclass(frozen=True)
class Opzioni:
    """What the sender chose to hand over beyond what the receiver always needs."""

    includi_riservate: bool = False  # the diary's private notes


Export = Callable[[Cartella, Opzioni], Any]
Import = Callable[[Cartella, Any, Actor, str], None]


@dataclass(frozen=True)
class Part:
    name: str
    export: Export
    load: Import


_parts: list[Part] = []


def register_part(name: str, export: Export, load: Import) -> None:
    _parts.append(Part(name, export, load))


def export_case(cartella_public_id: Any, opzioni: Opzioni | None = None) -> dict[str, Any]:
    """Call inside the sender's schema. Returns plain data only (documents as bytes)."""
    opzioni = opzioni or Opzioni()
    cartella = Cartella.objects.select_related("persona").filter(
        public_id=cartella_public_id).first()
    if cartella is None:
        raise NotFound(_("La cartella da trasferire non esiste più nel comune di origine."))
    p = cartella.persona
    return {
        "persona": {
            "cognome": p.cognome, "nome": p.nome, "sesso": p.sesso,
            "data_nascita": p.data_nascita, "codice_fiscale": p.codice_fiscale,
            "luogo_nascita": p.luogo_nascita, "cittadinanza": p.cittadinanza,
            "telefono": p.telefono, "email": p.email,
        },
        "cartella": {"numero": cartella.numero, "area_target": cartella.area_target,
                     "data_apertura": cartella.data_apertura},
        "parts": {part.name: part.export(cartella, opzioni) for part in _parts},
    }


def _match_or_create_person(data: dict[str, Any], actor: Actor) -> Persona:
    if data["codice_fiscale"]:
        found = Persona.objects.filter(codice_fiscale=data["codice_fiscale"],
                                       unita_in__isnull=True).first()
        if found is not None:
            return found
    same = Persona.objects.filter(search_text=fold(f"{data['cognome']} {data['nome']}"),
                                  data_nascita=data["data_nascita"], codice_fiscale="",
                                  unita_in__isnull=True).first()
    if same is not None:
        return same
    return persona_create(actor=actor, conferma_omonimia=True, **data)


def import_case(payload: dict[str, Any], actor: Actor, origine: str, when: Any) -> Cartella:
    """Call inside the receiver's schema."""
    persona = _match_or_create_person(payload["persona"], actor)
    motivo = _("Ricevuta da %(origine)s (cartella n. %(n)s)") % {
        "origine": origine, "n": payload["cartella"]["numero"]}
    existing = Cartella.objects.filter(persona=persona).first()
    if existing is not None and existing.stato != Cartella.Stato.CHIUSA:
        raise ValidationFailed(
            _("%(who)s ha già una cartella aperta in questo comune (n. %(n)s): chiudila o "
              "respingi il trasferimento.") % {"who": persona.nome_completo, "n": existing.numero})
    if existing is not None:
        cartella = cartella_riapri(actor=actor, cartella=existing, data=when, motivo=motivo)
    else:
        cartella = cartella_apri(actor=actor, persona=persona,
                                 area_target=payload["cartella"]["area_target"], data=when,
                                 motivo=motivo)
    MovimentoCartella.objects.create(cartella=cartella, tipo=MovimentoCartella.Tipo.TRASFERIMENTO_INGRESSO,
                                     data=when, motivo=motivo,
                                     operatore_id=getattr(actor.user, "pk", None),
                                     operatore_label=str(actor.user))
    for part in _parts:
        if part.name in payload["parts"]:
            part.load(cartella, payload["parts"][part.name], actor, origine)
    return cartella


# --- what the core hands over: the case's history of movements and the social data ----------


def _export_movimenti(cartella: Cartella, opzioni: Opzioni) -> list[dict]:
    return list(cartella.movimenti.order_by("data", "id").values(
        "tipo", "data", "motivo", "operatore_label"))


def _load_movimenti(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    MovimentoCartella.objects.bulk_create([
        MovimentoCartella(cartella=cartella, tipo=row["tipo"], data=row["data"],
                          motivo=f"[{origine}] {row['motivo']}".strip(),
                          operatore_label=f"{row['operatore_label']} ({origine})"[:254])
        for row in rows
    ])


def _export_condizioni(cartella: Cartella, opzioni: Opzioni) -> list[dict]:
    return list(CondizioneSociale.objects.filter(persona=cartella.persona).values(
        "ambito", "valore", "rilevata_il", "fonte", "note"))


def _load_condizioni(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    have = set(CondizioneSociale.objects.filter(persona=cartella.persona).values_list(
        "ambito", "valore", "rilevata_il"))
    CondizioneSociale.objects.bulk_create([
        CondizioneSociale(persona=cartella.persona, ambito=r["ambito"], valore=r["valore"],
                          rilevata_il=r["rilevata_il"], fonte=r["fonte"],
                          note=(f"{r['note']} " if r["note"] else "") + f"[{origine}]")
        for r in rows if (r["ambito"], r["valore"], r["rilevata_il"]) not in have
    ])


register_part("movimenti", _export_movimenti, _load_movimenti)
register_part("condizioni", _export_condizioni, _load_condizioni)


# --- the case work itself: diary, problems, documents, the care plan -------------------------


def _export_diario(cartella: Cartella, opzioni: Opzioni) -> list[dict]:
    qs = VoceDiario.objects.filter(cartella=cartella)
    if not opzioni.includi_riservate:
        qs = qs.filter(riservata=False)
    return list(qs.order_by("data", "id").values("tipo", "data", "testo", "riservata",
                                                 "autore_label"))


def _load_diario(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    # Private notes stay private: the receiving social worker who accepted is their author
    # of record here (the original author is named in the label).
    VoceDiario.objects.bulk_create([
        VoceDiario(cartella=cartella, tipo=r["tipo"], data=r["data"], testo=r["testo"],
                   riservata=r["riservata"], autore_id=getattr(actor.user, "pk", 0) or 0,
                   autore_label=f"{r['autore_label']} ({origine})"[:254])
        for r in rows
    ])


def _export_problematiche(cartella: Cartella, opzioni: Opzioni) -> list[dict]:
    return list(Problematica.objects.filter(cartella=cartella).order_by("rilevata_il", "id")
                .values("categoria", "descrizione", "rilevata_il", "chiusa_il",
                        "registrata_da_label"))


def _load_problematiche(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    Problematica.objects.bulk_create([
        Problematica(cartella=cartella, categoria=r["categoria"], descrizione=r["descrizione"],
                     rilevata_il=r["rilevata_il"], chiusa_il=r["chiusa_il"],
                     registrata_da_label=f"{r['registrata_da_label']} ({origine})"[:254])
        for r in rows
    ])


def _export_documenti(cartella: Cartella, opzioni: Opzioni) -> list[dict]:
    from django.core.files.storage import default_storage

    rows = []
    for doc in Documento.objects.filter(cartella=cartella).order_by("data", "id"):
        if not default_storage.exists(doc.percorso):
            continue  # a file lost on the sender's side: its record alone is no use
        with default_storage.open(doc.percorso, "rb") as handle:
            contenuto = handle.read()
        if hashlib.sha256(contenuto).hexdigest() != doc.sha256:
            continue  # never hand over a file that is not the one recorded
        rows.append({"tipo": doc.tipo, "data": doc.data, "descrizione": doc.descrizione,
                     "numero_protocollo": doc.numero_protocollo,
                     "nome_originale": doc.nome_originale, "content_type": doc.content_type,
                     "sha256": doc.sha256, "caricato_da_label": doc.caricato_da_label,
                     "contenuto": contenuto})
    return rows


def _load_documenti(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection

    schema = connection.schema_name  # type: ignore[attr-defined]
    for r in rows:
        extension = r["nome_originale"].rsplit(".", 1)[-1].lower() if "." in r["nome_originale"] else "bin"
        percorso = f"{schema}/cartelle/{cartella.public_id}/{uuid.uuid4()}.{extension}"
        stored = default_storage.save(percorso, ContentFile(r["contenuto"]))
        _copiati.get().append(stored)
        Documento.objects.create(
            cartella=cartella, tipo=r["tipo"], data=r["data"], descrizione=r["descrizione"],
            numero_protocollo=r["numero_protocollo"], percorso=stored,
            nome_originale=r["nome_originale"], dimensione=len(r["contenuto"]),
            content_type=r["content_type"], sha256=r["sha256"],
            caricato_da_id=getattr(actor.user, "pk", 0) or 0,
            caricato_da_label=f"{r['caricato_da_label']} ({origine})"[:254])


_copiati: ContextVar[list[str]] = ContextVar("trasferimento_file_copiati")


@contextmanager
def file_copiati_annullabili() -> Iterator[None]:
    """Around an import: if it fails (and its transaction rolls back) the files copied into
    the receiver's storage are removed too, so nothing of a refused import stays."""
    from django.core.files.storage import default_storage

    token = _copiati.set([])
    try:
        yield
    except BaseException:
        for stored in _copiati.get():
            default_storage.delete(stored)
        raise
    finally:
        _copiati.reset(token)


def _export_pai(cartella: Cartella, opzioni: Opzioni) -> dict | None:
    """The plan in force (or the latest one), with its goals and planned interventions."""
    from django.apps import apps

    if not apps.is_installed("services.pai"):
        return None
    PAI = apps.get_model("pai", "PAI")  # noqa: N806
    pai = (PAI.objects.filter(cartella=cartella, stato="approvato").first()
           or PAI.objects.filter(cartella=cartella).order_by("-versione").first())
    if pai is None:
        return None
    return {
        "versione": pai.versione, "stato": pai.get_stato_display(),
        "data_inizio": pai.data_inizio, "data_fine_prevista": pai.data_fine_prevista,
        "sintesi_bisogno": pai.sintesi_bisogno,
        "obiettivi": list(pai.obiettivi.order_by("id").values("descrizione", "indicatore",
                                                               "esito")),
        "interventi": list(pai.interventi.order_by("id").values(
            "descrizione", "area", "frequenza", "dal", "al", "responsabile_label")),
    }


def _load_pai(cartella: Cartella, data: dict | None, actor: Actor, origine: str) -> None:
    """A draft plan in the receiving comune, to review and approve under its own rules."""
    if not data:
        return
    from django.apps import apps
    from django.db.models import Max

    PAI = apps.get_model("pai", "PAI")  # noqa: N806
    Obiettivo = apps.get_model("pai", "ObiettivoPAI")  # noqa: N806
    Pianificato = apps.get_model("pai", "InterventoPianificato")  # noqa: N806
    versione = (PAI.objects.filter(cartella=cartella).aggregate(m=Max("versione"))["m"] or 0) + 1
    pai = PAI.objects.create(
        cartella=cartella, versione=versione, stato="bozza", data_inizio=data["data_inizio"],
        data_fine_prevista=data["data_fine_prevista"],
        sintesi_bisogno=_("[PAI versione %(v)s di %(o)s, %(s)s] %(t)s") % {
            "v": data["versione"], "o": origine, "s": data["stato"].lower(),
            "t": data["sintesi_bisogno"]},
        creato_da_id=getattr(actor.user, "pk", 0) or 0, creato_da_label=str(actor.user)[:254])
    Obiettivo.objects.bulk_create([Obiettivo(pai=pai, **o) for o in data["obiettivi"]])
    Pianificato.objects.bulk_create([
        Pianificato(pai=pai, descrizione=i["descrizione"], area=i["area"],
                    frequenza=(f"{i['frequenza']}" if not i["responsabile_label"] else
                               f"{i['frequenza']} ({i['responsabile_label']}, {origine})")[:100],
                    dal=i["dal"], al=i["al"])
        for i in data["interventi"]
    ])


register_part("diario", _export_diario, _load_diario)
register_part("problematiche", _export_problematiche, _load_problematiche)
register_part("documenti", _export_documenti, _load_documenti)
register_part("pai", _export_pai, _load_pai)
