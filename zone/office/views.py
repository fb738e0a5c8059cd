from __future__ import annotations

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.permissions import capability_required
from tenants.roles import Capability


@capability_required(Capability.VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    comuni = zona.comuni.select_related("ente").prefetch_related("ente__domains").order_by("name")
    return render(
        request,
        "zone/office_home.html",
        {
            "zona": zona,
            "comuni": comuni,
            "population": comuni.aggregate(total=Sum("population"))["total"] or 0,
        },
    )
