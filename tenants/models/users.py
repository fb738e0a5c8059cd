"""Users live in the public schema; what they may do in a tenant comes from a membership."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.core.models import BaseModel

from ..roles import Role
from .geography import Ente


class AmbitoUserManager(UserManager):
    """Email is the sign-in name; ``username`` does not exist."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser, BaseModel):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = AmbitoUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~models.Q(codice_fiscale=""),
                name="user_codice_fiscale_unique",
            )
        ]

    def has_perm(self, perm, obj=None):  # type: ignore[no-untyped-def]
        """A capability (``ambito.<capability>``) comes from the membership's role in the
        current tenant only, for everyone: Django's own answer is True for a superuser
        before any backend is asked, which would give a platform administrator with any
        membership every capability of that comune. Other permissions (the Django admin's)
        keep Django's rules."""
        from ..backends import MembershipBackend
        from ..roles import PERMISSION_PREFIX

        if perm.startswith(PERMISSION_PREFIX):
            return self.is_active and MembershipBackend().has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email


class Membership(BaseModel):
    """A user's role in one tenant. No membership for the tenant of the host: 404."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("ruolo"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        verbose_name = _("abilitazione")
        verbose_name_plural = _("abilitazioni")
        constraints = [
            models.UniqueConstraint(fields=["user", "ente"], name="membership_one_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.ente}"
