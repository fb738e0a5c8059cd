"""Pages of the assegni di maternità and al nucleo familiare: list (with the applications
still to complete), new application, completion of an application registered without its
assegno data, the assegno's page (its data, INPS transmission), statistics with chart and
Excel export. The outcome is given on the application's page (domande_detail)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.core.errors import AmbitoError, NotFound
from services.core.web import actor_of, form_error
from services.domande.services import Dsu
from services.domande.views import domanda_for
from tenants.permissions import capability_required
from tenants.roles import Capability

from . import forms as f
from . import services as svc
from .export import StatisticheExporter
from .models import Assegno
from .selectors import assegni_elenco, domande_da_completare, get_assegno, grafico
from .selectors import assegni_statistiche as statistiche_per_anno

PER_PAGINA = 50
# The applications to complete shown on the list, oldest first; the total is shown too.
DA_COMPLETARE_MOSTRATE = 50


def assegno_for(public_id: Any) -> Assegno:
    try:
        return get_assegno(public_id)
    except NotFound as exc:
        raise Http404 from exc


def _dsu(d: dict[str, Any]) -> Dsu:
    return Dsu(protocollo=d.get("dsu_protocollo") or "", anno=d.get("dsu_anno"),
               data=d.get("dsu_data"), isee_valore=d.get("isee_valore"),
               isee_tipo=d.get("isee_tipo") or "")


def _dati(d: dict[str, Any]) -> svc.DatiAssegno:
    return svc.DatiAssegno(
        figlio_cognome=d.get("figlio_cognome") or "", figlio_nome=d.get("figlio_nome") or "",
        figlio_data_nascita=d.get("figlio_data_nascita"),
        componenti_nucleo=d.get("componenti_nucleo"), figli_minori=d.get("figli_minori"),
        periodo_dal=d.get("periodo_dal"), periodo_al=d.get("periodo_al"),
        importo_mensile=d.get("importo_mensile"), importo_totale=d.get("importo_totale"),
        trasmessa_inps_il=d.get("trasmessa_inps_il"))


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_list(request: HttpRequest) -> HttpResponse:
    form = f.FiltroForm(request.GET or None)
    filtri: dict[str, Any] = {}
    if form.is_valid():
        filtri = {k: v for k, v in form.cleaned_data.items() if v}
    pagina = Paginator(assegni_elenco(**filtri), PER_PAGINA).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    da_completare = list(domande_da_completare()[:DA_COMPLETARE_MOSTRATE])
    totale = (len(da_completare) if len(da_completare) < DA_COMPLETARE_MOSTRATE
              else domande_da_completare().count())
    return render(request, "assegni/list.html",
                  {"form": form, "pagina": pagina, "query": query.urlencode(),
                   "da_completare": da_completare, "da_completare_totale": totale})


def _persona_della_bozza(value: str | None) -> Persona | None:
    try:
        return Persona.objects.filter(public_id=uuid.UUID(str(value)),
                                      unita_in__isnull=True).first()
    except ValueError:
        return None


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_new(request: HttpRequest) -> HttpResponse:
    # Coming from the applications' quick entry: what was typed there, once.
    bozza = request.session.pop(f.BOZZA_SESSIONE, None) if request.method == "GET" else None
    form = f.AssegnoNewForm(request.POST or None, initial=bozza)
    persona = _persona_della_bozza(bozza.get("persona")) if bozza else None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        persona = Persona.objects.filter(public_id=d["persona"], unita_in__isnull=True).first()
        if persona is None:
            form.add_error("persona", _("Scegli il richiedente dall'anagrafica."))
        else:
            try:
                assegno = svc.assegno_create(
                    actor=actor_of(request), persona=persona, servizio=d["servizio"],
                    numero_protocollo=d["numero_protocollo"], data_protocollo=d["data_protocollo"],
                    dati=_dati(d), note=d.get("note") or "", dsu=_dsu(d))
            except AmbitoError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Domanda di assegno registrata."))
                return redirect("assegni_detail", public_id=assegno.public_id)
    return render(request, "assegni/new.html", {"form": form, "persona": persona},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_completa(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The assegno's data for an application registered without them (from the protocol)."""
    domanda = domanda_for(request, public_id, pagina="assegno")
    try:
        svc.verifica_completabile(domanda)
    except AmbitoError as exc:
        messages.error(request, str(exc))
        return redirect("domande_detail", public_id=domanda.public_id)
    iniziali = {n: getattr(domanda, n) for n in f.CAMPI_DSU}
    form = f.AssegnoCompletaForm(request.POST or None, initial=iniziali, domanda=domanda)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assegno = svc.assegno_completa(actor=actor_of(request), domanda=domanda,
                                           dati=_dati(d), dsu=_dsu(d) if form.ha_dsu else None)
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Dati dell'assegno registrati."))
            return redirect("assegni_detail", public_id=assegno.public_id)
    return render(request, "assegni/completa.html", {"form": form, "domanda": domanda},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    assegno = assegno_for(public_id)
    iniziali = {n: getattr(assegno, n) for n in svc.CAMPI}
    form = f.DatiAssegnoForm(request.POST or None, initial=iniziali)
    if request.method == "POST" and form.is_valid():
        try:
            svc.assegno_update(actor=actor_of(request), assegno=assegno, dati=_dati(form.cleaned_data))
        except AmbitoError as exc:
            form_error(form, exc)
            assegno.refresh_from_db()
        else:
            messages.success(request, _("Dati dell'assegno aggiornati."))
            return redirect("assegni_detail", public_id=assegno.public_id)
    return render(request, "assegni/detail.html", {"assegno": assegno, "domanda": assegno.domanda,
                                                   "form": form},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_statistiche(request: HttpRequest) -> HttpResponse:
    tipo = request.GET.get("tipo", "")
    tipo = tipo if tipo in Assegno.Tipo.values else ""
    righe = statistiche_per_anno(tipo=tipo)
    return render(request, "assegni/statistiche.html",
                  {"righe": righe, "chart": grafico(righe), "tipo": tipo,
                   "tipi": Assegno.Tipo.choices})


@capability_required(Capability.MANAGE_DOMANDE)
def assegni_export(request: HttpRequest) -> HttpResponse:
    return StatisticheExporter(statistiche_per_anno()).response("xlsx", actor=actor_of(request))
