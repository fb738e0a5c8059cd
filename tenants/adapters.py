from allauth.account.adapter import DefaultAccountAdapter


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
