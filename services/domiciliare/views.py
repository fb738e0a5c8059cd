"""Home-care pages: planned against worked hours per month, the plan of an approved
intervention, the provider's monthly statement. Social workers see the people of the case
files they may read; the office that manages providers sees everyone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from services.fornitori.importi import primo_del_mese
from services.fornitori.web import LETTORI, persone_visibili
from services.interventi.models import Intervento, TipoIntervento
from tenants.permissions import capability_any, capability_required
from tenants.roles import Capability

from . import forms as f
from .models import Rendiconto
from .selectors import confronto_mese
from .services import APPROVATI, piani_attivi, piano_create, rendiconto_registra


@capability_any(*LETTORI)
def domiciliare_list(request: HttpRequest) -> HttpResponse:
    form = f.MeseForm(request.GET or None)
    mese = primo_del_mese(timezone.localdate())
    if form.is_valid() and form.cleaned_data["mese"]:
        mese = primo_del_mese(form.cleaned_data["mese"])
    righe = confronto_mese(mese, persone_visibili(request))
    return render(request, "domiciliare/domiciliare_list.html", {
        "form": form, "mese": mese, "righe": righe,
        "rendiconti": list(Rendiconto.objects.filter(mese=mese)
                           .select_related("contratto__fornitore")),
    })


@require_http_methods(["GET", "POST"])
@capability_any(*LETTORI)
def domiciliare_piano_new(request: HttpRequest) -> HttpResponse:
    interventi = (Intervento.objects.filter(tipo=TipoIntervento.DOMICILIARE, stato__in=APPROVATI,
                                            piano_domiciliare__isnull=True)
                  .filter(persone_visibili(request, prefix=""))
                  .select_related("persona", "servizio")
                  .order_by("persona__cognome", "persona__nome"))
    form = f.PianoForm(request.POST or None, interventi=interventi,
                       initial={"intervento": request.GET.get("intervento")})
    if request.method == "POST" and form.is_valid():
        try:
            piano_create(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Piano di assistenza domiciliare registrato."))
            return redirect("domiciliare_list")
    return render(request, "fornitori/form.html", {
        "form": form, "title": _("Nuovo piano di assistenza domiciliare"),
        "breadcrumb_template": "domiciliare/_breadcrumb.html",
        "back": reverse("domiciliare_list"), "lead": _("Per un intervento di assistenza domiciliare approvato: il "
                                 "contratto del fornitore e le ore previste al mese."),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_FORNITORI)
def domiciliare_rendiconto_new(request: HttpRequest) -> HttpResponse:
    """Step one: the contract and the month (GET); step two: hours per person."""
    testata = f.RendicontoTestataForm(request.GET if "contratto" in request.GET else None)
    if not testata.is_valid():
        return render(request, "domiciliare/rendiconto_testata.html", {"testata": testata})
    contratto = testata.cleaned_data["contratto"]
    mese = primo_del_mese(testata.cleaned_data["mese"])
    piani = piani_attivi(contratto, mese)
    form = f.RendicontoForm(request.POST if request.method == "POST" else None, piani=piani,
                            initial={"ricevuto_il": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rendiconto = rendiconto_registra(
                actor=actor_of(request), contratto=contratto, mese=mese,
                ricevuto_il=form.cleaned_data["ricevuto_il"], ore=form.ore(),
                note=form.cleaned_data["note"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Rendiconto mensile registrato."))
            return redirect("domiciliare_rendiconto_detail", public_id=rendiconto.public_id)
    return render(request, "domiciliare/rendiconto_form.html",
                  {"form": form, "contratto": contratto, "mese": mese},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_FORNITORI)
def domiciliare_rendiconto_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        rendiconto = (Rendiconto.objects.select_related("contratto__fornitore")
                      .filter(public_id=public_id).first())
    except (ValueError, ValidationError):
        rendiconto = None
    if rendiconto is None:
        raise Http404
    return render(request, "domiciliare/rendiconto_detail.html", {
        "rendiconto": rendiconto,
        "righe": list(rendiconto.righe.select_related("piano__intervento__persona")
                      .order_by("piano__intervento__persona__cognome")),
    })
