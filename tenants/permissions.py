"""Views declare the capability they need; this is the one place that enforces it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .roles import Capability, permission_name

View = Callable[..., HttpResponse]


def has_capability(request: HttpRequest, capability: str) -> bool:
    return request.user.is_authenticated and request.user.has_perm(permission_name(capability))


def capability_required(capability: Capability | str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request, "membership", None) is None:
                raise Http404
            if not has_capability(request, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = str(capability)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def capability_any(*capabilities: Capability | str) -> Callable[[View], View]:
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


def platform_admin_required(view: View) -> View:
    """Platform staff pages on the public host. Everyone else: 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.tenant, "type", None) != "public":  # type: ignore[attr-defined]
            raise Http404
        if not (request.user.is_authenticated and request.user.is_superuser):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.required_capability = "platform_admin"  # type: ignore[attr-defined]
    return wrapped
