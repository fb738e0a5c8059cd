"""allauth, the Ambito way: no sign-up, sign-in throttled per account and address, mail
through the kernel's outbox, and no way to drop a second factor one's role requires."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.internal import ratelimit as ratelimit_impl
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

# ACCOUNT_RATE_LIMITS entry: failed sign-ins of one account from all addresses together.
ACCOUNT_CEILING = "login_failed_account"


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email", credentials.get("username", "")) or "").strip().lower()


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the platform (provisioning, a dirigente), never by sign-up."""

    def is_open_for_signup(self, request):  # type: ignore[no-untyped-def]
        return False

    def get_client_ip(self, request):  # type: ignore[no-untyped-def]
        """Sign-in throttling counts the same client address the audit trail records
        (``AMBITO_TRUSTED_PROXIES``)."""
        from django.core.exceptions import PermissionDenied

        from services.core.clientip import client_address

        ip = client_address(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    # --- throttling of wrong passwords ---------------------------------------------------
    # allauth counts ``login_failed`` per "key", which it builds from the host and the
    # e-mail only: five wrong passwords from anywhere lock the account for everyone, the
    # owner included. Here the key is the account and the address together, and a separate,
    # higher ceiling counts the account from all addresses (ACCOUNT_RATE_LIMITS).

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        return f"{_login_of(credentials)}@{get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_ceiling_usage = ratelimit_impl.consume(
            request, app="allauth.account", action=ACCOUNT_CEILING, key=_login_of(credentials))
        if not self._account_ceiling_usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_ceiling_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """A successful password reset clears the counts of that account (from the address
        that reset it, and the ceiling)."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(request, action=ACCOUNT_CEILING, key=_login_of(credentials))

    # --- mail -------------------------------------------------------------------------------

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Through the outbox and Celery after commit: a mail server that is down never
        turns a password reset into an error page."""
        from services.core.mail import mail_queue

        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = str(content)
        body = str(message.body)
        if getattr(message, "content_subtype", "plain") == "html":
            html, body = body, ""
        mail_queue(to=list(message.to), subject=str(message.subject), body=body,
                   html_body=html, kind=template_prefix)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:  # type: ignore[no-untyped-def]
        """The TOTP of a user whose role requires a second factor stays."""
        from allauth.mfa.models import Authenticator

        from .services.mfa import user_must_use_mfa

        if authenticator.type == Authenticator.Type.TOTP and user_must_use_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
