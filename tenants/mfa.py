"""Enforcing the second factor on every request, on every host.

- A session whose user has a TOTP authenticator must have passed it: allauth's MFA stage
  asks for it at sign-in; a session without that record (made before the user enrolled on
  another device, or forged) is signed out.
- A user who must have a second factor (``tenants.services.mfa.user_must_use_mfa``) and has
  none is sent to TOTP enrolment and reaches nothing else but signing out, until enrolled.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services.mfa import session_passed_mfa, user_has_totp, user_must_use_mfa

ALWAYS_OPEN = ("/static/", "/healthz", "/i18n/")


def _enrolment_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_activate_totp"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        # allauth shows the recovery codes right after TOTP is activated.
        reverse("mfa_view_recovery_codes"),
    )


class MfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        if session_passed_mfa(request):
            return self.get_response(request)
        if user_has_totp(user):  # type: ignore[arg-type]
            # Signed in without the second factor the user has: not a valid session.
            logout(request)
            messages.warning(request, _("Accedi di nuovo: serve anche il codice dell'app "
                                        "di autenticazione."))
            return redirect_to_login(request.get_full_path())
        if request.method == "POST" and request.path == reverse("mfa_activate_totp"):
            # No authenticator before this request: one made now was made with a valid code.
            response = self.get_response(request)
            record_enrolment(request)
            return response
        if not user_must_use_mfa(user):  # type: ignore[arg-type]
            return self.get_response(request)
        if request.path in _enrolment_paths():
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return HttpResponseForbidden(_("Attiva il secondo fattore di autenticazione."))
        messages.info(request, _("Per il tuo account il secondo fattore di autenticazione è "
                                 "obbligatorio: per continuare attivalo con un'app sul "
                                 "telefono (es. FreeOTP, Google Authenticator)."))
        target = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def record_enrolment(request: HttpRequest) -> None:
    """Activating TOTP means entering a valid code from the new authenticator: once it
    exists, the session has passed the second factor, as if the user had signed in with
    it."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    user = request.user
    if not user.is_authenticated:
        return
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None and not session_passed_mfa(request):
        record_authentication(request, user, "mfa", id=totp.pk,  # type: ignore[arg-type]
                              type=Authenticator.Type.TOTP, enrolled=True)
