"""Pages of the segretariato sociale: schede di accesso and resources of the territory."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm, model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from services.anagrafica.selectors import persona_search_for_user
from services.anagrafica.services import DuplicateCodiceFiscale, PossibleDuplicate
from services.core.errors import AmbitoError
from services.core.web import actor_of as _actor
from services.core.web import client_ip
from tenants.permissions import capability_required, has_capability
from tenants.roles import Capability

from . import selectors
from .forms import (
    SLOTS,
    ChiusuraForm,
    ConsensoForm,
    NuovaPersonaForm,
    RisorsaForm,
    RisorseSearchForm,
    SchedaFilterForm,
    SchedaForm,
    initial_scheda,
    tipi_for,
)
from .models import Consenso, SchedaAccesso
from .services import (
    consenso_registra,
    risorsa_create,
    risorsa_update,
    scheda_close,
    scheda_create,
)

View = Callable[..., HttpResponse]
READERS = (Capability.WRITE_SCHEDA_ACCESSO, Capability.VIEW_CARTELLA)


def _readers_only(view: View) -> View:
    """Schede are read by the front office (its own) and by the case-work roles (all):
    404 for non-members, 403 for members with neither capability."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            raise Http404
        if not any(has_capability(request, c) for c in READERS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_capability = "|".join(READERS)  # type: ignore[attr-defined]
    return wrapped


def _add_error(form: BaseForm, exc: AmbitoError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


# --- schede -------------------------------------------------------------------------------


@_readers_only
def accesso_list(request: HttpRequest) -> HttpResponse:
    form = SchedaFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {"stato": form.cleaned_data["stato"], "dal": form.cleaned_data["dal"],
                   "al": form.cleaned_data["al"], "solo_mie": form.cleaned_data["mie"],
                   "sportello": form.cleaned_data["sportello"]}
    schede = selectors.schede_filtrate(request.user, **filters)
    page = Paginator(schede, 50).get_page(request.GET.get("pagina"))
    selectors.audit_schede_page(request.user, ip_address=client_ip(request), filtro=filters,
                                righe=len(page.object_list), pagina=page.number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "accesso/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "sees_all": selectors.vede_tutte_le_schede(request.user),
        "can_write": has_capability(request, Capability.WRITE_SCHEDA_ACCESSO),
    })


SLOT_LABELS = {
    "utente": _lazy("La persona in stato di bisogno"),
    "interlocutore": _lazy("La persona che parla per l'utente o lo segnala"),
    "riferimento": _lazy("Persona di riferimento dell'utente (caregiver, familiare)"),
}


def _choose_existing(data: QueryDict) -> QueryDict:
    """The operator answered a duplicate warning: use the registered person for the slot,
    or confirm that the typed-in person is a different one."""
    data = data.copy()
    chosen = data.get("usa_persona", "")
    slot, _sep, public_id = chosen.partition(":")
    if slot in SLOTS and public_id:
        data[f"{slot}_id"] = public_id
        for field in NuovaPersonaForm.base_fields:
            data.pop(f"{slot}-{field}", None)
    confirm = data.get("conferma_omonimia", "")
    if confirm in SLOTS:
        data[f"{confirm}-conferma_omonimia"] = "on"
    return data


def _slot_for(exc: AmbitoError) -> str | None:
    slot = getattr(exc, "slot", None)
    if slot is None and exc.field in SLOTS:
        slot = exc.field
    return slot


@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def accesso_new(request: HttpRequest) -> HttpResponse:
    duplicate: dict[str, Any] | None = None
    if request.method == "POST":
        data = _choose_existing(request.POST)
        form = SchedaForm(data)
        nuove = {slot: NuovaPersonaForm(data, prefix=slot) for slot in SLOTS}
        valid = form.is_valid()
        for nuova in nuove.values():  # every form validated, so every error shows
            valid = nuova.is_valid() and valid
        if valid:
            try:
                scheda = scheda_create(actor=_actor(request), **form.service_kwargs(nuove))
            except (PossibleDuplicate, DuplicateCodiceFiscale) as exc:
                form.add_error(None, str(exc))
                duplicate = {"slot": _slot_for(exc), "persona": getattr(exc, "existing", None),
                             "omonimia": isinstance(exc, PossibleDuplicate)}
            except AmbitoError as exc:
                slot = _slot_for(exc)
                field = (exc.field or "").partition("-")[2]
                if slot and field in nuove[slot].fields:
                    nuove[slot].add_error(field, str(exc))
                    form.add_error(None, str(exc))
                else:
                    if exc.field == "data":  # the service's name for the contact date
                        exc.field = "data_contatto"
                    _add_error(form, exc)
            else:
                messages.success(request, _success_message(scheda))
                return redirect("accesso_detail", public_id=scheda.public_id)
    else:
        form = SchedaForm(initial=initial_scheda(request.user.pk))
        nuove = {slot: NuovaPersonaForm(prefix=slot) for slot in SLOTS}
    persone = getattr(form, "persone", dict.fromkeys(SLOTS))
    slots = [{"name": slot, "label": SLOT_LABELS[slot], "nuova": nuove[slot],
              "persona": persone.get(slot), "tipi": tipi_for(slot), "field": form[f"{slot}_id"]}
             for slot in SLOTS]
    return render(request, "accesso/form.html", {
        "form": form, "slots": slots, "duplicate": duplicate,
        "tipi": {name: tipi_for(name) for name in form.fields},
    })


def _mandato_se_negato(scheda: SchedaAccesso) -> SchedaAccesso | None:
    """The judicial order that keeps the service acting on a scheda whose person refused."""
    if (scheda.utente is None or scheda.consenso is None
            or scheda.consenso.stato != Consenso.Stato.NEGATO):
        return None
    return selectors.mandato_autorita_giudiziaria(scheda.utente)


def _success_message(scheda: SchedaAccesso) -> str:
    E = SchedaAccesso.Esito
    if scheda.esito == E.CONSENSO_NEGATO:
        return _("Scheda n. %(n)s registrata in forma anonima: senza consenso non si registrano "
                 "dati personali e il servizio non può attivare aiuti.") % {"n": scheda.numero}
    mandato = _mandato_se_negato(scheda)
    if mandato is not None:
        return _("Scheda n. %(n)s registrata. Il diniego del consenso è stato registrato ma "
                 "non ferma il servizio, che agisce su mandato dell'autorità giudiziaria "
                 "(provvedimento n. %(p)s del %(d)s).") % {
            "n": scheda.numero, "p": mandato.provvedimento_numero,
            "d": f"{mandato.provvedimento_data:%d/%m/%Y}" if mandato.provvedimento_data else "—"}
    if scheda.stato == SchedaAccesso.Stato.INOLTRATA:
        return _("Scheda n. %(n)s registrata e inoltrata all'assistente sociale.") % {
            "n": scheda.numero}
    return _("Scheda n. %(n)s registrata.") % {"n": scheda.numero}


def _detail(request: HttpRequest, scheda: SchedaAccesso, close_form: ChiusuraForm | None,
            status: int = 200) -> HttpResponse:
    can_close = (scheda.stato == SchedaAccesso.Stato.APERTA
                 and has_capability(request, Capability.WRITE_SCHEDA_ACCESSO))
    if can_close and close_form is None:
        close_form = ChiusuraForm(scheda=scheda)
    return render(request, "accesso/detail.html", {
        "scheda": scheda, "close_form": close_form if can_close else None,
        "risorse": scheda.risorse_proposte.order_by("nome"),
        "rappresentanza_verificata": selectors.rappresentanza_verificata(scheda),
        "mandato": _mandato_se_negato(scheda),
    }, status=status)


@_readers_only
def accesso_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scheda = selectors.get_scheda_for_user(request.user, public_id,
                                           ip_address=client_ip(request))
    return _detail(request, scheda, None)


@require_POST
@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def accesso_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    scheda = selectors.get_scheda_for_user(request.user, public_id, write=True)
    form = ChiusuraForm(request.POST, scheda=scheda)
    if form.is_valid():
        try:
            scheda = scheda_close(actor=_actor(request), scheda=scheda,
                                  esito=form.cleaned_data["esito"],
                                  motivo=form.cleaned_data["motivo"],
                                  risorse=form.cleaned_data["risorse"],
                                  assistente_id=form.cleaned_data["assistente"])
        except AmbitoError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Scheda n. %(n)s chiusa: %(esito)s.")
                             % {"n": scheda.numero, "esito": scheda.get_esito_display()})
            return redirect("accesso_detail", public_id=scheda.public_id)
    return _detail(request, scheda, form)


@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def accesso_persona_search(request: HttpRequest) -> HttpResponse:
    """htmx: registry persons matching the text typed in a slot's search box."""
    slot = request.GET.get("slot", "")
    if slot not in SLOTS:
        raise Http404
    query = request.GET.get(f"{slot}_cerca", "").strip()
    persone = (persona_search_for_user(request.user, query, ip_address=client_ip(request),
                                       limit=10, contesto="accesso")
               if len(query) >= 2 else [])
    consensi = selectors.consensi_attuali(persone)
    results = [{"persona": p, "consenso": consensi.get(p.pk)} for p in persone]
    return render(request, "accesso/_persona_results.html",
                  {"slot": slot, "results": results, "query": query})


# --- consent from the person's page -------------------------------------------------------


def _consenso_message(consenso: Any, mandato: SchedaAccesso | None) -> str:
    if consenso.stato == Consenso.Stato.CONCESSO:
        return _("Consenso registrato: ora è in vigore.")
    if mandato is not None:
        return _("%(stato)s registrato: non ferma il servizio, che agisce su mandato "
                 "dell'autorità giudiziaria (provvedimento n. %(p)s).") % {
            "stato": consenso.get_stato_display(), "p": mandato.provvedimento_numero}
    return _("%(stato)s registrato: è in vigore. Senza consenso il servizio non può "
             "registrare nuovi dati sul bisogno della persona né attivare aiuti.") % {
        "stato": consenso.get_stato_display()}


@require_POST
@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def accesso_consenso(request: HttpRequest, persona_id: Any) -> HttpResponse:
    from services.anagrafica.selectors import get_persona_for_user
    from services.anagrafica.views import persona_detail

    persona = get_persona_for_user(request.user, persona_id, log_read=False)
    form = ConsensoForm(request.POST, persona=persona)
    if form.is_valid():
        try:
            consenso = consenso_registra(actor=_actor(request), persona=persona,
                                         **form.service_kwargs())
        except AmbitoError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _consenso_message(
                consenso, selectors.mandato_autorita_giudiziaria(persona)))
            return redirect("anagrafica_detail", public_id=persona.public_id)
    messages.error(request, _("Controlla i dati inseriti: non è stato salvato nulla."))
    return persona_detail(request, persona.public_id, forms_with_errors={"consenso": form})


# --- resources of the territory -----------------------------------------------------------


@capability_required(Capability.VIEW_ANAGRAFICA)
def risorse_list(request: HttpRequest) -> HttpResponse:
    form = RisorseSearchForm(request.GET or None)
    q = area = ""
    if form.is_valid():
        q, area = form.cleaned_data["q"], form.cleaned_data["area_target"]
    can_edit = has_capability(request, Capability.WRITE_SCHEDA_ACCESSO)
    risorse = selectors.risorse_search(q, area, solo_attive=not can_edit)
    return render(request, "accesso/risorse_list.html",
                  {"form": form, "risorse": risorse, "can_edit": can_edit, "searched": bool(q)})


@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def risorse_new(request: HttpRequest) -> HttpResponse:
    form = RisorsaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            risorsa = risorsa_create(actor=_actor(request), **form.cleaned_data)
        except AmbitoError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Risorsa «%(n)s» aggiunta.") % {"n": risorsa.nome})
            return redirect("risorse_list")
    return render(request, "accesso/risorsa_form.html", {"form": form, "risorsa": None})


@capability_required(Capability.WRITE_SCHEDA_ACCESSO)
def risorse_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    risorsa = selectors.get_risorsa(public_id)
    if request.method == "POST":
        # Unbound from the instance: the service compares the stored values with these.
        form = RisorsaForm(request.POST)
        if form.is_valid():
            try:
                risorsa_update(actor=_actor(request), risorsa=risorsa, **form.cleaned_data)
            except AmbitoError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("Risorsa «%(n)s» aggiornata.") % {"n": risorsa.nome})
                return redirect("risorse_list")
    else:
        form = RisorsaForm(initial=model_to_dict(risorsa, fields=RisorsaForm.Meta.fields))
    return render(request, "accesso/risorsa_form.html", {"form": form, "risorsa": risorsa})
