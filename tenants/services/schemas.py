"""Tenant schemas: migrated templates, cloning, and the migration state check.

A new tenant's schema is a copy of its type's template schema (``template_comune``,
``template_zona``, ``template_regione``), made inside the transaction that creates the tenant
row: PostgreSQL DDL is transactional, so a failure leaves neither schema nor row behind.

Cloning from a stale template is the known trap of schema cloning: the copy would silently
lack the latest tables. So the template is brought up to date before cloning, and the
clone's recorded migrations are compared with the code's migration graph after cloning;
a mismatch aborts the transaction.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from services.core.audit_db import audit_protect_schema
from services.core.errors import AmbitoError

from ..models import Ente
from .snapshot import clone_from_snapshot

log = logging.getLogger(__name__)

TEMPLATE_SLUGS: dict[str, str] = {
    Ente.Type.COMUNE: "template-comune",
    Ente.Type.ZONA: "template-zona",
    Ente.Type.REGIONE: "template-regione",
}


class SchemaStateError(AmbitoError):
    code = "schema_non_allineato"


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration of the code base. Django records all of them in a schema, also those
    whose operations the tenant router skips for that type, so one set serves every type."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def template_schema_name(tenant_type: str) -> str:
    return str(settings.TENANT_TYPES[tenant_type]["BASE_SCHEMA"])


def recorded_migrations(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s)", [f'"{schema_name}".django_migrations']
        )
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


def missing_migrations(schema_name: str) -> set[tuple[str, str]]:
    return set(expected_migrations()) - recorded_migrations(schema_name)


def migrate_schema(schema_name: str, *, verbosity: int = 0) -> None:
    """Apply the pending migrations of one tenant schema, for real (never faked)."""
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        interactive=False,
        verbosity=verbosity,
        executor="standard",
    )


def template_ensure(tenant_type: str) -> Ente:
    """Create the template tenant of a type if needed and migrate it to the code's state.
    Must run outside any transaction (migrations manage their own)."""
    schema_name = template_schema_name(tenant_type)
    ente, _created = Ente.objects.get_or_create(
        schema_name=schema_name,
        defaults={
            "type": tenant_type,
            "name": f"Modello {tenant_type}",
            "slug": TEMPLATE_SLUGS[tenant_type],
            "is_template": True,
        },
    )
    if not schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    if missing_migrations(schema_name):
        log.info("migrating template schema %s", schema_name)
        migrate_schema(schema_name)
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    audit_protect_schema(schema_name)
    return ente


def template_is_current(tenant_type: str) -> bool:
    schema_name = template_schema_name(tenant_type)
    return schema_exists(schema_name) and not missing_migrations(schema_name)


def schema_clone_for(ente: Ente) -> None:
    """Copy the template of the tenant's type into the tenant's schema and check the result.
    Call inside the transaction that creates ``ente``."""
    template = template_schema_name(ente.type)
    if not template_is_current(ente.type):
        raise SchemaStateError(
            _(
                "Lo schema modello %(schema)s non è aggiornato: esegui "
                "'manage.py deploy_migrate' prima di creare nuovi enti."
            )
            % {"schema": template}
        )
    if not clone_from_snapshot(template, ente.schema_name):
        log.warning("no pg_dump for this server: cloning %s with django-tenants (slower)", template)
        CloneSchema().clone_schema(template, ente.schema_name, "DATA")
    missing = missing_migrations(ente.schema_name)
    if missing:
        raise SchemaStateError(
            _("Lo schema %(schema)s creato non ha le migrazioni: %(missing)s")
            % {"schema": ente.schema_name, "missing": ", ".join(sorted(f"{a}.{n}" for a, n in missing))}
        )
    # The clone belongs to the application role that made it: hand its audit trail over.
    audit_protect_schema(ente.schema_name)
