from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.core.models import AuditEntry
from tenants.models import Membership
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability, capabilities_for

from .queue import work_queue


@capability_required(Capability.VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    comune = request.tenant.comune  # type: ignore[attr-defined]
    membership = request.membership  # type: ignore[attr-defined]
    context = {
        "comune": comune,
        "zona": comune.zona,
        "work_queue": work_queue(request),
        "capabilities": sorted(
            Capability(c).label for c in capabilities_for(membership.role)
        ),
        "colleagues": Membership.objects.filter(ente=request.tenant, is_active=True)  # type: ignore[attr-defined]
        .select_related("user")
        .order_by("role", "user__last_name"),
    }
    if has_capability(request, Capability.VIEW_AUDIT):
        context["recent_audit"] = AuditEntry.objects.order_by("-at", "-id")[:10]
    return render(request, "services/home.html", context)
