from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the platform (provisioning, a dirigente), never by sign-up."""

    def is_open_for_signup(self, request):  # type: ignore[no-untyped-def]
        return False
