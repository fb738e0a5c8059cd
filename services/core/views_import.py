"""The page of one import job, the same for every import: the status box while it runs
(HTMX polls it), then the counters and the rejected rows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models_import import ImportJob


def importjob_detail(request: HttpRequest, importazione: ImportJob, *, template: str,
                     template_stato: str, per_pagina: int,
                     contesto: dict[str, Any] | None = None) -> HttpResponse:
    """``template`` extends core/import/detail.html; ``template_stato`` extends
    core/import/_status.html and is what the HTMX poll gets every second. ``contesto``: what
    an app's templates show besides the job."""
    contesto = {"importazione": importazione, **(contesto or {})}
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, template_stato, contesto)
        if importazione.is_finished:
            # The poll that sees the end reloads the page, which then lists rejected rows.
            response["HX-Refresh"] = "true"
        return response
    scartate = Paginator(
        importazione.righe_scartate.order_by("numero_riga"),  # type: ignore[attr-defined]
        per_pagina).get_page(request.GET.get("pagina"))
    return render(request, template, {**contesto, "scartate": scartate,
                                      "template_stato": template_stato})
