"""The comune's side of the zone's common list: see the entries and adopt one as the
comune's own service. Served by ``urls_comune.py`` once the comune urlconf includes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.core.errors import AmbitoError, NotFound
from services.core.web import actor_of
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import selectors
from .services import listino_adotta


@capability_required(Capability.MANAGE_SERVIZI)
def listino_comune(request: HttpRequest) -> HttpResponse:
    comune = request.tenant.comune  # type: ignore[attr-defined]
    return render(request, "catalogo/listino_comune.html",
                  {"comune": comune, "voci": selectors.listino_per_comune(comune)})


@capability_required(Capability.MANAGE_SERVIZI)
@require_POST
def listino_comune_adotta(request: HttpRequest, public_id: str) -> HttpResponse:
    comune = request.tenant.comune  # type: ignore[attr-defined]
    try:
        voce = selectors.get_voce_listino(comune.zona, public_id)
    except NotFound as exc:
        raise Http404 from exc
    try:
        listino_adotta(actor=actor_of(request), voce=voce, comune=comune,
                       nome=request.POST.get("nome", ""))
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("«%(nome)s» è ora tra i servizi del comune.") % {"nome": voce.nome})
    return redirect("listino_comune")
