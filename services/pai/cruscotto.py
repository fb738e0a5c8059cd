"""The case-work dashboard, the overdue reviews, and the dirigente's approvals queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.core.errors import AmbitoError
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import selectors
from . import services as svc
from .forms import DecisioneForm, PeriodoForm
from .models import PAI
from .views import actor_of, form_error

LIST_LIMIT = 200


def _periodo(request: HttpRequest) -> tuple[PeriodoForm, Any, Any]:
    oggi = timezone.localdate()
    default = {"dal": oggi - timedelta(days=365), "al": oggi}
    form = PeriodoForm(request.GET if "dal" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["dal"], form.cleaned_data["al"]
    return form, default["dal"], default["al"]


@capability_required(Capability.VIEW_CARTELLA)
def cartella_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    carico = selectors.carico_di(user)
    mie_scadute = selectors.verifiche_scadute(user, solo_mie=True)
    context: dict[str, Any] = {
        "carico": list(carico[:50]),
        "carico_totale": carico.count(),
        "mie_scadute": list(mie_scadute[:20]),
        "mie_scadute_totale": mie_scadute.count(),
        "richieste": list(selectors.richieste_di(user)),
        "notifiche": list(selectors.notifiche_di(user)[:20]),
        "oggi": timezone.localdate(),
        "vede_tutto": has_capability(request, Capability.VIEW_ALL_CARTELLE),
    }
    if has_capability(request, Capability.MANAGE_CARTELLA):
        context["schede_in_attesa"] = selectors.schede_in_attesa()
        context["scheda_piu_vecchia"] = selectors.scheda_piu_vecchia_in_attesa()
    if has_capability(request, Capability.APPROVE_PAI):
        context["approvazioni_in_attesa"] = selectors.approvazioni_in_attesa(user).count()
    if context["vede_tutto"]:
        form, dal, al = _periodo(request)
        per_operatore = selectors.carico_per_operatore(user)
        stati = selectors.pai_per_stato(user)
        context.update({
            "periodo_form": form, "dal": dal, "al": al,
            "per_operatore": per_operatore,
            "scadute_totale": selectors.verifiche_scadute(user).count(),
            "tempi_presa_in_carico": selectors.tempi_presa_in_carico(user, dal=dal, al=al),
            "tempi_chiusura": selectors.tempi_chiusura(user, dal=dal, al=al),
            "pai_in_vigore": stati.get(PAI.Stato.APPROVATO, 0),
            "pai_in_approvazione": stati.get(PAI.Stato.IN_APPROVAZIONE, 0),
            "chart": {
                "labels": [r["operatore"] for r in per_operatore],
                "aperte": [r["aperte"] for r in per_operatore],
                "sospese": [r["sospese"] for r in per_operatore],
                "legend": [_("Aperte"), _("Sospese")],
            },
        })
    return render(request, "pai/dashboard.html", context)


@capability_required(Capability.VIEW_CARTELLA)
def pai_overdue(request: HttpRequest) -> HttpResponse:
    vede_tutto = has_capability(request, Capability.VIEW_ALL_CARTELLE)
    solo_mie = not vede_tutto or request.GET.get("mie") == "1"
    qs = selectors.verifiche_scadute(request.user, solo_mie=solo_mie)
    return render(request, "pai/overdue.html", {
        "verifiche": list(qs[:LIST_LIMIT]), "totale": qs.count(), "limite": LIST_LIMIT,
        "vede_tutto": vede_tutto, "solo_mie": solo_mie, "oggi": timezone.localdate(),
        "can_record": has_capability(request, Capability.MANAGE_CARTELLA),
    })


def _rows(request: HttpRequest, bound: dict[int, DecisioneForm] | None = None) -> list:
    bound = bound or {}
    return [(a, bound.get(a.pk) or DecisioneForm(prefix=str(a.public_id)))
            for a in selectors.approvazioni_in_attesa(request.user)[:LIST_LIMIT]]


@capability_required(Capability.APPROVE_PAI)
def approvazioni_list(request: HttpRequest) -> HttpResponse:
    return render(request, "pai/approvazioni.html", {"rows": _rows(request)})


@require_POST
@capability_required(Capability.APPROVE_PAI)
def approvazione_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Approve or reject one request. With htmx only its row is replaced."""
    approvazione = selectors.approvazione_for_user(request.user, public_id)
    form = DecisioneForm(request.POST, prefix=str(approvazione.public_id))
    if form.is_valid():
        approva = form.cleaned_data["decisione"] == "approva"
        try:
            approvazione = svc.approvazione_decide(
                actor=actor_of(request), approvazione=approvazione, approva=approva,
                motivazione=form.cleaned_data["motivazione"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            text = _("Richiesta approvata.") if approva else _("Richiesta respinta.")
            if request.htmx:  # type: ignore[attr-defined]
                return render(request, "pai/_approvazione_row.html",
                              {"a": approvazione, "form": None, "esito": text})
            messages.success(request, text)
            return redirect("approvazioni_list")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "pai/_approvazione_row.html", {"a": approvazione, "form": form})
    return render(request, "pai/approvazioni.html",
                  {"rows": _rows(request, {approvazione.pk: form})})


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def notifica_letta(request: HttpRequest, public_id: UUID) -> HttpResponse:
    notifica = selectors.notifica_for_user(request.user, public_id)
    svc.notifica_segna_letta(actor=actor_of(request), notifica=notifica)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse("")
    return redirect("cartella_dashboard")

