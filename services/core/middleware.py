"""Request and response rules every page shares: the Content-Security-Policy with a
per-request nonce, no caching of what a signed-in user sees, and no control characters in
what a browser sends."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

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
    400 with an Italian page before any view or query sees it, on every page at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._refused(request):
            return render(request, "400.html", {"message": _(
                "La richiesta contiene caratteri non ammessi (caratteri di controllo). "
                "Correggi il testo inserito e riprova."
            )}, status=400)
        return self.get_response(request)

    @staticmethod
    def _refused(request: HttpRequest) -> bool:
        if CONTROL.search(request.path):
            return True
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        for data in sources:
            if _has_control(data.keys()) or _has_control(
                    v for _key, values in data.lists() for v in values):
                return True
        # Uploaded files' names need nothing here: Django's multipart parser already drops
        # their non-printable characters.
        return False
