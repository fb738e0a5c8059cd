"""Migrating many tenant schemas: find who is behind in one query, migrate only those, in
parallel worker processes that are recycled so memory does not grow with the fleet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from .models import Ente
from .services.schemas import expected_migrations


@dataclass(frozen=True)
class SchemaState:
    schema_name: str
    tenant_type: str
    name: str
    missing: tuple[str, ...]
    schema_present: bool

    @property
    def is_current(self) -> bool:
        return self.schema_present and not self.missing


def fleet_state(*, include_templates: bool = True) -> list[SchemaState]:
    """One UNION ALL over every tenant schema's django_migrations (a handful of ms for
    hundreds of schemas, against a round trip per schema)."""
    tenants = Ente.objects.exclude(type=Ente.Type.PUBLIC).order_by("schema_name")
    if not include_templates:
        tenants = tenants.filter(is_template=False)
    tenants = list(tenants.values_list("schema_name", "type", "name"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r'"
        )
        with_table = {row[0] for row in cursor.fetchall()}
        recorded: dict[str, set[tuple[str, str]]] = defaultdict(set)
        present = [t[0] for t in tenants if t[0] in with_table]
        for start in range(0, len(present), 200):
            chunk = present[start : start + 200]
            sql = " UNION ALL ".join(
                f"SELECT %s, app, name FROM \"{schema}\".django_migrations"  # noqa: S608
                for schema in chunk
            )
            cursor.execute(sql, chunk)
            for schema, app, name in cursor.fetchall():
                recorded[schema].add((app, name))
    expected = expected_migrations()
    states = []
    for schema_name, tenant_type, name in tenants:
        missing = tuple(sorted(f"{a}.{n}" for a, n in expected - recorded[schema_name]))
        states.append(
            SchemaState(schema_name, tenant_type, name, missing, schema_name in with_table)
        )
    return states


@dataclass(frozen=True)
class MigrationOutcome:
    schema_name: str
    ok: bool
    error: str = ""


def _migrate_one(schema_name: str) -> MigrationOutcome:
    from django.db import connections

    from .services.schemas import migrate_schema

    try:
        migrate_schema(schema_name)
        return MigrationOutcome(schema_name, True)
    except Exception as exc:  # reported per schema; the others go on
        return MigrationOutcome(schema_name, False, f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()


def _worker_init() -> None:
    # A forked child must not share the parent's socket to PostgreSQL.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.inc_thread_sharing()
        conn.connection = None
        conn.dec_thread_sharing()


def fleet_migrate(
    schema_names: list[str], *, processes: int = 2, tasks_per_child: int = 20
) -> list[MigrationOutcome]:
    """Migrate the given schemas. With more than one process, forked workers are replaced
    after ``tasks_per_child`` schemas, which bounds memory however large the fleet."""
    if not schema_names:
        return []
    if processes <= 1:
        return [_migrate_one(name) for name in schema_names]
    import multiprocessing

    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes=processes, initializer=_worker_init,
                  maxtasksperchild=tasks_per_child) as pool:
        return list(pool.imap_unordered(_migrate_one, schema_names))
