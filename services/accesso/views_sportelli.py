"""Pages of the front offices (sportelli) and of the segretariato's figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.core.errors import AmbitoError
from services.core.web import actor_of as _actor
from tenants.permissions import capability_any, capability_required, has_capability
from tenants.roles import Capability

from . import selectors
from .cifre import CifreExporter, segretariato_cifre
from .forms import CifreForm, SportelloForm
from .sportelli import membri_ente, sportello_create, sportello_deactivate, sportello_update

# The dirigente manages a comune's front offices; the zone's coordinator the district's.
MANAGERS = (Capability.MANAGE_SERVIZI, Capability.MANAGE_SERVIZI_ZONALI)
# Who reads the figures: the comune's dirigente (and statistics office), the coordinator.
FIGURES = (Capability.VIEW_STATISTICHE, Capability.VIEW_ZONE_REPORTS)


def _can_manage(request: HttpRequest) -> bool:
    return any(has_capability(request, c) for c in MANAGERS)


def _distretto() -> list[dict[str, Any]]:
    from zone.aggregation.sportelli import sportelli_distretto

    tenant = connection.tenant  # type: ignore[attr-defined]
    if tenant.type == tenant.Type.ZONA:  # the zone's own list is the page itself
        return []
    return sportelli_distretto(tenant)


@capability_required(Capability.VIEW_HOME)
def sportelli_list(request: HttpRequest) -> HttpResponse:
    """The ente's front offices (with who works there) and, on a comune's page, the
    district's own, read-only."""
    can_manage = _can_manage(request)
    sportelli = selectors.sportelli_elenco() if can_manage else selectors.sportelli_attivi()
    nomi = {m.user_id: m.user.get_full_name() or m.user.email for m in membri_ente()}
    righe = [{"sportello": s, "operatori": [nomi[i] for i in s.operatori_ids if i in nomi]}
             for s in sportelli]
    return render(request, "accesso/sportelli_list.html", {
        "righe": righe, "can_manage": can_manage, "distretto": _distretto(),
    })


def _service_kwargs(form: SportelloForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@capability_any(*MANAGERS)
def sportelli_new(request: HttpRequest) -> HttpResponse:
    form = SportelloForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sportello = sportello_create(actor=_actor(request), **_service_kwargs(form))
        except AmbitoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Sportello «%(n)s» aggiunto.") % {"n": sportello.nome})
            return redirect("sportelli_list")
    return render(request, "accesso/sportello_form.html", {"form": form, "sportello": None})


@capability_any(*MANAGERS)
def sportelli_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    sportello = selectors.get_sportello(public_id)
    if request.method == "POST":
        form = SportelloForm(request.POST)
        if form.is_valid():
            try:
                sportello_update(actor=_actor(request), sportello=sportello,
                                 **_service_kwargs(form))
            except AmbitoError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("Sportello «%(n)s» aggiornato.")
                                 % {"n": sportello.nome})
                return redirect("sportelli_list")
    else:
        form = SportelloForm(initial={
            "nome": sportello.nome, "indirizzo": sportello.indirizzo, "orari": sportello.orari,
            "telefono": sportello.telefono, "email": sportello.email,
            "operatori_ids": sportello.operatori_ids})
    return render(request, "accesso/sportello_form.html",
                  {"form": form, "sportello": sportello})


@require_POST
@capability_any(*MANAGERS)
def sportelli_deactivate(request: HttpRequest, public_id: Any) -> HttpResponse:
    sportello = selectors.get_sportello(public_id)
    try:
        sportello_deactivate(actor=_actor(request), sportello=sportello)
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sportello «%(n)s» disattivato: non accoglie più nuovi "
                                    "contatti, le sue schede restano.") % {"n": sportello.nome})
    return redirect("sportelli_list")


@capability_any(*FIGURES)
def segretariato_cifre_view(request: HttpRequest) -> HttpResponse:
    """Contacts of a period by front office, channel, interlocutor, need, service asked
    for, outcome and referral; ``?formato=xlsx`` downloads them."""
    form = CifreForm(request.GET or {})
    cifre = None
    if form.is_valid():
        d = form.cleaned_data
        cifre = segretariato_cifre(dal=d["dal"], al=d["al"], sportello=d["sportello"])
        if request.GET.get("formato") == "xlsx":
            ente_nome = connection.tenant.name  # type: ignore[attr-defined]
            return CifreExporter(cifre, ente_nome).response(
                "xlsx", actor=_actor(request),
                filtro={"dal": d["dal"], "al": d["al"],
                        "sportello": d["sportello"].nome if d["sportello"] else ""})
    query = request.GET.copy()
    query.pop("formato", None)
    return render(request, "accesso/cifre.html", {
        "form": form, "cifre": cifre, "query": query.urlencode(),
    }, status=200 if cifre is not None else 400)
