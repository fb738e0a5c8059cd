"""Pages of the applications: list with filters, quick entry, the application page (history,
changes, outcome), assignment to the social workers and a worker's queue."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.anagrafica.models import Persona
from services.core.errors import AmbitoError, NotAllowed
from services.core.web import actor_of, client_ip, form_error
from services.interventi.models import Servizio
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import forms as f
from . import services as svc
from .models import Domanda
from .selectors import (
    audit_domande_page,
    coda_operatore,
    domande_elenco,
    get_domanda_for_user,
    operatori_con_carico,
    storia_domanda,
    suggerimenti,
)

PER_PAGINA = 50


def domanda_for(request: HttpRequest, public_id: Any, *, pagina: str = "dettaglio") -> Domanda:
    """Through the access helper: opening a page (GET) is a read; a POST is audited by the
    service it calls."""
    return get_domanda_for_user(request.user, public_id, ip_address=client_ip(request),
                                pagina=pagina, log_read=request.method == "GET")


def _scelte_operatori() -> list[tuple[int, str]]:
    return [(o.user_id, o.label) for o in operatori_con_carico()]


def proponi_url(domanda: Domanda) -> str | None:
    """The proposal page of the interventions app, once it exists."""
    try:
        return f"{reverse('intervento_new')}?domanda={domanda.public_id}"
    except NoReverseMatch:
        return None


def _dsu(data: dict[str, Any]) -> svc.Dsu:
    return svc.Dsu(protocollo=data.get("dsu_protocollo") or "", anno=data.get("dsu_anno"),
                   data=data.get("dsu_data"), isee_valore=data.get("isee_valore"),
                   isee_tipo=data.get("isee_tipo") or "")


# --- list and queue -----------------------------------------------------------------------


@capability_required(Capability.MANAGE_DOMANDE)
def domande_list(request: HttpRequest) -> HttpResponse:
    form = f.FiltroForm(request.GET or None, operatori=_scelte_operatori())
    filtri: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        filtri = {"stato": d["stato"], "servizio": d["servizio"], "assegnata_a": d["assegnata_a"],
                  "anno": d["anno"], "q": d["q"]}
    pagina = Paginator(domande_elenco(**filtri), PER_PAGINA).get_page(request.GET.get("pagina"))
    audit_domande_page(request.user, ip_address=client_ip(request), filtro=filtri,
                       righe=len(pagina.object_list), pagina=pagina.number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "domande/list.html", {
        "form": form, "pagina": pagina, "query": query.urlencode(),
        "filtered": any(request.GET.get(k) for k in ("q", "stato", "servizio", "assegnata_a", "anno")),
    })


@capability_required(Capability.PROPOSE_INTERVENTO)
def domande_coda(request: HttpRequest) -> HttpResponse:
    domande = list(coda_operatore(int(request.user.pk or 0)))
    audit_domande_page(request.user, action="domanda.coda", ip_address=client_ip(request),
                       filtro={"assegnata_a": request.user.pk}, righe=len(domande))
    return render(request, "domande/coda.html", {"domande": domande})


# --- quick entry --------------------------------------------------------------------------


def _servizi_attivi() -> Any:
    return Servizio.objects.filter(attivo=True).order_by("nome")


def _servizio_scelto(request: HttpRequest) -> Servizio | None:
    valore = request.POST.get("servizio") or request.GET.get("servizio")
    if not valore or not str(valore).isdigit():
        return None
    return _servizi_attivi().filter(pk=int(valore)).first()


def _new_form(request: HttpRequest) -> f.DomandaNewForm:
    servizio = _servizio_scelto(request)
    form = f.DomandaNewForm(request.POST or None, servizi=_servizi_attivi(),
                            initial={"servizio": servizio.pk} if servizio else None)
    form.limita(f.campi_del_servizio(servizio))
    form.fields["servizio"].widget.attrs.update({
        "hx-get": reverse("domande_new_campi"), "hx-target": "#campi-servizio",
        "hx-trigger": "change", "hx-swap": "outerHTML"})
    return form


@capability_required(Capability.MANAGE_DOMANDE)
def domande_new_campi(request: HttpRequest) -> HttpResponse:
    """HTMX: the fields the chosen service asks for."""
    return render(request, "domande/_campi.html",
                  {"form": _new_form(request), "servizio": _servizio_scelto(request)})


def _al_modulo_assegni(request: HttpRequest) -> HttpResponse:
    """An assegno di maternità / al nucleo is registered by the assegni app, which creates the
    application and the assegno together (``assegno_create``): the quick entry hands over
    what was typed instead of registering an application without its assegno."""
    from services.assegni.forms import BOZZA_SESSIONE, bozza_da

    request.session[BOZZA_SESSIONE] = bozza_da(request.POST)
    messages.info(request, _("Per un assegno la domanda si registra insieme ai dati "
                             "dell'assegno: completali qui."))
    return redirect("assegni_new")


@capability_required(Capability.MANAGE_DOMANDE)
def domande_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        from services.assegni.services import TIPI_SERVIZIO

        scelto = _servizio_scelto(request)
        if scelto is not None and scelto.tipo in TIPI_SERVIZIO:
            return _al_modulo_assegni(request)
    form = _new_form(request)
    persona = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        persona = Persona.objects.filter(public_id=d["persona"], unita_in__isnull=True).first()
        if persona is None:
            form.add_error("persona", _("Scegli il richiedente dall'anagrafica."))
        else:
            try:
                domanda = svc.domanda_create(
                    actor=actor_of(request), persona=persona, servizio=d["servizio"],
                    numero_protocollo=d["numero_protocollo"], data_protocollo=d["data_protocollo"],
                    dsu=_dsu(d), importo_richiesto=d.get("importo_richiesto"),
                    oggetto=d.get("oggetto") or "", note=d.get("note") or "",
                    conferma_importo=bool(d.get("conferma_importo")))
            except AmbitoError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Domanda n. %(n)s registrata.")
                                 % {"n": domanda.numero_protocollo})
                return redirect("domande_detail", public_id=domanda.public_id)
    elif request.method == "POST":
        persona = _persona_scelta(form.data.get("persona"))
    return render(request, "domande/new.html",
                  {"form": form, "persona": persona, "servizio": _servizio_scelto(request)},
                  status=400 if form.errors else 200)


def _persona_scelta(value: Any) -> Persona | None:
    """The person already picked, shown again when the form comes back with errors."""
    try:
        return Persona.objects.filter(public_id=uuid.UUID(str(value))).first()
    except ValueError:
        return None


# --- one application ----------------------------------------------------------------------


def _riassegna_form(domanda: Domanda, data: Any = None) -> f.RiassegnaForm:
    """The social workers the application may move to (not the one who has it now)."""
    scelte = [(o.user_id, f"{o.label} ({o.carico})") for o in operatori_con_carico()
              if o.user_id != domanda.assegnata_a_id]
    return f.RiassegnaForm(data, operatori=scelte)


def _render_detail(request: HttpRequest, domanda: Domanda, *, esito_form: f.EsitoForm | None = None,
                   riassegna_form: f.RiassegnaForm | None = None,
                   status: int = 200) -> HttpResponse:
    return render(request, "domande/detail.html", {
        "domanda": domanda,
        "storia": list(storia_domanda(domanda)[:100]),
        "esito_form": esito_form or f.EsitoForm(),
        "riassegna_form": (riassegna_form or _riassegna_form(domanda)
                           if domanda.assegnata_a_id and not domanda.is_chiusa else None),
        "proponi_url": proponi_url(domanda) if not domanda.is_chiusa or
        domanda.stato == Domanda.Stato.ACCOLTA else None,
        **_assegno_links(domanda),
    }, status=status)


def _assegno_links(domanda: Domanda) -> dict[str, str | None]:
    """The page of the application's assegno, or (an application of an assegno service
    registered without one, e.g. from the protocol) the form to complete it."""
    from services.assegni.models import ESITI_CHIUSI, TIPI_SERVIZIO, Assegno

    links: dict[str, str | None] = {"assegno_url": None, "completa_assegno_url": None}
    assegno = Assegno.objects.filter(domanda=domanda).only("public_id").first()
    if assegno is not None:
        links["assegno_url"] = reverse("assegni_detail", kwargs={"public_id": assegno.public_id})
    elif domanda.servizio.tipo in TIPI_SERVIZIO and domanda.stato not in ESITI_CHIUSI:
        links["completa_assegno_url"] = reverse("assegni_completa",
                                                kwargs={"public_id": domanda.public_id})
    return links


@capability_required(Capability.MANAGE_DOMANDE)
def domande_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_detail(request, domanda_for(request, public_id))


@capability_required(Capability.MANAGE_DOMANDE)
def domande_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    domanda = domanda_for(request, public_id, pagina="modifica")
    if domanda.is_chiusa:
        messages.error(request, _("La domanda è chiusa: non si modifica più."))
        return redirect("domande_detail", public_id=domanda.public_id)
    iniziali = {n: getattr(domanda, n) for n in (*f.SEMPRE, *f.CAMPI_FACOLTATIVI)}
    form = f.DomandaEditForm(request.POST or None, initial=iniziali)
    campi = f.campi_del_servizio(domanda.servizio)
    # Data already on the application stays editable even if the service no longer asks it.
    campi += [n for n in f.CAMPI_FACOLTATIVI if n not in campi and iniziali[n] not in (None, "")]
    form.limita(campi)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data.items())
        for name in ("dsu_protocollo", "isee_tipo", "oggetto", "note"):
            if name in changes and changes[name] is None:
                changes[name] = ""
        try:
            svc.domanda_update(actor=actor_of(request), domanda=domanda, **changes)
        except AmbitoError as exc:
            form_error(form, exc)
            domanda.refresh_from_db()
        else:
            messages.success(request, _("Domanda aggiornata."))
            return redirect("domande_detail", public_id=domanda.public_id)
    return render(request, "domande/edit.html", {"form": form, "domanda": domanda},
                  status=400 if form.errors else 200)


@require_POST
@capability_required(Capability.MANAGE_DOMANDE)
def domande_esito(request: HttpRequest, public_id: Any) -> HttpResponse:
    domanda = domanda_for(request, public_id)
    form = f.EsitoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.domanda_esito(actor=actor_of(request), domanda=domanda, esito=d["esito"],
                              motivazione=d["motivazione"], data=d["data"])
        except AmbitoError as exc:
            form_error(form, exc)
            domanda.refresh_from_db()
        else:
            messages.success(request, _("Esito registrato: %(s)s.") % {"s": domanda.get_stato_display()})
            return redirect("domande_detail", public_id=domanda.public_id)
    return _render_detail(request, domanda, esito_form=form, status=400)


@require_POST
@capability_required(Capability.MANAGE_DOMANDE)
def domande_riassegna(request: HttpRequest, public_id: Any) -> HttpResponse:
    domanda = domanda_for(request, public_id)
    form = _riassegna_form(domanda, request.POST)
    try:
        svc.verifica_riassegnabile(domanda)
        if form.is_valid():
            svc.domanda_riassegna(actor=actor_of(request), domanda=domanda,
                                  assegnatario=form.cleaned_data["operatore"],
                                  motivo=form.cleaned_data["motivo"])
            messages.success(request, _("Domanda riassegnata a %(who)s, che è stato/a "
                                        "avvisato/a.") % {"who": domanda.assegnata_a_label})
            return redirect("domande_detail", public_id=domanda.public_id)
    except NotAllowed as exc:  # closed, also meanwhile
        messages.error(request, str(exc))
        return redirect("domande_detail", public_id=domanda.public_id)
    except AmbitoError as exc:
        form_error(form, exc)
        domanda.refresh_from_db()
    return _render_detail(request, domanda, riassegna_form=form, status=400)


# --- assignment ---------------------------------------------------------------------------


@capability_required(Capability.MANAGE_DOMANDE)
def domande_assegna(request: HttpRequest) -> HttpResponse:
    """The new applications not yet assigned, each with the suggested worker; several are
    assigned at once to the worker chosen."""
    da_assegnare = domande_elenco(stato=Domanda.Stato.PRESENTATA, assegnata_a=0).order_by(
        "data_protocollo", "id")
    operatori = operatori_con_carico()
    scelte = [(o.user_id, f"{o.label} ({o.carico})") for o in operatori]
    come_suggerito = "come_suggerito" in request.POST
    form = f.AssegnaForm(request.POST or None, domande=da_assegnare, operatori=scelte)
    if come_suggerito:
        form.fields["operatore"].required = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        scelte_domande = sorted(d["domande"], key=lambda x: (x.data_protocollo, x.pk))
        if come_suggerito:
            gruppi: dict[int, list[Domanda]] = {}
            for domanda, operatore in suggerimenti(scelte_domande, operatori).items():
                gruppi.setdefault(operatore.user_id, []).append(
                    next(x for x in scelte_domande if x.pk == domanda))
        else:
            gruppi = {d["operatore"]: scelte_domande}
        try:
            with transaction.atomic():
                fatte = [x for uid, gruppo in gruppi.items() for x in svc.domande_assegna(
                    actor=actor_of(request), domande=gruppo, operatore_id=uid)]
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            if not fatte:
                form.add_error(None, _("Nessun assistente sociale abilitato nel comune a cui "
                                       "assegnare le domande."))
            else:
                messages.success(request, _("%(n)s domande assegnate.") % {"n": len(fatte)})
                return redirect("domande_assegna")
    elenco = list(da_assegnare[:200])
    audit_domande_page(request.user, action="domanda.elenco", ip_address=client_ip(request),
                       filtro={"stato": Domanda.Stato.PRESENTATA, "assegnata_a": "nessuno"},
                       righe=len(elenco))
    consigli = suggerimenti(elenco, operatori)
    righe = [(d, consigli.get(d.pk)) for d in elenco]
    return render(request, "domande/assegna.html",
                  {"form": form, "righe": righe, "operatori": operatori,
                   "scelte": {str(v) for v in request.POST.getlist("domande")}},
                  status=400 if form.errors else 200)
