"""Moving a case file from one comune's schema to another's.

Besides zone reporting, this is the only code that works in two comuni's schemas, and it
does so for exactly one case file: it reads the sender's case inside the sender's schema
into plain values (querysets evaluated before leaving it), then writes them in the
receiver's schema, in one transaction. Each app that keeps case data registers what it
hands over with ``register_part``; nothing else of the sender is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from services.anagrafica.models import CondizioneSociale, Persona
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella, MovimentoCartella
from services.cartella.services import cartella_apri, cartella_riapri
from services.core.errors import NotFound, ValidationFailed
from services.core.text import fold

Export = Callable[[Cartella], Any]
Import = Callable[[Cartella, Any, Actor, str], None]


@dataclass(frozen=True)
class Part:
    name: str
    export: Export
    load: Import


_parts: list[Part] = []


def register_part(name: str, export: Export, load: Import) -> None:
    _parts.append(Part(name, export, load))


def export_case(cartella_public_id: Any) -> dict[str, Any]:
    """Call inside the sender's schema. Returns plain data only."""
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
        "parts": {part.name: part.export(cartella) for part in _parts},
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


def _export_movimenti(cartella: Cartella) -> list[dict]:
    return list(cartella.movimenti.order_by("data", "id").values(
        "tipo", "data", "motivo", "operatore_label"))


def _load_movimenti(cartella: Cartella, rows: list[dict], actor: Actor, origine: str) -> None:
    MovimentoCartella.objects.bulk_create([
        MovimentoCartella(cartella=cartella, tipo=row["tipo"], data=row["data"],
                          motivo=f"[{origine}] {row['motivo']}".strip(),
                          operatore_label=f"{row['operatore_label']} ({origine})"[:254])
        for row in rows
    ])


def _export_condizioni(cartella: Cartella) -> list[dict]:
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
