"""The one DRF permission class: a view names its capability, the membership decides."""

from __future__ import annotations

from django.http import Http404
from rest_framework.permissions import BasePermission

from tenants.permissions import has_capability


class HasCapability(BasePermission):
    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.type == "public":
            return bool(request.user and request.user.is_authenticated)
        if getattr(request, "membership", None) is None:
            raise Http404
        capability = getattr(view, "required_capability", None)
        if capability is None:
            return False
        return has_capability(request, capability)
