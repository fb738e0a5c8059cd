"""Pages of determine, atti di liquidazione and the committed / liquidated summary. Thin:
every write through ``services.py``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of, client_ip, form_error
from services.interventi.models import Intervento
from services.interventi.selectors import totali_interventi_per_anno
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import forms as f
from . import services as s
from .export import RiepilogoDetermineExporter
from .models import ZERO, Determina, Liquidazione
from .selectors import (
    get_determina_for_user,
    get_liquidazione_for_user,
    riepilogo_per_anno,
    riepilogo_per_determina,
    riepilogo_per_servizio,
    storia_determina,
    voce_piano_di,
    voci_da_liquidare,
)

M = Capability.MANAGE_DETERMINE


def _esercizio(request: HttpRequest) -> int | None:
    value = request.GET.get("esercizio", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


@require_GET
@capability_required(M)
def determine_list(request: HttpRequest) -> HttpResponse:
    esercizio = _esercizio(request)
    qs = Determina.objects.select_related("servizio")
    if esercizio:
        qs = qs.filter(esercizio=esercizio)
    page = Paginator(qs.order_by("-esercizio", "-data_adozione", "-id"), 50).get_page(
        request.GET.get("pagina"))
    return render(request, "determine/determine_list.html", {
        "page": page, "esercizio": esercizio or "",
        "query": f"esercizio={esercizio}" if esercizio else "",
    })


@capability_required(M)
def determina_new(request: HttpRequest) -> HttpResponse:
    form = f.DeterminaForm(request.POST or None,
                           initial={"data_adozione": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            determina = s.determina_create(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Determina n. %(n)s registrata.") % {"n": determina.numero})
            return redirect("determina_detail", public_id=determina.public_id)
    return render(request, "determine/determina_form.html", {"form": form})


def _detail(request: HttpRequest, determina: Determina, *, status: int = 200,
            **forms: Any) -> HttpResponse:
    from services.interventi.services import importo_impegnato_su

    esecutiva = determina.stato == Determina.Stato.ESECUTIVA
    interventi = (Intervento.objects.filter(determina=determina)
                  .select_related("persona", "servizio").order_by("-proposto_il", "-id"))
    return render(request, "determine/determina_detail.html", {
        "d": determina,
        "interventi": interventi,
        "impegnato_interventi": importo_impegnato_su(determina.pk),
        "liquidazioni": determina.liquidazioni.order_by("-data", "-id"),
        "voce_piano": voce_piano_di(determina),
        "storia": storia_determina(determina),
        "rettifica_form": forms.get("rettifica_form") or (f.RettificaDeterminaForm(initial={
            k: getattr(determina, k) for k in s.RETTIFICA_CAMPI}) if esecutiva else None),
        "annulla_form": forms.get("annulla_form") or (
            f.AnnullaDeterminaForm() if esecutiva else None),
    }, status=status)


@require_GET
@capability_required(M)
def determina_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, get_determina_for_user(request.user, public_id,
                                                   ip_address=client_ip(request)))


@require_POST
@capability_required(M)
def determina_rettifica(request: HttpRequest, public_id: UUID) -> HttpResponse:
    determina = get_determina_for_user(request.user, public_id, ip_address=client_ip(request),
                                       log_read=False)
    form = f.RettificaDeterminaForm(request.POST)
    if form.is_valid():
        try:
            s.determina_rectify(actor=actor_of(request), determina=determina, **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Determina rettificata."))
            return redirect("determina_detail", public_id=determina.public_id)
    return _detail(request, determina, status=400, rettifica_form=form)


@require_POST
@capability_required(M)
def determina_annulla(request: HttpRequest, public_id: UUID) -> HttpResponse:
    determina = get_determina_for_user(request.user, public_id, ip_address=client_ip(request),
                                       log_read=False)
    form = f.AnnullaDeterminaForm(request.POST)
    if form.is_valid():
        try:
            s.determina_annul(actor=actor_of(request), determina=determina,
                              motivo=form.cleaned_data["motivo"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Determina annullata: ciò che è già liquidato resta "
                                        "liquidato, il resto dell'impegno è liberato."))
            return redirect("determina_detail", public_id=determina.public_id)
    return _detail(request, determina, status=400, annulla_form=form)


@require_GET
@capability_required(M)
def liquidazioni_list(request: HttpRequest) -> HttpResponse:
    esercizio = _esercizio(request)
    qs = Liquidazione.objects.select_related("determina")
    if esercizio:
        qs = qs.filter(esercizio=esercizio)
    page = Paginator(qs.order_by("-esercizio", "-data", "-id"), 50).get_page(
        request.GET.get("pagina"))
    return render(request, "determine/liquidazioni_list.html", {
        "page": page, "esercizio": esercizio or "",
        "query": f"esercizio={esercizio}" if esercizio else "",
    })


@capability_required(M)
def liquidazione_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("determina"):
        determine = list(Determina.objects.filter(stato=Determina.Stato.ESECUTIVA)
                         .order_by("-esercizio", "-data_adozione", "-id")[:200])
        return render(request, "determine/liquidazione_scegli.html",
                      {"form": f.ScegliDeterminaForm(determine=determine)})
    determina = get_determina_for_user(request.user, request.GET["determina"],
                                       ip_address=client_ip(request), pagina="liquidazione",
                                       log_read=request.method == "GET")
    gruppi = voci_da_liquidare(determina)
    voci = [v for _kind, vs in gruppi for v in vs]
    form = f.LiquidazioneForm(request.POST or None, voci=voci,
                              initial={"data_atto": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            liquidazione = s.liquidazione_create(
                actor=actor_of(request), determina=determina, oggetti=form.coppie(),
                data=form.cleaned_data["data_atto"], numero=form.cleaned_data["numero"],
                note=form.cleaned_data["note"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Atto di liquidazione n. %(n)s emesso: %(t)s.")
                             % {"n": liquidazione.numero, "t": s.euro(liquidazione.importo_totale)})
            return redirect("liquidazione_detail", public_id=liquidazione.public_id)
    scelti = set(form["oggetti"].value() or [])
    return render(request, "determine/liquidazione_form.html", {
        "d": determina, "form": form, "scelti": scelti,
        "gruppi": [(kind.label, [(f.voce_key(v), v) for v in vs]) for kind, vs in gruppi],
        "totale_offerto": sum((v.importo for v in voci), ZERO),
    }, status=400 if request.method == "POST" else 200)


@capability_required(M)
def liquidazione_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    liquidazione = get_liquidazione_for_user(request.user, public_id,
                                             ip_address=client_ip(request),
                                             log_read=request.method == "GET")
    form = f.AnnullaLiquidazioneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            s.liquidazione_annulla(actor=actor_of(request), liquidazione=liquidazione,
                                   motivo=form.cleaned_data["motivo"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Atto di liquidazione annullato: gli importi tornano "
                                        "disponibili."))
            return redirect("liquidazione_detail", public_id=liquidazione.public_id)
    return render(request, "determine/liquidazione_detail.html", {
        "l": liquidazione, "righe": liquidazione.righe.order_by("id"),
        "form": form if liquidazione.stato == Liquidazione.Stato.EMESSA else None,
    }, status=400 if request.method == "POST" else 200)


@require_GET
@capability_required(M)
def determine_riepilogo(request: HttpRequest) -> HttpResponse:
    esercizio = _esercizio(request)
    if request.GET.get("formato") in ("xlsx", "csv"):
        return RiepilogoDetermineExporter(esercizio).response(
            request.GET["formato"], actor=actor_of(request), filtro={"esercizio": esercizio})
    per_determina = list(riepilogo_per_determina(esercizio))
    totali: dict[str, Any] = {
        k: sum((getattr(d, k) for d in per_determina), ZERO)
        for k in ("impegnato", "liquidato", "residuo")}
    return render(request, "determine/riepilogo.html", {
        "esercizio": esercizio or "", "per_determina": per_determina, "totali": totali,
        "per_servizio": riepilogo_per_servizio(esercizio), "per_anno": riepilogo_per_anno(),
        "interventi_per_anno": totali_interventi_per_anno(),
    })



@capability_required(M)
def modalita_pagamento(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """How a person (beneficiary or delegate) is paid: the method in force and the past ones."""
    from services.anagrafica.models import Persona
    from services.anagrafica.selectors import get_persona_for_user
    from services.core.web import client_ip

    from .modalita import modalita_pagamento_set

    persona = get_persona_for_user(request.user, public_id, ip_address=client_ip(request))
    form = f.ModalitaPagamentoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cf = data["delegato_cf"].strip().upper()
        delegato = Persona.objects.filter(codice_fiscale=cf).first() if cf else None
        try:
            if cf and delegato is None:
                from services.core.errors import ValidationFailed

                raise ValidationFailed(_("Nessuna persona in anagrafica con il codice fiscale "
                                         "%(cf)s.") % {"cf": cf}, field="delegato_cf")
            modalita_pagamento_set(actor=actor_of(request), persona=persona, tipo=data["tipo"],
                                   iban=data["iban"], intestatario=data["intestatario"],
                                   delegato=delegato, note=data["note"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Modalità di pagamento registrata."))
            return redirect("modalita_pagamento", public_id=persona.public_id)
    return render(request, "determine/modalita_pagamento.html", {
        "persona": persona, "form": form,
        "modalita": persona.modalita_pagamento.select_related("delegato"),
    }, status=400 if request.method == "POST" else 200)
