"""Users and their memberships (role per tenant)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from services.core.audit import audit_log
from services.core.codice_fiscale import normalize_codice_fiscale
from services.core.errors import AlreadyExists, NotFound, ValidationFailed
from services.core.queue import current_schema

from ..models import Ente, Membership, User
from ..roles import ROLE_TENANT_TYPES, Role


def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    codice_fiscale: str = "",
    actor: object | None = None,
) -> User:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(_("L'indirizzo email «%(email)s» non è valido.") % {"email": email},
                               field="email") from exc
    if User.objects.filter(email=email).exists():
        raise AlreadyExists(_("Esiste già un utente con email %(email)s.") % {"email": email},
                            field="email")
    cf = normalize_codice_fiscale(codice_fiscale) if codice_fiscale else ""
    if cf and User.objects.filter(codice_fiscale=cf).exists():
        raise AlreadyExists(_("Esiste già un utente con codice fiscale %(cf)s.") % {"cf": cf},
                            field="codice_fiscale")
    user = User(email=email, first_name=(first_name or "").strip(),
                last_name=(last_name or "").strip(), codice_fiscale=cf)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit_log(action="utente.creato", actor=actor, obj=user, payload={"email": email})
    return user


def membership_check(*, ente: Ente, role: str) -> None:
    """Whether ``role`` can be given in ``ente``; raises ``ValidationFailed`` if not (the
    Django admin's form asks the same question before saving)."""
    if role not in Role.values:
        raise ValidationFailed(_("Il ruolo «%(role)s» non esiste.") % {"role": role}, field="role")
    if ente.is_template or ente.type == Ente.Type.PUBLIC:
        raise ValidationFailed(_("Non si possono dare abilitazioni su questo ente."), field="ente")
    if ente.type not in ROLE_TENANT_TYPES[role]:
        raise ValidationFailed(
            _("Il ruolo «%(role)s» non si può assegnare in un ente di tipo %(type)s.")
            % {"role": Role(role).label, "type": Ente.Type(ente.type).label},
            field="role",
        )


def _audit_in_ente(*, ente: Ente, action: str, actor: object | None, membership: Membership,
                   payload: dict) -> None:
    """A membership is recorded in the trail of the ente it opens, in that ente's schema,
    whoever made it (a dirigente, a command, the platform admin): the ente's own people
    can see who was given access to their data. Made from elsewhere (the platform), it is
    recorded there too."""
    with tenant_context(ente):
        audit_log(action=action, actor=actor, obj=membership, payload=payload)
    if current_schema() != ente.schema_name:
        audit_log(action=action, actor=actor, obj=membership, payload=payload)


def membership_grant(*, user: User, ente: Ente, role: str, actor: object | None = None) -> Membership:
    """Give ``user`` the role in ``ente`` (replacing the role they had there)."""
    membership_check(ente=ente, role=role)
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, ente=ente, defaults={"role": role}
        )
        if not created and membership.role == role and membership.is_active:
            return membership
        previous = None if created else membership.role
        was_active = None if created else membership.is_active
        if not created:
            membership.role = role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active", "updated_at"])
        _audit_in_ente(ente=ente, action="abilitazione.concessa", actor=actor,
                       membership=membership,
                       payload={"utente": user.email, "ente": ente.schema_name, "ruolo": role,
                                "ruolo_precedente": previous, "era_attiva": was_active})
    return membership


def membership_revoke(*, user: User, ente: Ente, actor: object | None = None) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user, ente=ente).first()
        if membership is None:
            raise NotFound(_("L'utente non ha abilitazioni su questo ente."))
        if not membership.is_active:
            return
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        _audit_in_ente(ente=ente, action="abilitazione.revocata", actor=actor,
                       membership=membership,
                       payload={"utente": user.email, "ente": ente.schema_name,
                                "ruolo": membership.role})
