"""Reads of the person registry."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from services.core.errors import NotFound
from services.core.text import fold

from .models import Indirizzo, MembroNucleo, Persona

CF_PART = re.compile(r"^[A-Z]{6}[0-9A-Z]{0,10}$")
DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def _can_consult(user: Any) -> bool:
    from tenants.roles import Capability, permission_name

    return bool(user.is_authenticated
                and user.has_perm(permission_name(Capability.VIEW_ANAGRAFICA)))


def get_persona_for_user(user: Any, public_id: object, *, ip_address: str | None = None,
                         log_read: bool = True, pagina: str = "") -> Persona:
    """A person of the registry for someone allowed to consult it, or 404 (missing or not
    allowed look the same; the refusal is audited by the middleware). Reads are written to
    the audit trail (``persona.letta``, with the page that showed the data: ``modifica``,
    ``unione``); ``log_read=False`` only for writes, which their service audits."""
    from services.core.letture import AccessoNegato, audit_read

    if not _can_consult(user):
        raise AccessoNegato("anagrafica.persona", public_id)
    try:
        persona = Persona.objects.filter(public_id=public_id).first()  # type: ignore[misc]
    except (ValueError, TypeError, ValidationError):
        persona = None
    if persona is None:
        raise AccessoNegato("anagrafica.persona", public_id)
    if log_read:
        audit_read(user=user, obj=persona, action="persona.letta", ip_address=ip_address,
                   payload={"pagina": pagina} if pagina else None)
    return persona


def persona_search_for_user(user: Any, query: str, *, ip_address: str | None,
                            limit: int = 50, contesto: str = "anagrafica") -> list[Persona]:
    """The registry search for someone allowed to consult it: one audit entry per search
    (``persona.ricerca``: what was searched, where, how many came back), none for an empty
    query, which lists nobody."""
    from services.core.letture import audit_list

    if not _can_consult(user):
        return []
    results = persona_search(query, limit=limit)
    if (query or "").strip():
        audit_list(user=user, action="persona.ricerca", ip_address=ip_address,
                   filtro={"q": query.strip(), "contesto": contesto}, righe=len(results))
    return results


def persone_recenti_for_user(user: Any, *, ip_address: str | None,
                             limit: int = 20) -> list[Persona]:
    """The registry's opening list (the persons changed last), audited like a search."""
    from services.core.letture import audit_list

    if not _can_consult(user):
        return []
    results = list(Persona.objects.filter(unita_in__isnull=True).order_by("-updated_at")[:limit])
    audit_list(user=user, action="persona.elenco", ip_address=ip_address,
               filtro={"contesto": "recenti"}, righe=len(results))
    return results


def get_persona(public_id: object) -> Persona:
    persona = Persona.objects.filter(public_id=public_id).first()  # type: ignore[misc]
    if persona is None:
        raise NotFound(_("Persona non trovata."))
    return persona


def persona_search(query: str, *, limit: int = 50) -> list[Persona]:
    """Search by name (tolerant of accents and typos), codice fiscale (or its start), birth
    date (gg/mm/aaaa) and address, in any combination: 'rossi mario 12/03/1950'."""
    text = (query or "").strip()
    if not text:
        return []
    qs: QuerySet[Persona] = Persona.objects.filter(unita_in__isnull=True)
    birth: date | None = None
    match = DATE.search(text)
    if match:
        try:
            birth = datetime(int(match[3]), int(match[2]), int(match[1])).date()
        except ValueError:
            birth = None
        text = (text[: match.start()] + text[match.end():]).strip()
    if birth:
        qs = qs.filter(data_nascita=birth)
    upper = text.replace(" ", "").upper()
    if upper and CF_PART.match(upper) and any(ch.isdigit() for ch in upper):
        return list(qs.filter(codice_fiscale__startswith=upper).order_by("cognome", "nome")[:limit])
    folded = fold(text)
    if not folded:
        return list(qs.order_by("cognome", "nome")[:limit])
    # Two index-backed lookups (names, then current addresses) rather than one OR, which
    # the planner cannot serve from the trigram indexes.
    by_name = list(
        qs.filter(search_text__trigram_word_similar=folded)
        .annotate(score=TrigramWordSimilarity(folded, "search_text"))
        .order_by("-score", "cognome", "nome")[:limit]
    )
    if len(by_name) >= limit:
        return by_name  # type: ignore[return-value]
    address_ids = (
        Indirizzo.objects.filter(al__isnull=True, search_text__trigram_word_similar=folded)
        .annotate(score=TrigramWordSimilarity(folded, "search_text"))
        .order_by("-score")
        .values_list("persona_id", flat=True)[: limit * 2]
    )
    seen = {p.pk for p in by_name}
    by_address = [p for p in qs.filter(pk__in=list(address_ids)).order_by("cognome", "nome")
                  if p.pk not in seen]
    return (by_name + by_address)[:limit]


def current_address(persona: Persona, tipo: str = Indirizzo.Tipo.RESIDENZA) -> Indirizzo | None:
    return Indirizzo.objects.filter(persona=persona, tipo=tipo, al__isnull=True).first()


def current_household(persona: Persona) -> list[MembroNucleo]:
    """Members of the person's current household, the person included."""
    own = MembroNucleo.objects.filter(persona=persona, al__isnull=True).first()
    if own is None:
        return []
    return list(
        MembroNucleo.objects.filter(nucleo_id=own.nucleo_id, al__isnull=True)
        .select_related("persona")
        .order_by("dal", "persona__data_nascita")
    )


def possible_duplicates(persona: Persona) -> list[Persona]:
    return list(
        Persona.objects.filter(search_text=persona.search_text,
                               data_nascita=persona.data_nascita, unita_in__isnull=True)
        .exclude(pk=persona.pk)[:10]
    )
