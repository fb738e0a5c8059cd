"""The second factor: who must have one, whether a session passed it, and the per-ente
setting that extends it to every role.

A user must sign in with TOTP when they are platform staff, when any of their active
memberships has a role that reads case files (``tenants.roles.CASE_FILE_CAPABILITIES``), or
when the ente of any of their memberships asks it of everyone (``Ente.mfa_obbligatoria``).
``tenants.mfa.MfaMiddleware`` enforces it on every request.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from services.core.audit import audit_log
from services.core.errors import ValidationFailed

from ..models import Ente, Membership, User
from ..roles import roles_requiring_mfa

MFA_METHOD = "mfa"


def user_must_use_mfa(user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return (
        Membership.objects.filter(user=user, is_active=True, ente__is_active=True)
        .filter(Q(role__in=roles_requiring_mfa()) | Q(ente__mfa_obbligatoria=True))
        .exists()
    )


def user_has_totp(user: User) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session's sign-in included the second factor, as allauth's MFA stage
    records it (``account_authentication_methods`` in the session)."""
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
    return any(r.get("method") == MFA_METHOD for r in records)


def totp_enrol(*, user: User, secret: str, actor: object | None = None) -> object:
    """Give ``user`` a TOTP authenticator with a known base32 ``secret`` (the demo's and the
    tests' accounts; people enrol themselves at ``/accounts/2fa/totp/activate/``). A user
    who already has one keeps it."""
    import base64
    import binascii

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    try:
        base64.b32decode(secret.encode("ascii"), casefold=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValidationFailed(_("Il segreto TOTP non è in base32."), field="secret") from exc
    with transaction.atomic():
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if existing is not None:
            return existing
        authenticator = TOTP.activate(user, secret).instance
        audit_log(action="utente.secondo_fattore_attivato", actor=actor, obj=user,
                  payload={"utente": user.email, "tipo": "totp"})
    return authenticator


def ente_set_mfa_obbligatoria(*, ente: Ente, obbligatoria: bool, actor: object | None = None) -> Ente:
    """Extend (or stop extending) the second factor to every role of ``ente``; recorded in
    the ente's own audit trail."""
    if ente.is_template or ente.type == Ente.Type.PUBLIC:
        raise ValidationFailed(_("Questo ente non ha operatori."), field="ente")
    with transaction.atomic():
        locked = Ente.objects.select_for_update().get(pk=ente.pk)
        if locked.mfa_obbligatoria == obbligatoria:
            return locked
        locked.mfa_obbligatoria = obbligatoria
        locked.save(update_fields=["mfa_obbligatoria", "updated_at"])
        with tenant_context(locked):
            audit_log(action="ente.secondo_fattore_obbligatorio", actor=actor, obj=locked,
                      payload={"obbligatoria": obbligatoria})
    ente.mfa_obbligatoria = obbligatoria
    return locked
