"""Request helpers shared by the pages of fornitori, domiciliare and ricoveri: pages open to
any of several capabilities, and the people a user may see in the type lists."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from services.cartella.selectors import cartelle_visibili
from tenants.permissions import has_capability
from tenants.roles import Capability

View = Callable[..., HttpResponse]
LETTORI = (Capability.MANAGE_FORNITORI, Capability.PROPOSE_INTERVENTO)


def capability_any(*capabilities: str) -> Callable[[View], View]:
    """Like ``capability_required``, for pages open to any of several capabilities: 404 for
    non-members, 403 for members with none of them."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request, "membership", None) is None:
                raise Http404
            if not any(has_capability(request, c) for c in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = "|".join(str(c) for c in capabilities)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def persone_visibili(request: HttpRequest, prefix: str = "intervento__") -> Q:
    """Who the user sees in the home-care and placement lists: everyone for the office that
    manages providers, the people of the case files they may read for social workers."""
    if has_capability(request, Capability.MANAGE_FORNITORI):
        return Q()
    persone = cartelle_visibili(request.user).values("persona_id")
    return Q(**{f"{prefix}persona_id__in": persone})
