from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.permissions import capability_required
from tenants.roles import Capability


@capability_required(Capability.VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    regione = request.tenant.regione  # type: ignore[attr-defined]
    zone = (
        regione.zone.select_related("capofila")
        .annotate(n_comuni=Count("comuni"), population=Sum("comuni__population"))
        .order_by("code")
    )
    return render(request, "zone/region_home.html", {"regione": regione, "zone": zone})
