"""Pages of the shared catalogue: the platform admin loads editions (public host); the zone
browses the codes and keeps its common list of services (zona host)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from services.core.errors import AmbitoError, NotFound
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required, has_capability, platform_admin_required
from tenants.roles import Capability

from . import selectors
from .forms import CatalogoFiltroForm, EdizioneForm, VoceListinoForm
from .models import Edizione
from .services import edizione_carica, listino_voce_create, listino_voce_update

PER_PAGE = 50


def _codici_context(request: HttpRequest) -> dict:
    filtro = CatalogoFiltroForm(request.GET or None)
    dati = filtro.cleaned_data if filtro.is_valid() else {}
    tipo = dati.get("tipo") or Edizione.Tipo.INPS
    qs = selectors.voci_catalogo(tipo, q=dati.get("q", ""), solo_in_vigore=dati.get("in_vigore", False))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return {"filtro": filtro, "tipo": tipo, "page": page, "query": query.urlencode(),
            "tipo_label": Edizione.Tipo(tipo).label}


@platform_admin_required
def catalogo_admin(request: HttpRequest) -> HttpResponse:
    form = EdizioneForm()
    if request.method == "POST":
        form = EdizioneForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                esito = edizione_carica(
                    tipo=d["tipo"], codice=d["codice"], data=d["file"].read(),
                    in_vigore_dal=d["in_vigore_dal"], titolo=d["titolo"], fonte=d["fonte"],
                    actor=actor_of(request),
                )
            except AmbitoError as exc:
                form_error(form, exc)
            else:
                if esito.cambiato:
                    messages.success(request, str(esito))
                else:
                    messages.info(request, _("Edizione già caricata: nulla è cambiato."))
                return redirect("catalogo_admin")
    return render(request, "catalogo/catalogo_admin.html",
                  {"form": form, "edizioni": selectors.edizioni(), **_codici_context(request)})


@capability_required(Capability.VIEW_ZONE_REPORTS)
def catalogo_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogo/catalogo_list.html",
                  {"edizioni": selectors.edizioni(), **_codici_context(request)})


@capability_required(Capability.VIEW_ZONE_REPORTS)
def listino_list(request: HttpRequest) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    return render(request, "catalogo/listino_list.html", {
        "zona": zona,
        "voci": selectors.listino_della_zona(zona),
        "comuni": zona.comuni.order_by("name"),
        "can_edit": has_capability(request, Capability.MANAGE_PIANO_ZONA),
    })


@capability_required(Capability.MANAGE_PIANO_ZONA)
def listino_form(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    zona = request.tenant.zona  # type: ignore[attr-defined]
    voce = None
    if public_id is not None:
        try:
            voce = selectors.get_voce_listino(zona, public_id)
        except NotFound as exc:
            raise Http404 from exc
    form = VoceListinoForm(request.POST or None, instance=voce)
    if request.method == "POST" and form.is_valid():
        try:
            if voce is None:
                listino_voce_create(actor=actor_of(request), zona=zona, **form.cleaned_data)
                messages.success(request, _("Servizio aggiunto al listino."))
            else:
                listino_voce_update(actor=actor_of(request), voce=voce, **form.cleaned_data)
                messages.success(request, _("Voce del listino aggiornata."))
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            return redirect("listino_list")
    return render(request, "catalogo/listino_form.html", {"form": form, "voce": voce})
