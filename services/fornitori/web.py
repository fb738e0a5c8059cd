"""Request helpers shared by the pages of fornitori, domiciliare and ricoveri: the people a
user may see in the type lists (pages open to several capabilities use
``tenants.permissions.capability_any``)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from services.cartella.selectors import cartelle_visibili
from tenants.permissions import has_capability
from tenants.roles import Capability

LETTORI = (Capability.MANAGE_FORNITORI, Capability.PROPOSE_INTERVENTO)


def persone_visibili(request: HttpRequest, prefix: str = "intervento__") -> Q:
    """Who the user sees in the home-care and placement lists: everyone for the office that
    manages providers, the people of the case files they may read for social workers."""
    if has_capability(request, Capability.MANAGE_FORNITORI):
        return Q()
    persone = cartelle_visibili(request.user).values("persona_id")
    return Q(**{f"{prefix}persona_id__in": persone})
