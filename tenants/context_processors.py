from __future__ import annotations

from django.http import HttpRequest

from .menu import build_menu


def tenancy(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    tenant_type = getattr(tenant, "type", "public") or "public"
    context = {
        "tenant": tenant,
        "tenant_type": tenant_type,
        "membership": getattr(request, "membership", None),
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["menu"] = build_menu(request, tenant_type)
    return context
