"""Pages of the register import: past imports, upload, progress and rejected rows."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from services.core.errors import AmbitoError, NotFound
from services.core.upload import upload_limit
from services.core.views_import import importjob_detail
from services.core.web import actor_of as _actor
from tenants.permissions import capability_required
from tenants.roles import Capability

from .forms_import import ImportAnagrafeForm
from .importer import importazione_avvia, righe_scartate_esporta
from .importer.selectors import get_importazione, importazioni_elenco, stesso_file_gia_importato
from .importer.tracciato import DIMENSIONE_MASSIMA, RELAZIONI
from .models import ImportAnagrafe

PER_PAGINA = 50


def _importazione(public_id: UUID) -> ImportAnagrafe:
    try:
        return get_importazione(public_id)
    except NotFound as exc:
        raise Http404 from exc


@capability_required(Capability.IMPORT_ANAGRAFE)
def import_list(request: HttpRequest) -> HttpResponse:
    pagina = Paginator(importazioni_elenco(), PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(request, "anagrafica/import/list.html", {"pagina": pagina})


@upload_limit(DIMENSIONE_MASSIMA)
@capability_required(Capability.IMPORT_ANAGRAFE)
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportAnagrafeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            importazione = importazione_avvia(actor=_actor(request), file=form.cleaned_data["file"])
        except AmbitoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("File caricato: l'importazione è in corso."))
            precedente = stesso_file_gia_importato(importazione)
            if precedente is not None:
                messages.info(request, _(
                    "Lo stesso file era già stato caricato il %(d)s: le persone già importate "
                    "risulteranno senza variazioni.")
                    % {"d": precedente.created_at.strftime("%d/%m/%Y %H:%M")})
            return redirect("anagrafica_import_detail", public_id=importazione.public_id)
    return render(request, "anagrafica/import/new.html",
                  {"form": form, "relazioni": RELAZIONI.items()})


@capability_required(Capability.IMPORT_ANAGRAFE)
def import_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return importjob_detail(request, _importazione(public_id),
                            template="anagrafica/import/detail.html",
                            template_stato="anagrafica/import/_status.html",
                            per_pagina=PER_PAGINA)


@capability_required(Capability.IMPORT_ANAGRAFE)
def import_scartate_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    importazione = _importazione(public_id)
    return righe_scartate_esporta(actor=_actor(request), importazione=importazione).response("csv")
