"""The integrity of the audit trail: seals, checks and their outcome, a check on request."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.permissions import capability_required
from tenants.roles import Capability

from .audit_richieste import audit_verification_request
from .models import AuditEntry, AuditSeal, AuditVerification
from .web import client_ip


@capability_required(Capability.VERIFY_AUDIT)
def audit_integrity(request: HttpRequest) -> HttpResponse:
    verifications = list(AuditVerification.objects.order_by("-requested_at", "-id")[:20])
    finished = [v for v in verifications if v.is_finished]
    last = finished[0] if finished else None
    # The schedule checks nightly: an older last check means the schedule stopped.
    stale = last is None or (last.finished_at or last.requested_at) < timezone.now() - timedelta(days=2)
    return render(request, "core/audit_integrity.html", {
        "stale": stale,
        "verifications": verifications,
        "last": last,
        "running": next((v for v in verifications if not v.is_finished), None),
        "seals": AuditSeal.objects.order_by("-id")[:20],
        "seal_total": AuditSeal.objects.count(),
        "unsealed": AuditEntry.objects.filter(sealed_in__isnull=True).count(),
    })


@require_POST
@capability_required(Capability.VERIFY_AUDIT)
def audit_integrity_check(request: HttpRequest) -> HttpResponse:
    audit_verification_request(actor=request.user, ip_address=client_ip(request))
    messages.info(request, _("Verifica avviata: il risultato compare in questa pagina."))
    return redirect("audit_integrity")


@capability_required(Capability.VERIFY_AUDIT)
def audit_integrity_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    verification = get_object_or_404(AuditVerification, public_id=public_id)
    return render(request, "core/_audit_verification.html", {"v": verification})
