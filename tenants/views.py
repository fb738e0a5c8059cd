"""Pages of the public host (the platform) and the job progress page every host serves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from services.core.errors import AmbitoError

from .forms import ComuneForm
from .jobs import job_history, job_interrupt_if_stale, job_resume, job_start_provision_comune
from .models import Job, Regione
from .permissions import platform_admin_required
from .selectors import memberships_of


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """The public host's home: the tenants this user works in, as links to their hosts."""
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    entries = []
    for m in memberships:
        domain = next(iter(m.ente.domains.all()), None)
        if domain is None:
            continue
        entries.append(
            {"membership": m, "url": f"{request.scheme}://{domain.domain}{suffix}/"}
        )
    if len(entries) == 1 and not request.user.is_superuser:
        return redirect(entries[0]["url"])
    return render(request, "tenants/portal.html", {"entries": entries})


@platform_admin_required
def registry(request: HttpRequest) -> HttpResponse:
    regioni = (
        Regione.objects.prefetch_related("zone__comuni__ente__domains", "zone__ente__domains")
        .select_related("ente")
        .annotate(n_zone=Count("zone"))
    )
    return render(request, "tenants/registry.html", {"regioni": regioni})


@platform_admin_required
def comune_new(request: HttpRequest) -> HttpResponse:
    form = ComuneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = job_start_provision_comune(
            params={
                "istat_code": data["istat_code"],
                "name": data["name"],
                "zona_code": data["zona"].code,
                "slug": data["slug"],
                "belfiore_code": data["belfiore_code"],
                "provincia": data["provincia"],
                "population": data["population"],
            },
            actor=request.user,  # type: ignore[arg-type]
        )
        return redirect("job_detail", public_id=job.public_id)
    return render(request, "tenants/comune_form.html", {"form": form})


@platform_admin_required
def jobs(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tenants/jobs.html",
        {"jobs": Job.objects.select_related("created_by").order_by("-created_at")[:100]},
    )


@platform_admin_required
def mail(request: HttpRequest) -> HttpResponse:
    """E-mails not sent, from every schema's outbox (services/core/mail.py)."""
    from services.core.mail import mail_problems

    return render(request, "tenants/mail.html", {"problems": mail_problems()})


def job_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Progress of one job; HTMX polls the fragment until the job finishes."""
    if not request.user.is_authenticated:
        if request.htmx:  # type: ignore[attr-defined]
            # A poll after the session expired: send the whole page to sign in, not the
            # sign-in form into the progress box.
            return HttpResponseClientRedirect(redirect_to_login(request.get_full_path())["Location"])
        return redirect_to_login(request.get_full_path())
    job = Job.objects.filter(public_id=public_id).first()
    if job is None or not (request.user.is_superuser or job.created_by_id == request.user.pk):
        raise Http404
    job = job_interrupt_if_stale(job)  # a worker that died shows as such
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "tenants/_job_status.html", {"job": job})
        visto = request.GET.get("visto", "")
        if visto and (visto == Job.Status.INTERRUPTED) != job.is_interrupted:
            # Interrupted, or resumed: the page shows the button and the history.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "tenants/job_detail.html", {"job": job, "history": job_history(job)})


@platform_admin_required
@require_POST
def job_resume_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Resume an interrupted job: platform staff only, as starting one."""
    job = Job.objects.filter(public_id=public_id).first()
    if job is None:
        raise Http404
    try:
        job_resume(job=job, actor=request.user)  # type: ignore[arg-type]
    except AmbitoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("L'elaborazione riprende dall'ultimo passo completato."))
    return redirect("job_detail", public_id=job.public_id)

