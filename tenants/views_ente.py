"""Pages every tenant host has about its own ente: data, operators, audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.core.models import AuditEntry

from .models import Membership
from .permissions import capability_required
from .roles import Capability


@capability_required(Capability.VIEW_HOME)
def ente_detail(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    context: dict = {"ente": tenant}
    if tenant.type == "comune":
        context["comune"] = tenant.comune
        context["zona"] = tenant.comune.zona
    elif tenant.type == "zona":
        context["zona"] = tenant.zona
    elif tenant.type == "regione":
        context["regione"] = tenant.regione
    return render(request, "tenants/ente_detail.html", context)


@capability_required(Capability.MANAGE_MEMBERS)
def ente_members(request: HttpRequest) -> HttpResponse:
    members = (
        Membership.objects.filter(ente=request.tenant)  # type: ignore[attr-defined]
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )
    return render(request, "tenants/ente_members.html", {"members": members})


@require_POST
@capability_required(Capability.MANAGE_MEMBERS)
def ente_mfa(request: HttpRequest) -> HttpResponse:
    """Extend the second factor to every role of the ente, or stop extending it."""
    from .services.mfa import ente_set_mfa_obbligatoria

    obbligatoria = request.POST.get("obbligatoria") == "1"
    ente_set_mfa_obbligatoria(ente=request.tenant, obbligatoria=obbligatoria,  # type: ignore[attr-defined]
                              actor=request.user)
    messages.success(request, _("Secondo fattore obbligatorio per tutti gli operatori.")
                     if obbligatoria else
                     _("Secondo fattore obbligatorio solo per chi consulta le cartelle."))
    return redirect("ente_members")


@capability_required(Capability.VIEW_AUDIT)
def ente_audit_refusals(request: HttpRequest) -> HttpResponse:
    """Refused attempts on this ente (a missing capability, an object not the user's, an
    account with no membership here): grouped by who, repeated ones highlighted."""
    from services.core import letture

    utente = request.GET.get("utente", "")
    entries = letture.tentativi_negati()
    if utente.isdigit():
        entries = entries.filter(actor_id=int(utente))
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    return render(request, "tenants/ente_audit_refusals.html", {
        "gruppi": letture.tentativi_negati_per_utente(), "page": page,
        "utente": utente if utente.isdigit() else "",
        "soglia": letture.REPEATED_THRESHOLD, "ore": letture.REPEATED_WINDOW_HOURS,
    })


@capability_required(Capability.VIEW_AUDIT)
def ente_audit(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.order_by("-at", "-id")
    action = request.GET.get("azione", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    return render(request, "tenants/ente_audit.html", {"page": page, "action": action})
