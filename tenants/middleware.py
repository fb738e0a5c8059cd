"""The tenant fence for requests: on a tenant host, only its members get past."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from .selectors import membership_for

# Paths a visitor reaches before being a member: signing in, static files, health.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        request.membership = None  # type: ignore[attr-defined]
        if tenant is None or tenant.type == "public":
            return self.get_response(request)
        if tenant.is_template or not tenant.is_active:
            raise Http404
        user = request.user
        if request.path.startswith(OPEN_PREFIXES):
            # Not enforced here (signing in comes first), but known, so account pages show
            # the role like every other page.
            if user.is_authenticated:
                request.membership = membership_for(user, tenant)  # type: ignore[attr-defined,arg-type]
            return self.get_response(request)
        if not user.is_authenticated:
            if request.path.startswith("/api/"):
                raise Http404
            return redirect_to_login(request.get_full_path())
        membership = membership_for(user, tenant)  # type: ignore[arg-type]
        if membership is None:
            # Same answer as for a page that does not exist: the tenant's existence and
            # content are nobody else's business, platform superusers included.
            raise Http404
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
