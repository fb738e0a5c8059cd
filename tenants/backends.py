"""Django permissions from the membership in the current tenant."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.db import connection

from .roles import PERMISSION_PREFIX, capabilities_for
from .selectors import membership_for


class MembershipBackend(BaseBackend):
    """Answers ``user.has_perm("ambito.<capability>")`` for the tenant whose schema is
    active. Authentication is left to allauth's backend."""

    def get_all_permissions(self, user_obj, obj=None):  # type: ignore[no-untyped-def]
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        tenant = getattr(connection, "tenant", None)
        if tenant is None or getattr(tenant, "type", "public") == "public":
            return set()
        cache_name = f"_ambito_perm_cache_{tenant.pk}"
        if not hasattr(user_obj, cache_name):
            membership = membership_for(user_obj, tenant)
            caps = capabilities_for(membership.role) if membership else frozenset()
            setattr(user_obj, cache_name, {f"{PERMISSION_PREFIX}{c}" for c in caps})
        return getattr(user_obj, cache_name)

    def has_perm(self, user_obj, perm, obj=None):  # type: ignore[no-untyped-def]
        if not perm.startswith(PERMISSION_PREFIX):
            return False
        return perm in self.get_all_permissions(user_obj, obj)
