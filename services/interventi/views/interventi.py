"""Pages of the interventions: who may read them, the list, the proposal form and the
detail page the other pages return to."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from services.anagrafica.selectors import get_persona_for_user, persona_search_for_user
from services.core.errors import AmbitoError
from services.core.text import fold
from services.core.web import actor_of, client_ip, form_error
from services.domande.models import Domanda
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from .. import forms as f
from .. import services as s
from ..models import Intervento, PagatoA
from ..selectors import (
    LETTORI,
    get_intervento_for_user,
    interventi_visibili,
    pagamenti_di,
    totale_pagato,
)

View = Callable[..., HttpResponse]


def readers_only(view: View) -> View:
    """Interventions are read by who proposes, decides or pays them: 404 for non-members,
    403 for members with none of these capabilities."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            raise Http404
        if not any(has_capability(request, c) for c in LETTORI):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_capability = "|".join(LETTORI)  # type: ignore[attr-defined]
    return wrapped


def _intervento(request: HttpRequest, public_id: UUID) -> Intervento:
    return get_intervento_for_user(request.user, public_id, ip_address=client_ip(request))


@require_GET
@readers_only
def interventi_list(request: HttpRequest) -> HttpResponse:
    form = f.InterventoFiltroForm(request.GET or None)
    qs = interventi_visibili(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d["stato"]:
            qs = qs.filter(stato=d["stato"])
        if d["servizio"]:
            qs = qs.filter(servizio=d["servizio"])
        if d["anno"]:
            qs = qs.filter(Q(data_inizio__year=d["anno"])
                           | Q(data_inizio__isnull=True, proposto_il__year=d["anno"]))
        if d["persona"]:
            text = d["persona"].strip()
            try:
                qs = qs.filter(persona__public_id=UUID(text))
            except ValueError:
                for word in fold(text).split():
                    qs = qs.filter(persona__search_text__contains=word)
    page = Paginator(qs.order_by("-proposto_il", "-id"), 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "interventi/interventi_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "filtered": any(request.GET.get(k) for k in ("stato", "servizio", "anno", "persona")),
        "can_propose": has_capability(request, Capability.PROPOSE_INTERVENTO),
    })


def _domanda(request: HttpRequest, public_id: str) -> Domanda:
    try:
        domanda = (Domanda.objects.select_related("persona", "servizio")
                   .filter(public_id=public_id).first())
    except (ValueError, ValidationError):
        domanda = None
    if domanda is None:
        raise Http404
    return domanda


@capability_required(Capability.PROPOSE_INTERVENTO)
def intervento_new(request: HttpRequest) -> HttpResponse:
    domanda = _domanda(request, request.GET["domanda"]) if request.GET.get("domanda") else None
    if domanda is not None:
        persona = domanda.persona
    elif request.GET.get("persona"):
        persona = get_persona_for_user(request.user, request.GET["persona"],
                                       ip_address=client_ip(request))
    else:
        q = request.GET.get("q", "")
        return render(request, "interventi/intervento_scegli_persona.html",
                      {"q": q, "risultati": persona_search_for_user(
                          request.user, q, ip_address=client_ip(request), limit=30,
                          contesto="interventi")})
    initial: dict[str, Any] = {}
    if domanda is not None:
        initial = {"servizio": domanda.servizio.public_id,
                   "importo_totale": domanda.importo_richiesto}
    form = f.InterventoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            intervento = s.intervento_propose(
                actor=actor_of(request), persona=persona, servizio=d["servizio"],
                domanda=domanda, carattere=d["carattere"] or None, data_inizio=d["data_inizio"],
                data_fine=d["data_fine"], importo_totale=d["importo_totale"],
                importo_mensile=d["importo_mensile"], quota_ente=d["quota_ente"],
                quota_utente=d["quota_utente"], quota_ssn=d["quota_ssn"],
                ore_mensili=d["ore_mensili"], motivazione=d["motivazione"],
                conferma_importo=d["conferma_importo"],
            )
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            if intervento.stato == Intervento.Stato.APPROVATO:
                messages.success(request, _("Intervento registrato e approvato."))
            else:
                messages.success(request, _("Proposta inviata al dirigente per la decisione."))
            return redirect("intervento_detail", public_id=intervento.public_id)
    return render(request, "interventi/intervento_form.html",
                  {"form": form, "persona": persona, "domanda": domanda})


def _cartella_visibile(request: HttpRequest, intervento: Intervento) -> Any:
    """The person's case file, only for who may read it: others do not learn it exists."""
    from services.cartella.selectors import cartelle_visibili

    if intervento.cartella_id is None:
        return None
    return cartelle_visibili(request.user).filter(pk=intervento.cartella_id).first()


_A_PERSONA = (PagatoA.PERSONA, PagatoA.LSU)


def _modalita(intervento: Intervento) -> str:
    from services.determine.modalita import descrizioni_per_persone

    return descrizioni_per_persone([intervento.persona_id]).get(intervento.persona_id, "")


def _detail_context(request: HttpRequest, intervento: Intervento, **extra: Any) -> dict[str, Any]:
    can_decide = has_capability(request, Capability.DECIDE_INTERVENTO)
    can_pay = has_capability(request, Capability.MANAGE_DETERMINE)
    can_propose = has_capability(request, Capability.PROPOSE_INTERVENTO)
    attivo = intervento.stato in (Intervento.Stato.APPROVATO, Intervento.Stato.IN_CORSO)
    gestisce_proposta = (intervento.stato == Intervento.Stato.PROPOSTO
                         and s.puo_gestire_proposta(request.user, intervento))
    ctx = {
        "i": intervento,
        "cartella": _cartella_visibile(request, intervento),
        "pagamenti": pagamenti_di(intervento),
        "pagato": totale_pagato(intervento),
        "decisione_form": (f.DecisioneForm() if can_decide
                           and intervento.stato == Intervento.Stato.PROPOSTO else None),
        "concludi_form": f.ConcludiForm() if attivo and (can_decide or can_propose) else None,
        # A proposal is withdrawn (ritira_form), not cancelled: only its proposer or the
        # dirigente may, before the decision.
        "annulla_form": f.AnnullaForm() if (can_decide or can_propose) and attivo else None,
        "can_modifica_proposta": gestisce_proposta,
        "ritira_form": f.RitiraForm() if gestisce_proposta else None,
        "determina_form": (f.AssegnaDeterminaForm(initial={
            "determina": intervento.determina.public_id if intervento.determina else None})
            if can_pay and intervento.stato not in (Intervento.Stato.ANNULLATO,
                                                    Intervento.Stato.RESPINTO) else None),
        "can_genera": ((can_pay or can_decide) and attivo
                       and intervento.pagato_a == PagatoA.PERSONA),
        "modalita": _modalita(intervento) if intervento.pagato_a in _A_PERSONA else "",
        "modalita_link": can_pay and intervento.pagato_a in _A_PERSONA,
        "non_pagato_alla_persona": (s.non_pagato_alla_persona(intervento)
                                    if intervento.pagato_a != PagatoA.PERSONA else ""),
    }
    ctx.update(extra)
    return ctx


@require_GET
@readers_only
def intervento_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    intervento = _intervento(request, public_id)
    return render(request, "interventi/intervento_detail.html", _detail_context(request, intervento))
