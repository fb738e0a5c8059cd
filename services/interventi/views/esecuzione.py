"""Pages of an intervention under way and of its money: conclusion, cancellation, funding
from a determina, the payments it owes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from .. import forms as f
from .. import services as s
from ..models import Pagamento
from .interventi import _detail_context, _intervento, readers_only


def _azione(request: HttpRequest, public_id: UUID, form_class: type, fn: Callable[..., Any],
            ok: str, form_key: str) -> HttpResponse:
    intervento = _intervento(request, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            fn(actor=actor_of(request), intervento=intervento, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, ok)
            return redirect("intervento_detail", public_id=intervento.public_id)
    return render(request, "interventi/intervento_detail.html",
                  _detail_context(request, intervento, **{form_key: form}), status=400)


@require_POST
@readers_only
def intervento_concludi(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if not (has_capability(request, Capability.PROPOSE_INTERVENTO)
            or has_capability(request, Capability.DECIDE_INTERVENTO)):
        raise PermissionDenied
    return _azione(request, public_id, f.ConcludiForm, s.intervento_concludi,
                   _("Intervento concluso."), "concludi_form")


@require_POST
@readers_only
def intervento_annulla(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if not (has_capability(request, Capability.PROPOSE_INTERVENTO)
            or has_capability(request, Capability.DECIDE_INTERVENTO)):
        raise PermissionDenied
    return _azione(request, public_id, f.AnnullaForm, s.intervento_annulla,
                   _("Intervento annullato."), "annulla_form")


@require_POST
@capability_required(Capability.MANAGE_DETERMINE)
def intervento_determina(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _azione(request, public_id, f.AssegnaDeterminaForm, s.intervento_assegna_determina,
                   _("Determina aggiornata."), "determina_form")


@require_POST
@readers_only
def intervento_pagamenti_genera(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if not (has_capability(request, Capability.MANAGE_DETERMINE)
            or has_capability(request, Capability.DECIDE_INTERVENTO)):
        raise PermissionDenied
    intervento = _intervento(request, public_id)
    try:
        nuovi = s.pagamenti_genera(actor=actor_of(request), intervento=intervento)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Pagamenti generati: %(n)s.") % {"n": len(nuovi)})
    return redirect("intervento_detail", public_id=intervento.public_id)


@require_GET
@readers_only
def pagamenti_list(request: HttpRequest) -> HttpResponse:
    stato = request.GET.get("stato", Pagamento.Stato.DA_LIQUIDARE)
    qs = Pagamento.objects.select_related("intervento__persona", "intervento__servizio",
                                          "intervento__determina")
    if stato in Pagamento.Stato.values:
        qs = qs.filter(stato=stato)
    page = Paginator(qs.order_by("competenza", "id"), 50).get_page(request.GET.get("pagina"))
    return render(request, "interventi/pagamenti_list.html",
                  {"page": page, "stato": stato, "stati": Pagamento.Stato.choices,
                   "query": f"stato={stato}"})
