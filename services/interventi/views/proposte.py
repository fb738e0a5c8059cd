"""Pages of the proposals: the dirigente's decision (one by one or from the list waiting
for it), and the proposer's correction or withdrawal while the proposal waits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services.core.errors import AmbitoError, NotAllowed
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from .. import forms as f
from .. import services as s
from ..models import Carattere, Intervento
from ..selectors import interventi_da_decidere
from .interventi import _detail_context, _intervento, readers_only


def _back(request: HttpRequest, intervento: Intervento) -> HttpResponse:
    if request.POST.get("next") == "da_decidere":
        return redirect("interventi_da_decidere")
    return redirect("intervento_detail", public_id=intervento.public_id)


@require_POST
@capability_required(Capability.DECIDE_INTERVENTO)
def intervento_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    intervento = _intervento(request, public_id)
    form = f.DecisioneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli se approvare o respingere."))
        return _back(request, intervento)
    try:
        s.intervento_decide(actor=actor_of(request), intervento=intervento,
                            approva=form.cleaned_data["decisione"] == "approva",
                            motivazione=form.cleaned_data["motivazione"])
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decisione registrata: %(p)s è stato avvisato.")
                         % {"p": intervento.proposto_da_label or _("chi ha proposto")})
    return _back(request, intervento)


def _propone_o_decide(request: HttpRequest) -> None:
    if not (has_capability(request, Capability.PROPOSE_INTERVENTO)
            or has_capability(request, Capability.DECIDE_INTERVENTO)):
        raise PermissionDenied


def _iniziali_proposta(intervento: Intervento) -> dict[str, Any]:
    """The proposal's values for its form. A periodic total that is just monthly amount times
    months is left empty, so that new dates or amount recompute it."""
    totale: Any = intervento.importo_totale
    if (intervento.carattere == Carattere.PERIODICO and intervento.importo_mensile
            and intervento.data_inizio and intervento.data_fine
            and totale == intervento.importo_mensile * len(
                s.mesi_tra(intervento.data_inizio, intervento.data_fine))):
        totale = None
    return {"carattere": intervento.carattere, "data_inizio": intervento.data_inizio,
            "data_fine": intervento.data_fine, "importo_totale": totale,
            "importo_mensile": intervento.importo_mensile, "quota_ente": intervento.quota_ente,
            "quota_utente": intervento.quota_utente, "quota_ssn": intervento.quota_ssn,
            "ore_mensili": intervento.ore_mensili, "motivazione": intervento.motivazione_proposta}


@readers_only
def intervento_modifica(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The proposal form again, pre-filled, while the proposal waits for the decision."""
    _propone_o_decide(request)
    intervento = _intervento(request, public_id)
    try:
        s.proposta_verifica_gestibile(request.user, intervento)
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("intervento_detail", public_id=intervento.public_id)
    form = f.InterventoForm.per_modifica(intervento, _iniziali_proposta(intervento),
                                         request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.intervento_modifica_proposta(
                actor=actor_of(request), intervento=intervento,
                carattere=d["carattere"] or None, data_inizio=d["data_inizio"],
                data_fine=d["data_fine"], importo_totale=d["importo_totale"],
                importo_mensile=d["importo_mensile"], quota_ente=d["quota_ente"],
                quota_utente=d["quota_utente"], quota_ssn=d["quota_ssn"],
                ore_mensili=d["ore_mensili"], motivazione=d["motivazione"],
                conferma_importo=d["conferma_importo"])
        except NotAllowed as exc:  # decided meanwhile
            messages.error(request, str(exc))
            return redirect("intervento_detail", public_id=intervento.public_id)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Proposta aggiornata."))
            return redirect("intervento_detail", public_id=intervento.public_id)
    return render(request, "interventi/intervento_form.html",
                  {"form": form, "persona": intervento.persona, "domanda": intervento.domanda,
                   "intervento": intervento}, status=400 if form.errors else 200)


@require_POST
@readers_only
def intervento_ritira(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _propone_o_decide(request)
    intervento = _intervento(request, public_id)
    try:
        s.proposta_verifica_gestibile(request.user, intervento)
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("intervento_detail", public_id=intervento.public_id)
    form = f.RitiraForm(request.POST)
    if form.is_valid():
        try:
            s.intervento_ritira_proposta(actor=actor_of(request), intervento=intervento,
                                         motivo=form.cleaned_data["motivo"])
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("intervento_detail", public_id=intervento.public_id)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Proposta ritirata."))
            return redirect("intervento_detail", public_id=intervento.public_id)
    return render(request, "interventi/intervento_detail.html",
                  _detail_context(request, intervento, ritira_form=form), status=400)


@require_GET
@capability_required(Capability.DECIDE_INTERVENTO)
def interventi_da_decidere_view(request: HttpRequest) -> HttpResponse:
    return render(request, "interventi/da_decidere.html",
                  {"proposte": list(interventi_da_decidere()), "form": f.DecisioneForm()})
