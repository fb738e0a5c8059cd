"""Placement pages: occupancy per structure, structures, the authorisation of a placement,
a placement with its presences. Social workers see the people of the case files they may
read; the office that manages providers sees everyone and records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from services.fornitori.importi import primo_del_mese
from services.fornitori.web import LETTORI, persone_visibili
from services.interventi.models import Intervento, TipoIntervento
from tenants.permissions import capability_any, capability_required, has_capability
from tenants.roles import Capability

from . import forms as f
from .models import Presenza, Ricovero
from .selectors import occupazione, ricoveri_in_corso
from .services import (
    APPROVATI,
    ospiti_del_mese,
    presenze_mese_registra,
    presenze_registra,
    ricovero_autorizza,
    ricovero_dimetti,
    struttura_create,
)

MANAGE = Capability.MANAGE_FORNITORI


@capability_any(*LETTORI)
def ricoveri_list(request: HttpRequest) -> HttpResponse:
    oggi = timezone.localdate()
    strutture = list(occupazione(oggi)) if has_capability(request, MANAGE) else []
    for s in strutture:
        s.liberi = max(s.posti - s.ospiti, 0)  # type: ignore[attr-defined]
    return render(request, "ricoveri/ricoveri_list.html", {
        "oggi": oggi, "strutture": strutture,
        "ricoveri": list(ricoveri_in_corso(oggi).filter(persone_visibili(request))),
    })


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def ricoveri_struttura_new(request: HttpRequest) -> HttpResponse:
    form = f.StrutturaForm(request.POST or None,
                           initial={"fornitore": request.GET.get("fornitore")})
    if request.method == "POST" and form.is_valid():
        try:
            struttura_create(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Struttura registrata."))
            return redirect("ricoveri_list")
    return render(request, "fornitori/form.html", {
        "form": form, "title": _("Nuova struttura"), "back": reverse("ricoveri_list"),
        "breadcrumb_template": "ricoveri/_breadcrumb.html",
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def ricoveri_autorizza(request: HttpRequest) -> HttpResponse:
    interventi = (Intervento.objects.filter(tipo=TipoIntervento.RICOVERO, stato__in=APPROVATI,
                                            ricovero__isnull=True)
                  .select_related("persona", "servizio")
                  .order_by("persona__cognome", "persona__nome"))
    form = f.AutorizzazioneForm(request.POST or None, interventi=interventi,
                                initial={"intervento": request.GET.get("intervento")})
    if request.method == "POST" and form.is_valid():
        try:
            ricovero = ricovero_autorizza(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Ricovero autorizzato."))
            return redirect("ricovero_detail", public_id=ricovero.public_id)
    return render(request, "fornitori/form.html", {
        "form": form, "title": _("Autorizzazione al ricovero"), "back": reverse("ricoveri_list"),
        "breadcrumb_template": "ricoveri/_breadcrumb.html",
        "lead": _("Per un intervento di ricovero approvato: struttura, ingresso, retta e quota "
                  "a carico dell'utente."),
    }, status=400 if form.errors else 200)


def _ricovero_for(request: HttpRequest, public_id: Any) -> Ricovero:
    """The placement, or 404 when it is missing or its person is not the user's to see."""
    try:
        ricovero = (Ricovero.objects.filter(persone_visibili(request))
                    .select_related("intervento__persona", "struttura", "contratto__fornitore")
                    .filter(public_id=public_id).first())
    except (ValueError, ValidationError):
        ricovero = None
    if ricovero is None:
        raise Http404
    return ricovero


def _render_detail(request: HttpRequest, ricovero: Ricovero, *, status: int = 200,
                   **forms: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "ricovero": ricovero, "presenze": list(ricovero.presenze.all()),
        "can_manage": has_capability(request, MANAGE),
        "presenze_form": f.PresenzeForm(), "dimissione_form": f.DimissioneForm(),
    }
    context.update(forms)
    return render(request, "ricoveri/ricovero_detail.html", context, status=status)


@capability_any(*LETTORI)
def ricovero_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_detail(request, _ricovero_for(request, public_id))


@require_POST
@capability_required(MANAGE)
def ricovero_presenze(request: HttpRequest, public_id: str) -> HttpResponse:
    ricovero = _ricovero_for(request, public_id)
    form = f.PresenzeForm(request.POST)
    if form.is_valid():
        try:
            presenze_registra(actor=actor_of(request), ricovero=ricovero, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Presenze registrate."))
            return redirect("ricovero_detail", public_id=ricovero.public_id)
    return _render_detail(request, ricovero, status=400, presenze_form=form)


@require_POST
@capability_required(MANAGE)
def ricovero_dimissione(request: HttpRequest, public_id: str) -> HttpResponse:
    ricovero = _ricovero_for(request, public_id)
    form = f.DimissioneForm(request.POST)
    if form.is_valid():
        try:
            ricovero_dimetti(actor=actor_of(request), ricovero=ricovero, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Dimissione registrata."))
            return redirect("ricovero_detail", public_id=ricovero.public_id)
    return _render_detail(request, ricovero, status=400, dimissione_form=form)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def ricoveri_presenze_mese(request: HttpRequest) -> HttpResponse:
    """The structure's monthly presences for every guest: step one chooses the structure and
    the month (GET), step two takes the days per guest."""
    testata = f.PresenzeMeseTestataForm(request.GET if "struttura" in request.GET else None)
    if not testata.is_valid():
        return render(request, "ricoveri/presenze_testata.html", {"testata": testata})
    struttura = testata.cleaned_data["struttura"]
    mese = primo_del_mese(testata.cleaned_data["mese"])
    ospiti = ospiti_del_mese(struttura, mese)
    iniziali = dict(Presenza.objects.filter(ricovero__in=ospiti, mese=mese)
                    .values_list("ricovero_id", "giorni"))
    form = f.PresenzeMeseForm(request.POST if request.method == "POST" else None,
                              ospiti=ospiti, iniziali=iniziali)
    if request.method == "POST" and form.is_valid():
        try:
            presenze_mese_registra(actor=actor_of(request), struttura=struttura, mese=mese,
                                   giorni=form.giorni())
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Presenze del mese registrate."))
            return redirect("ricoveri_list")
    return render(request, "ricoveri/presenze_mese.html",
                  {"form": form, "struttura": struttura, "mese": mese},
                  status=400 if form.errors else 200)
