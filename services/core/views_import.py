"""The page of one import job, the same for every import: the status box while it runs
(HTMX polls it), then the counters and the rejected rows; an interrupted job (its worker
died) with the time of its last heartbeat and a "Riprendi" button; the job's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .errors import AmbitoError
from .importjob import importjob_interrompi_se_ferma, importjob_riprendi
from .models import AuditEntry
from .models_import import ImportJob
from .web import actor_of


def importjob_detail(request: HttpRequest, importazione: ImportJob, *, template: str,
                     template_stato: str, per_pagina: int,
                     contesto: dict[str, Any] | None = None) -> HttpResponse:
    """``template`` extends core/import/detail.html; ``template_stato`` extends
    core/import/_status.html and is what the HTMX poll gets every second. ``contesto``: what
    an app's templates show besides the job. A POST resumes an interrupted job: the app's
    view has already checked the capability to import."""
    if request.method == "POST":
        try:
            importjob_riprendi(job=importazione, actor=actor_of(request))
        except AmbitoError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("L'importazione riprende dall'ultima parte completata."))
        return redirect(request.path)
    importazione = importjob_interrompi_se_ferma(importazione)
    contesto = {"importazione": importazione, **(contesto or {})}
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, template_stato, contesto)
        # The box says which state the page was drawn for (``visto``).
        visto = request.GET.get("visto", "")
        if importazione.is_finished or (
                visto and (visto == ImportJob.Stato.INTERRUPTED) != importazione.is_interrupted):
            # The poll that sees the end reloads the page, which then lists rejected rows;
            # so does an interruption, or a resume, which change the history below the box.
            response["HX-Refresh"] = "true"
        return response
    scartate = Paginator(
        importazione.righe_scartate.order_by("numero_riga"),  # type: ignore[attr-defined]
        per_pagina).get_page(request.GET.get("pagina"))
    return render(request, template, {**contesto, "scartate": scartate,
                                      "template_stato": template_stato,
                                      "cronologia": cronologia(importazione)})


@dataclass(frozen=True)
class Evento:
    at: datetime
    testo: str


def cronologia(job: ImportJob) -> list[Evento]:
    """The job's life from its audit entries: upload, interruptions, resumes, end."""
    eventi = []
    for e in AuditEntry.objects.filter(object_type=job._meta.label_lower,
                                       object_id=str(job.public_id)).order_by("at", "pk"):
        codice = e.action.rsplit(".", 1)[-1]
        p = e.payload or {}
        if codice == "importazione_avviata":
            testo = _("Caricata da %(chi)s") % {"chi": e.actor_label or job.caricato_da_label}
        elif codice == "importazione_completata":
            testo = _("Completata")
        elif codice == "importazione_fallita":
            testo = _("Non riuscita")
        elif e.action == "importazione.interrotta":
            segnale = p.get("ultimo_segnale")
            quando = formats.date_format(timezone.localtime(datetime.fromisoformat(segnale)),
                                         "d/m/Y H:i:s") if segnale else "—"
            testo = _("Interrotta: nessun segnale dal lavoro dalle %(ora)s, dopo %(n)s righe") % {
                "ora": quando, "n": p.get("righe_elaborate", 0)}
        elif e.action == "importazione.ripresa":
            testo = (_("Ripresa automaticamente dalla riga %(n)s") if p.get("automatica")
                     else _("Ripresa da %(chi)s dalla riga %(n)s")) % {
                "n": p.get("da_riga", 0) + 1, "chi": e.actor_label}
        else:
            continue
        eventi.append(Evento(at=e.at, testo=testo))
    return eventi
