"""The platform's own tenant: the public schema, reached at the base domain."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ..models import Domain, Ente
from .schemas import template_ensure


def public_tenant_ensure() -> Ente:
    with transaction.atomic():
        ente, _ = Ente.objects.get_or_create(
            schema_name="public",
            defaults={"type": Ente.Type.PUBLIC, "name": "Piattaforma Ambito", "slug": "public"},
        )
        Domain.objects.get_or_create(
            domain=settings.BASE_DOMAIN, defaults={"tenant": ente, "is_primary": True}
        )
    return ente


def platform_bootstrap() -> None:
    """What every deploy runs after migrating the public schema: the public tenant and the
    migrated templates that new tenants are cloned from."""
    public_tenant_ensure()
    for tenant_type in (Ente.Type.COMUNE, Ente.Type.ZONA, Ente.Type.REGIONE):
        template_ensure(tenant_type)
