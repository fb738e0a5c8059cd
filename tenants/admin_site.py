"""The Django admin, for platform staff on the platform host.

It has no sign-in of its own: ``/admin/login/`` sends to allauth's, so the password is
throttled like every other sign-in and the second factor is asked. Its pages need a session
that passed the second factor. In production it is off unless ``AMBITO_ADMIN_ENABLED`` is
set: every admin address answers 404.
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_enabled() -> bool:
    return bool(getattr(settings, "AMBITO_ADMIN_ENABLED", False))


class AmbitoAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        from .services.mfa import session_passed_mfa

        return super().has_permission(request) and session_passed_mfa(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def enabled_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not admin_enabled():
                raise Http404
            return inner(request, *args, **kwargs)

        return enabled_only

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No password form here: allauth's sign-in, then back to the admin."""
        if not admin_enabled():
            raise Http404
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get("next") or index
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = index
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
