from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.cartella.selectors import get_cartella_for_user
from services.core.errors import AmbitoError
from services.core.web import actor_of, client_ip, form_error
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import services as svc
from .forms import RespingiForm, RichiestaForm
from .models import Trasferimento
from .selectors import in_arrivo, in_uscita


@capability_required(Capability.MANAGE_CARTELLA)
def trasferimenti_list(request: HttpRequest) -> HttpResponse:
    return render(request, "trasferimenti/list.html", {
        "in_arrivo": in_arrivo().order_by("stato", "-created_at")[:200],
        "in_uscita": in_uscita(request.user).order_by("-created_at")[:200],
    })


@capability_required(Capability.MANAGE_CARTELLA)
def trasferimento_new(request: HttpRequest, cartella_id: Any) -> HttpResponse:
    cartella = get_cartella_for_user(request.user, cartella_id, write=True,
                                     ip_address=client_ip(request))
    form = RichiestaForm(request.POST or None, exclude_ente_id=request.tenant.pk)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            t = svc.trasferimento_richiedi(
                actor=actor_of(request), cartella=cartella,
                destinatario_istat=d["destinatario"].istat_code, motivo=d["motivo"],
                consenso_data=d["consenso_data"], consenso_modalita=d["consenso_modalita"],
                includi_riservate=d["includi_riservate"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Richiesta inviata al %(c)s.") % {"c": t.destinatario.name})
            return redirect("trasferimento_detail", public_id=t.public_id)
    return render(request, "trasferimenti/new.html", {"form": form, "cartella": cartella})


def _visible(request: HttpRequest, public_id: Any) -> Trasferimento:
    t = in_arrivo().filter(public_id=public_id).first() or in_uscita(request.user).filter(
        public_id=public_id).first()
    if t is None:
        raise Http404
    return t


@capability_required(Capability.MANAGE_CARTELLA)
def trasferimento_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    t = _visible(request, public_id)
    return render(request, "trasferimenti/detail.html", {
        "t": t, "ricevuto": t.destinatario_id == request.tenant.pk,  # type: ignore[attr-defined]
        "respingi_form": RespingiForm(),
    })


@capability_required(Capability.MANAGE_CARTELLA)
@require_POST
def trasferimento_accetta(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        cartella = svc.trasferimento_accetta(actor=actor_of(request), public_id=public_id)
    except AmbitoError as exc:
        messages.error(request, str(exc))
        return redirect("trasferimento_detail", public_id=public_id)
    messages.success(request, _("Trasferimento accettato: la cartella n. %(n)s è ora in carico "
                                "a te.") % {"n": cartella.numero})
    return redirect("cartella_detail", public_id=cartella.public_id)


@capability_required(Capability.MANAGE_CARTELLA)
@require_POST
def trasferimento_respingi(request: HttpRequest, public_id: Any) -> HttpResponse:
    t = _visible(request, public_id)
    form = RespingiForm(request.POST)
    if form.is_valid():
        try:
            svc.trasferimento_respingi(actor=actor_of(request), public_id=public_id,
                                       motivazione=form.cleaned_data["motivazione"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Trasferimento respinto."))
            return redirect("trasferimenti_list")
    return render(request, "trasferimenti/detail.html",
                  {"t": t, "ricevuto": True, "respingi_form": form})


@capability_required(Capability.MANAGE_CARTELLA)
@require_POST
def trasferimento_annulla(request: HttpRequest, public_id: Any) -> HttpResponse:
    _visible(request, public_id)
    try:
        svc.trasferimento_annulla(actor=actor_of(request), public_id=public_id)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Richiesta annullata."))
    return redirect("trasferimenti_list")
