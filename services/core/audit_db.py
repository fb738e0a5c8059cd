"""The database side of the audit trail's protection: who owns the audit tables.

``deploy/postgresql/audit.sql`` (run by the superuser at deploy time) creates the roles and
the function ``public.ambito_audit_protect(schema)``; the application calls it for every
schema it creates or migrates, so a new comune's cloned schema is handed to
``ambito_audit_owner`` in the transaction that creates it. Where the application's own
database user is a superuser (development, tests) the same file is run here on first use.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

SQL_FILE = Path(settings.BASE_DIR) / "deploy" / "postgresql" / "audit.sql"
_warned: set[str] = set()


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def audit_sql(*, app_role: str, dbname: str) -> str:
    """The deploy file with psql's variables filled in and its meta-commands left out."""
    lines = [line for line in SQL_FILE.read_text().splitlines() if not line.startswith("\\")]
    return ("\n".join(lines).replace(":'app_role'", _literal(app_role))
            .replace(':"DBNAME"', _identifier(dbname)))


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def audit_db_install(*, app_role: str = "") -> None:
    """Run ``deploy/postgresql/audit.sql`` on this connection (which must be a superuser's):
    roles, function, and every schema's audit tables handed to their owner."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        dbname = cursor.fetchone()[0]
        cursor.execute(audit_sql(app_role=app_role, dbname=dbname))


def protection_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('public.ambito_audit_protect(text)') IS NOT NULL")
        return bool(cursor.fetchone()[0])


def audit_protect_schema(schema_name: str) -> bool:
    """Hand one schema's audit tables to ``ambito_audit_owner`` (idempotent). False where the
    deploy step has not run and this connection cannot run it (not a superuser)."""
    superuser = is_superuser()
    if not protection_installed():
        if not superuser:
            if schema_name not in _warned:
                _warned.add(schema_name)
                log.error("audit trail of %s NOT protected: run deploy/postgresql/audit.sql "
                          "as the PostgreSQL superuser", schema_name)
            return False
        audit_db_install()
    function = "ambito_audit_protect_as_caller" if superuser else "ambito_audit_protect"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT public.{function}(%s)", [schema_name])  # noqa: S608
    return True


def audit_schemas() -> list[str]:
    """Every schema that holds an audit trail (public, templates, tenants)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'core_auditentry' AND c.relkind = 'r' ORDER BY n.nspname")
        return [row[0] for row in cursor.fetchall()]


def audit_protect_all() -> list[str]:
    """Protect every schema; returns those that could not be (protection not installed)."""
    return [s for s in audit_schemas() if not audit_protect_schema(s)]
