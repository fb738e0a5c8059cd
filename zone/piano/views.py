"""Pages of the piano di zona (zona host): plans, their lines and sources, the comuni
shares, the spending view and the reporting the region asks for."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from services.core.errors import AmbitoError, NotFound
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import selectors, services
from .exports import RendicontoExporter
from .forms import EsercizioForm, FonteForm, PianoForm, QuotaForm, VoceForm
from .models import Piano
from .spesa import REGOLA_FONTI, fondi_nazionali, prospetto, righe_comuni, righe_fonti

VIEW = Capability.VIEW_ZONE_REPORTS
MANAGE = Capability.MANAGE_PIANO_ZONA


def _zona(request: HttpRequest):
    return request.tenant.zona  # type: ignore[attr-defined]


def _piano(request: HttpRequest, public_id: str) -> Piano:
    try:
        return selectors.get_piano(_zona(request), public_id)
    except NotFound as exc:
        raise Http404 from exc


def _detail(piano: Piano) -> str:
    return reverse("piano_detail", kwargs={"public_id": piano.public_id})


def _form_page(request: HttpRequest, form, *, title: str, piano: Piano | None = None) -> HttpResponse:
    return render(request, "piano/piano_form.html", {"form": form, "title": title, "piano": piano})


@capability_required(VIEW)
def piano_list(request: HttpRequest) -> HttpResponse:
    return render(request, "piano/piano_list.html", {
        "piani": selectors.piani_della_zona(_zona(request)),
        "can_edit": has_capability(request, MANAGE),
    })


@capability_required(MANAGE)
def piano_create(request: HttpRequest) -> HttpResponse:
    form = PianoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            piano = services.piano_create(actor=actor_of(request), zona=_zona(request),
                                          **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Piano creato: aggiungi le fonti e le voci."))
            return redirect(_detail(piano))
    return _form_page(request, form, title=_("Nuovo piano di zona"))


@capability_required(MANAGE)
def piano_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    form = PianoForm(request.POST or None, instance=piano)
    if request.method == "POST" and form.is_valid():
        try:
            services.piano_update(actor=actor_of(request), piano=piano, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(piano))
    return _form_page(request, form, title=_("Modifica il piano"), piano=piano)


@capability_required(VIEW)
def piano_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    p = prospetto(piano)
    return render(request, "piano/piano_detail.html", {
        "piano": piano, "p": p, "fonti": righe_fonti(p), "comuni": righe_comuni(p),
        "quote": selectors.quote_del_piano(piano),
        "can_edit": has_capability(request, MANAGE) and piano.stato != Piano.Stato.CHIUSO,
    })


@capability_required(MANAGE)
def piano_fonte_create(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    form = FonteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fonte_create(actor=actor_of(request), piano=piano, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(piano))
    return _form_page(request, form, title=_("Nuova fonte di finanziamento"), piano=piano)


@capability_required(MANAGE)
def piano_voce_form(request: HttpRequest, public_id: str, voce_id: str | None = None) -> HttpResponse:
    piano = _piano(request, public_id)
    voce = None
    if voce_id is not None:
        try:
            voce = selectors.get_voce(piano, voce_id)
        except NotFound as exc:
            raise Http404 from exc
    form = VoceForm(request.POST or None, instance=voce, piano=piano)
    if request.method == "POST" and form.is_valid():
        try:
            if voce is None:
                services.voce_create(actor=actor_of(request), piano=piano,
                                     importi=form.importi(), **form.dati())
            else:
                services.voce_update(actor=actor_of(request), voce=voce,
                                     importi=form.importi(), **form.dati())
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(piano))
    title = _("Modifica la voce") if voce else _("Nuova voce del piano")
    return _form_page(request, form, title=title, piano=piano)


@capability_required(MANAGE)
def piano_quota(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    form = QuotaForm(request.POST or None, piano=piano)
    if request.method == "POST" and form.is_valid():
        try:
            services.quota_set(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect(_detail(piano) + "#quote")
    return _form_page(request, form, title=_("Quota di un comune"), piano=piano)


@capability_required(VIEW)
@require_GET
def piano_spesa(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    filtro = EsercizioForm(request.GET or None, piano=piano)
    esercizio = filtro.cleaned_data.get("esercizio") if filtro.is_valid() else None
    p = prospetto(piano, esercizio=esercizio)
    return render(request, "piano/piano_spesa.html", {
        "piano": piano, "p": p, "filtro": filtro, "fonti": righe_fonti(p),
        "comuni": righe_comuni(p), "regola": REGOLA_FONTI,
    })


@capability_required(VIEW)
@require_GET
def piano_rendiconti(request: HttpRequest) -> HttpResponse:
    zona = _zona(request)
    return render(request, "piano/piano_rendiconti.html", {
        "piani": selectors.piani_della_zona(zona), "modelli": selectors.modelli_per_zona(zona),
    })


@capability_required(VIEW)
@require_GET
def piano_fondi(request: HttpRequest, public_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    p = prospetto(piano)
    return render(request, "piano/piano_fondi.html",
                  {"piano": piano, "fondi": fondi_nazionali(p), "regola": REGOLA_FONTI})


@capability_required(VIEW)
@require_GET
def piano_modello(request: HttpRequest, public_id: str, modello_id: str) -> HttpResponse:
    piano = _piano(request, public_id)
    try:
        modello = selectors.get_modello(_zona(request), modello_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "piano/piano_modello.html", {
        "piano": piano, "modello": modello,
        "righe": selectors.compila_modello(modello, prospetto(piano)),
    })


@capability_required(VIEW)
@require_GET
def piano_rendiconto_export(request: HttpRequest, public_id: str, formato: str) -> HttpResponse:
    if formato not in ("xlsx", "pdf"):
        raise Http404
    piano = _piano(request, public_id)
    filtro = EsercizioForm(request.GET or None, piano=piano)
    esercizio = filtro.cleaned_data.get("esercizio") if filtro.is_valid() else None
    exporter = RendicontoExporter(piano, esercizio=esercizio)
    if formato == "xlsx":
        return exporter.response("xlsx", actor=actor_of(request),
                                 filtro={"esercizio": esercizio})
    response = HttpResponse(exporter.to_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}.pdf"'
    return response
