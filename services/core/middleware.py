"""Request and response rules every page shares: the Content-Security-Policy with a
per-request nonce, no caching of what a signed-in user sees, and no control characters in
what a browser sends.

Refused attempts reach the audit trail: a 403 (a capability missing), the 404 of an
access helper (a person, case, document, application or act missing or not the user's),
and the 404 the tenant fence gives a signed-in user with no membership on the host.

The outsider's probe is written into the trail of the ente whose host was asked, not the
public schema's: it is that ente's dirigente who must see someone trying their comune. The
entry holds only what the outsider sent (their account, the path, their address), so it
tells the dirigente nothing the outsider did not already know, and the outsider still gets
the plain 404."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .letture import AccessoNegato, audit_refusal

# Scripts only from our origin, or inline with this response's nonce; no inline styles
# (the pages use classes; Chart.js and Bootstrap set sizes through the CSSOM, which
# style-src does not govern); images and fonts may be data: URIs inside our own
# stylesheets (Bootstrap Italia's icons and its video player's icon font).
CSP_TEMPLATE = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)

# C0 control characters other than tab, line feed and carriage return: PostgreSQL refuses
# NUL in text, and the others have no business in a form field (Excel exports and XML
# refuse them later, far from the input).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Context processor: ``{{ csp_nonce }}`` for the rare inline script a page needs."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class SecurityHeadersMiddleware:
    """Every response gets a Content-Security-Policy; every response to a signed-in user is
    ``no-store, private``: on a tenant host nearly every page shows persons, cases,
    applications or exports, and on the platform host the users and the registry, so the
    rule is the authentication, not a list of pages that would miss the next one. Static
    files never reach here (WhiteNoise answers them earlier) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP_TEMPLATE.format(nonce=nonce))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def _has_control(values: Iterable[str]) -> bool:
    return any(CONTROL.search(v) for v in values)


class RejectControlCharactersMiddleware:
    """A query parameter or form field with a control character (``?q=%00``) is answered
    400 with an Italian page before any view or query sees it, on every page at once.

    The path and the query are checked on the way in; the form data only in
    ``process_view``, after ``UploadLimitMiddleware`` (listed before this one) has refused a
    body too large from its declared length: reading ``request.POST`` here would read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL.search(request.path) or _refused(request.GET):
            return _bad_request(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        # Uploaded files' names need nothing here: Django's multipart parser already drops
        # their non-printable characters.
        if request.method == "POST" and _refused(request.POST):
            return _bad_request(request)
        return None


def _refused(data: Any) -> bool:
    return _has_control(data.keys()) or _has_control(
        v for _key, values in data.lists() for v in values)


def _bad_request(request: HttpRequest) -> HttpResponse:
    return render(request, "400.html", {"message": _(
        "La richiesta contiene caratteri non ammessi (caratteri di controllo). "
        "Correggi il testo inserito e riprova."
    )}, status=400)


# --- refused attempts -------------------------------------------------------------------

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
