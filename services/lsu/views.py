"""Pages of the lavori socialmente utili: contracts (list, new, detail with the monthly
hours and pay), declarations of availability with the extraction for a project, projects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import forms as f
from . import services as s
from .esportazioni import EstrazioneCsv
from .models import Dichiarazione, Progetto
from .selectors import (
    compensi_di,
    contratti_elenco,
    estrazione,
    get_contratto,
    get_dichiarazione,
)

MANAGE = Capability.MANAGE_DOMANDE


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


@require_GET
@capability_required(MANAGE)
def lsu_list(request: HttpRequest) -> HttpResponse:
    form = f.ContrattoFiltroForm(request.GET or None)
    kwargs: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        kwargs = {"q": data["q"], "progetto": data["progetto"],
                  "in_corso_il": timezone.localdate() if data["in_corso"] else None}
    page = Paginator(contratti_elenco(**kwargs), 50).get_page(request.GET.get("pagina"))
    return render(request, "lsu/contratto_list.html",
                  {"form": form, "page": page, "query": _query(request),
                   "filtered": any(request.GET.get(k) for k in ("q", "progetto", "in_corso"))})


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def lsu_new(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if "dichiarazione" in request.GET:
        dichiarazione = get_dichiarazione(request.GET["dichiarazione"])
        initial = {"persona": dichiarazione.persona.codice_fiscale,
                   "dichiarazione": str(dichiarazione.public_id)}
    if request.GET.get("progetto"):
        progetto = Progetto.objects.filter(pk=request.GET["progetto"]).first() \
            if request.GET["progetto"].isdigit() else None
        if progetto is not None:
            initial["progetto"] = progetto.pk
    form = f.ContrattoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contratto = s.contratto_crea(
                actor=actor_of(request), persona=data["persona"], progetto=data["progetto"],
                servizio=data["servizio"], data_inizio=data["data_inizio"],
                data_fine=data["data_fine"], ore_settimanali=data["ore_settimanali"],
                compenso_orario=data["compenso_orario"], dichiarazione=data["dichiarazione"],
                determina=data["determina"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Contratto %(n)s registrato.") % {"n": contratto.numero})
            return redirect("lsu_detail", public_id=contratto.public_id)
    return render(request, "lsu/contratto_new.html", {"form": form},
                  status=400 if form.errors else 200)


def _render_detail(request: HttpRequest, contratto: Any, *, status: int = 200,
                   compenso_form: f.CompensoForm | None = None,
                   cessazione_form: f.CessazioneForm | None = None) -> HttpResponse:
    compensi = list(compensi_di(contratto))
    validi = [c for c in compensi if c.stato != c.Stato.ANNULLATO]
    return render(request, "lsu/contratto_detail.html", {
        "contratto": contratto, "compensi": compensi,
        "totale_ore": sum((c.ore for c in validi), s.ZERO),
        "totale": sum((c.importo for c in validi), s.ZERO),
        "compenso_form": compenso_form or f.CompensoForm(),
        "cessazione_form": cessazione_form or f.CessazioneForm(),
    }, status=status)


@require_GET
@capability_required(MANAGE)
def lsu_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_detail(request, get_contratto(public_id))


@require_POST
@capability_required(MANAGE)
def lsu_compenso_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    contratto = get_contratto(public_id)
    form = f.CompensoForm(request.POST)
    if form.is_valid():
        try:
            compenso = s.compenso_registra(actor=actor_of(request), contratto=contratto,
                                           **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Ore di %(mese)s registrate: %(euro)s €.") % {
                "mese": f"{compenso.mese:%m/%Y}", "euro": str(compenso.importo).replace(".", ",")})
            return redirect("lsu_detail", public_id=contratto.public_id)
    return _render_detail(request, contratto, status=400, compenso_form=form)


@require_POST
@capability_required(MANAGE)
def lsu_compenso_annulla(request: HttpRequest, public_id: Any, compenso_id: Any) -> HttpResponse:
    contratto = get_contratto(public_id)
    compenso = contratto.compensi.filter(public_id=compenso_id).first()
    if compenso is None:
        raise Http404
    try:
        s.compenso_annulla(actor=actor_of(request), compenso=compenso)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Compenso annullato."))
    return redirect("lsu_detail", public_id=contratto.public_id)


@require_POST
@capability_required(MANAGE)
def lsu_cessa(request: HttpRequest, public_id: Any) -> HttpResponse:
    contratto = get_contratto(public_id)
    form = f.CessazioneForm(request.POST)
    if form.is_valid():
        try:
            s.contratto_cessa(actor=actor_of(request), contratto=contratto, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Contratto cessato."))
            return redirect("lsu_detail", public_id=contratto.public_id)
    return _render_detail(request, contratto, status=400, cessazione_form=form)


# --- declarations and extraction -----------------------------------------------------------


@require_GET
@capability_required(MANAGE)
def lsu_dichiarazioni(request: HttpRequest) -> HttpResponse:
    form = f.EstrazioneForm(request.GET or None)
    qs = estrazione()
    if form.is_valid():
        qs = estrazione(**form.cleaned_data)
    if request.GET.get("formato") == "csv":
        return EstrazioneCsv(qs).response(
            "csv", actor=actor_of(request),
            filtro=form.cleaned_data if form.is_valid() else {})
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    return render(request, "lsu/dichiarazioni.html",
                  {"form": form, "page": page, "query": _query(request),
                   "filtered": any(v for k, v in request.GET.items() if k != "pagina"),
                   "csv_query": (_query(request) + "&" if _query(request) else "") + "formato=csv"})


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def lsu_dichiarazione_new(request: HttpRequest) -> HttpResponse:
    form = f.DichiarazioneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            s.dichiarazione_registra(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Dichiarazione di disponibilità registrata."))
            return redirect("lsu_dichiarazioni")
    return render(request, "lsu/dichiarazione_new.html", {"form": form},
                  status=400 if form.errors else 200)


@require_POST
@capability_required(MANAGE)
def lsu_dichiarazione_ritira(request: HttpRequest, public_id: Any) -> HttpResponse:
    dichiarazione: Dichiarazione = get_dichiarazione(public_id)
    s.dichiarazione_ritira(actor=actor_of(request), dichiarazione=dichiarazione)
    messages.success(request, _("Dichiarazione ritirata."))
    return redirect("lsu_dichiarazioni")


# --- projects ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE)
def lsu_progetti(request: HttpRequest) -> HttpResponse:
    form = f.ProgettoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            s.progetto_crea(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Progetto registrato."))
            return redirect(reverse("lsu_progetti"))
    progetti = Progetto.objects.all()
    return render(request, "lsu/progetti.html", {"form": form, "progetti": progetti},
                  status=400 if form.errors else 200)
