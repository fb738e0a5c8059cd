"""Pages of the protocol import: past imports with the upload form, progress and rejected
rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from services.core.errors import AmbitoError
from services.core.upload import upload_limit
from services.core.views_import import importjob_detail
from services.core.web import actor_of, form_error
from tenants.permissions import capability_required
from tenants.roles import Capability

from .forms import ImportProtocolloForm
from .importer import importazione_avvia
from .importer.tracciato import COLONNE, DIMENSIONE_MASSIMA
from .models import ImportProtocollo
from .selectors import assegni_da_completare

PER_PAGINA = 50


def _importazione(public_id: Any) -> ImportProtocollo:
    importazione = ImportProtocollo.objects.filter(public_id=public_id).first()
    if importazione is None:
        raise Http404
    return importazione


@upload_limit(DIMENSIONE_MASSIMA)
@capability_required(Capability.MANAGE_DOMANDE)
def domande_import_list(request: HttpRequest) -> HttpResponse:
    form = ImportProtocolloForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            importazione = importazione_avvia(actor=actor_of(request),
                                              file=form.cleaned_data["file"])
        except AmbitoError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("File caricato: l'importazione è in corso."))
            return redirect("domande_import_detail", public_id=importazione.public_id)
    pagina = Paginator(ImportProtocollo.objects.order_by("-created_at", "-id"),
                       PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(request, "domande/import/list.html",
                  {"form": form, "pagina": pagina, "colonne": ";".join(COLONNE)},
                  status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_DOMANDE)
def domande_import_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    importazione = _importazione(public_id)
    # Once done: its applications for an assegno still waiting for the assegno's data.
    da_completare = assegni_da_completare(importazione) if importazione.is_finished else 0
    return importjob_detail(request, importazione,
                            template="domande/import/detail.html",
                            template_stato="domande/import/_status.html",
                            per_pagina=PER_PAGINA,
                            contesto={"assegni_da_completare": da_completare})
