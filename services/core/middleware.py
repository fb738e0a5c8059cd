"""Refused attempts reach the audit trail: a 403 (a capability missing), the 404 of an
access helper (a person, case, document, application or act missing or not the user's),
and the 404 the tenant fence gives a signed-in user with no membership on the host.

The outsider's probe is written into the trail of the ente whose host was asked, not the
public schema's: it is that ente's dirigente who must see someone trying their comune. The
entry holds only what the outsider sent (their account, the path, their address), so it
tells the dirigente nothing the outsider did not already know, and the outsider still gets
the plain 404."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .letture import AccessoNegato, audit_refusal

_FLAG = "_ambito_refusal_recorded"


def _required_capability(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    func = getattr(match, "func", None)
    view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return str(getattr(func, "required_capability", "")
               or getattr(view_class, "required_capability", "") or "")


def record_refusal(request: HttpRequest, exc: BaseException) -> None:
    """Write ``exc`` (a 403 or an access helper's 404) for ``request``, once."""
    if getattr(request, _FLAG, False) or getattr(request, "tenant", None) is None:
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return  # nobody to name: sign-in pages and anonymous probes are allauth's business
    if isinstance(exc, AccessoNegato):
        audit_refusal(request, status=404, object_type=exc.object_type, object_id=exc.ref)
    elif isinstance(exc, PermissionDenied):
        capability = _required_capability(request)
        audit_refusal(request, status=403,
                      reason=f"capacità {capability}" if capability else "negato")
    else:
        return
    setattr(request, _FLAG, True)


class RefusalAuditMiddleware:
    """Placed just before ``tenants.middleware.MembershipMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and self._is_outsider(request):
            audit_refusal(request, status=404, reason="non abilitato sull'ente")
            setattr(request, _FLAG, True)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        record_refusal(request, exception)

    @staticmethod
    def _is_outsider(request: HttpRequest) -> bool:
        from tenants.middleware import OPEN_PREFIXES

        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        if tenant is None or tenant.type == "public" or tenant.is_template or not tenant.is_active:
            return False
        if user is None or not user.is_authenticated or getattr(request, _FLAG, False):
            return False
        if request.path.startswith(OPEN_PREFIXES):
            return False
        return getattr(request, "membership", None) is None
