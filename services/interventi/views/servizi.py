"""Pages of the comune's services: the list, the form, the detail."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required
from tenants.roles import Capability

from .. import forms as f
from .. import services as s
from ..models import Servizio
from ..selectors import get_servizio


@require_GET
@capability_required(Capability.MANAGE_SERVIZI)
def servizi_list(request: HttpRequest) -> HttpResponse:
    servizi = Servizio.objects.select_related("codice_prestazione", "voce_nomenclatore").order_by(
        "-attivo", "nome")
    return render(request, "interventi/servizi_list.html", {"servizi": servizi})


def _servizio_data(form: f.ServizioForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["unita_tariffa"] = data.get("unita_tariffa") or ""
    if data.get("soglia_conferma") is None:  # left empty: the service keeps its ceiling
        data.pop("soglia_conferma", None)
    return data


@capability_required(Capability.MANAGE_SERVIZI)
def servizio_new(request: HttpRequest) -> HttpResponse:
    form = f.ServizioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            servizio = s.servizio_create(actor=actor_of(request), **_servizio_data(form))
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Servizio «%(n)s» attivato.") % {"n": servizio.nome})
            return redirect("servizio_detail", public_id=servizio.public_id)
    return render(request, "interventi/servizio_form.html", {"form": form, "servizio": None})


@capability_required(Capability.MANAGE_SERVIZI)
def servizio_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    servizio = get_servizio(public_id)
    form = f.ServizioForm.from_servizio(servizio, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            s.servizio_update(actor=actor_of(request), servizio=servizio, **_servizio_data(form))
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Servizio aggiornato."))
            return redirect("servizio_detail", public_id=servizio.public_id)
    return render(request, "interventi/servizio_form.html", {"form": form, "servizio": servizio})


@require_GET
@capability_required(Capability.MANAGE_SERVIZI)
def servizio_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    servizio = get_servizio(public_id)
    etichette = dict(s.campi_domanda_opzionali())
    return render(request, "interventi/servizio_detail.html", {
        "servizio": servizio,
        "campi": [etichette.get(c, c) for c in servizio.campi_domanda],
        "n_interventi": servizio.interventi.count(),
    })
