from __future__ import annotations

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.home.queue import work_queue
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from .selectors import gestione_associata

# Who works on the services the zone manages itself sees what waits for them there.
_CASEWORK = (Capability.VIEW_CARTELLA, Capability.MANAGE_DOMANDE, Capability.PROPOSE_INTERVENTO,
             Capability.DECIDE_INTERVENTO, Capability.MANAGE_SERVIZI)


@capability_required(Capability.VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    comuni = zona.comuni.select_related("ente").prefetch_related("ente__domains").order_by("name")
    gestione, queue = None, None
    if any(has_capability(request, c) for c in _CASEWORK):
        gestione = gestione_associata()
        queue = work_queue(request)
    return render(
        request,
        "zone/office_home.html",
        {
            "zona": zona,
            "comuni": comuni,
            "population": comuni.aggregate(total=Sum("population"))["total"] or 0,
            "gestione": gestione,
            "work_queue": queue,
        },
    )
