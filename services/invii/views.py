"""Pages of the referrals: the case's section (in the case page), the teams' inbox, the
teams, and the zone office's requests and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.cartella.selectors import get_cartella_for_user
from services.core.errors import AmbitoError
from services.core.web import actor_of, client_ip, form_error
from tenants.models import User
from tenants.permissions import capability_any, capability_required, has_capability
from tenants.roles import Capability

from . import selectors as sel
from . import services as svc
from .forms import EsitoZonaleForm, InvioForm, MembroForm, ServizioForm, TestoForm
from .models import Invio, ServizioSpecialistico


def invio_form(data: Any = None) -> InvioForm:
    return InvioForm(data, comunali=list(sel.servizi_del_comune()),
                     zonali=list(sel.servizi_della_zona_del_comune()))


@capability_required(Capability.MANAGE_CARTELLA)
def invio_new(request: HttpRequest, cartella_id: Any) -> HttpResponse:
    cartella = get_cartella_for_user(request.user, cartella_id, write=True,
                                     ip_address=client_ip(request))
    form = invio_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kind, _sep, public_id = d["destinazione"].partition(":")
        try:
            if kind == "c":
                servizio = sel.servizi_del_comune().filter(public_id=public_id).first()
                if servizio is None:
                    raise Http404
                svc.invio_crea(actor=actor_of(request), cartella=cartella, servizio=servizio,
                               quesito=d["quesito"])
            else:
                zonale = sel.servizi_della_zona_del_comune().filter(public_id=public_id).first()
                if zonale is None:
                    raise Http404
                svc.invio_zonale_crea(actor=actor_of(request), cartella=cartella,
                                      servizio=zonale, quesito=d["quesito"],
                                      consenso_data=d["consenso_data"],
                                      consenso_modalita=d["consenso_modalita"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Caso inviato al servizio."))
            return redirect(reverse("cartella_detail", args=[cartella.public_id]) + "#invii")
    return render(request, "invii/invio_new.html", {"form": form, "cartella": cartella},
                  status=400 if request.method == "POST" else 200)


@require_POST
@capability_required(Capability.MANAGE_CARTELLA)
def invio_annulla(request: HttpRequest, public_id: Any) -> HttpResponse:
    invio = Invio.objects.filter(public_id=public_id).first()
    if invio is None:
        raise Http404
    # The gate to the case decides whether this user may touch its referrals.
    get_cartella_for_user(request.user, invio.cartella.public_id, write=True,
                          ip_address=client_ip(request))
    try:
        svc.invio_annulla(actor=actor_of(request), invio=invio)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invio ritirato."))
    return redirect(reverse("cartella_detail", args=[invio.cartella.public_id]) + "#invii")


@capability_required(Capability.VIEW_CARTELLA)
def invii_ricevuti(request: HttpRequest) -> HttpResponse:
    return render(request, "invii/ricevuti.html", {
        "invii": sel.invii_ricevuti(request.user)[:300],
        "testo_form": TestoForm(),
    })


@require_POST
@capability_required(Capability.VIEW_CARTELLA)
def invio_gestisci(request: HttpRequest, public_id: Any, azione: str) -> HttpResponse:
    invio = sel.invio_ricevuto(request.user, public_id)
    form = TestoForm(request.POST)
    actor = actor_of(request)
    try:
        if azione == "accogli":
            svc.invio_accogli(actor=actor, invio=invio)
            messages.success(request, _("Invio accolto: ora sei abilitato/a sulla cartella."))
        elif azione in ("respingi", "rispondi"):
            testo = request.POST.get("testo", "")
            if azione == "respingi":
                svc.invio_respingi(actor=actor, invio=invio, motivazione=testo)
            else:
                svc.invio_rispondi(actor=actor, invio=invio, risposta=testo)
            messages.success(request, _("Risposta inviata all'assistente sociale."))
        else:
            raise Http404
    except AmbitoError as exc:
        form_error(form, exc)
        messages.error(request, str(exc))
    return redirect("invii_ricevuti")


@capability_required(Capability.MANAGE_SERVIZI)
def servizi_specialistici(request: HttpRequest) -> HttpResponse:
    form = ServizioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.servizio_specialistico_crea(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Servizio creato."))
            return redirect("servizi_specialistici")
    colleghi = sel.colleghi()
    return render(request, "invii/servizi.html", {
        "servizi": sel.servizi_del_comune(attivi=False),
        "form": form,
        "membro_form": MembroForm(colleghi=colleghi),
    }, status=400 if request.method == "POST" else 200)


@require_POST
@capability_required(Capability.MANAGE_SERVIZI)
def servizio_membro_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    servizio = ServizioSpecialistico.objects.filter(public_id=public_id).first()
    if servizio is None:
        raise Http404
    form = MembroForm(request.POST, colleghi=sel.colleghi())
    if form.is_valid():
        user = User.objects.get(pk=form.cleaned_data["user"])
        try:
            svc.membro_aggiungi(actor=actor_of(request), servizio=servizio, user=user)
        except AmbitoError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Operatore aggiunto al servizio."))
    else:
        messages.error(request, _("Scegli un operatore del comune."))
    return redirect("servizi_specialistici")


@require_POST
@capability_required(Capability.MANAGE_SERVIZI)
def servizio_membro_remove(request: HttpRequest, public_id: Any, user_id: int) -> HttpResponse:
    servizio = ServizioSpecialistico.objects.filter(public_id=public_id).first()
    membro = servizio.membri.filter(user_id=user_id).first() if servizio else None
    if membro is None:
        raise Http404
    svc.membro_rimuovi(actor=actor_of(request), membro=membro)
    messages.success(request, _("Operatore tolto dal servizio."))
    return redirect("servizi_specialistici")


# --- zone office ------------------------------------------------------------------------------


# The coordinator handles the requests; the zone's social worker reads them to open the case
# file in the zone's own schema (gestione associata).
ZONA_LETTORI = (Capability.MANAGE_SERVIZI_ZONALI, Capability.MANAGE_CARTELLA)


@capability_any(*ZONA_LETTORI)
def richieste_zonali(request: HttpRequest) -> HttpResponse:
    can_manage = has_capability(request, Capability.MANAGE_SERVIZI_ZONALI)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = ServizioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.servizio_zonale_crea(actor=actor_of(request), **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Servizio creato: i comuni dell'ambito possono inviarvi i casi."))
            return redirect("richieste_zonali")
    return render(request, "invii/zona_list.html", {
        "richieste": sel.richieste_della_zona()[:300],
        "servizi": sel.servizi_zonali(),
        "form": form if can_manage else None,
    }, status=400 if request.method == "POST" else 200)


@capability_any(*ZONA_LETTORI)
def richiesta_zonale_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    richiesta = sel.richiesta_della_zona(public_id)
    can_manage = has_capability(request, Capability.MANAGE_SERVIZI_ZONALI)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = EsitoZonaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.richiesta_zonale_gestisci(actor=actor_of(request), public_id=richiesta.public_id,
                                          **form.cleaned_data)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Esito registrato: il comune lo vede nella cartella."))
            return redirect("richiesta_zonale_detail", public_id=richiesta.public_id)
    return _zona_detail(request, richiesta, form=form if can_manage else None,
                        status=400 if request.method == "POST" else 200)


def _zona_detail(request: HttpRequest, richiesta: Any, *, form: EsitoZonaleForm | None,
                 status: int = 200, errore: AmbitoError | None = None) -> HttpResponse:
    can_open = has_capability(request, Capability.MANAGE_CARTELLA)
    return render(request, "invii/zona_detail.html", {
        "richiesta": richiesta,
        "form": form,
        "can_open_cartella": can_open and richiesta.stato == "accolta"
        and richiesta.cartella_ambito is None,
        "cartella_url": reverse("cartella_detail", args=[richiesta.cartella_ambito])
        if can_open and richiesta.cartella_ambito else "",
        "errore": errore,
    }, status=status)


@capability_required(Capability.MANAGE_CARTELLA)
@require_POST
def richiesta_zonale_apri_cartella(request: HttpRequest, public_id: Any) -> HttpResponse:
    richiesta = sel.richiesta_della_zona(public_id)
    try:
        cartella = svc.richiesta_zonale_apri_cartella(actor=actor_of(request),
                                                      public_id=richiesta.public_id)
    except AmbitoError as exc:
        richiesta.refresh_from_db()
        form = EsitoZonaleForm() if has_capability(request, Capability.MANAGE_SERVIZI_ZONALI) \
            else None
        return _zona_detail(request, richiesta, form=form, status=400, errore=exc)
    messages.success(request, _("Cartella n. %(n)s aperta nell'ambito.") % {"n": cartella.numero})
    return redirect("cartella_detail", public_id=cartella.public_id)


