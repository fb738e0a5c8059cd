"""The audit trail against the application's own database role, set up as
``deploy/README.md`` says: a LOGIN role that is not a superuser, owns what it migrated, and
is given the audit tables only through ``deploy/postgresql/audit.sql`` (run here with
``psql`` as the superuser, like in production).

These tests commit on purpose (a second connection cannot see a test transaction). What
they leave: the role, a comune created as that role (removed afterwards, its anchors stay:
they are append-only).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tenants.utils import schema_context

from services.core.audit import audit_log, audit_seal, audit_verify
from services.core.audit_db import SQL_FILE
from services.core.models import AuditEntry
from tenants.models import Comune, Domain, Ente
from tenants.services.provisioning import comune_create
from tests.conftest import _CAST

APP_ROLE = "ambito_test_app"
APP_PASSWORD = "app-di-prova-2026"  # noqa: S105

# What the application owns in production (it ran the migrations); here the superuser
# ran them, so hand it over: every relation but the audit tables.
_OWN_LIKE_DEPLOY = """
DO $$
DECLARE
    r record;
    schemas text[] := ARRAY(SELECT schema_name::text FROM public.tenants_ente);
BEGIN
    BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER PASSWORD %L', '{role}', '{password}');
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    FOR r IN
        SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE (n.nspname = 'public' OR n.nspname = ANY(schemas))
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND pg_get_userbyid(c.relowner) = current_user
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    ORDER BY 1
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', r.rel, '{role}');
    END LOOP;
END $$;
"""


def _psql() -> str:
    """The system's psql (scripts/lib.sh may run PostgreSQL from its bindir, off the PATH)."""
    found = shutil.which("psql") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True)),
        None)
    assert found, "psql is required (the deploy step runs deploy/postgresql/audit.sql with it)"
    return found


def _dsn(**extra) -> dict:
    db = connection.settings_dict
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
            "dbname": db["NAME"], **extra}


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(_OWN_LIKE_DEPLOY.replace("{role}", APP_ROLE)
                           .replace("{password}", APP_PASSWORD))
        dsn = _dsn()
        subprocess.run(  # noqa: S603
            [_psql(), "-q", "-h", str(dsn["host"]), "-p", str(dsn["port"]),
             "-U", connection.settings_dict["USER"], "-d", dsn["dbname"],
             "-v", f"app_role={APP_ROLE}", "-f", str(SQL_FILE)],
            check=True, capture_output=True, text=True)
        schema = _CAST[0].comune_a.ente.schema_name
        with schema_context(schema):
            audit_log(action="prova.erasure")
            audit_seal()
        connection.set_schema_to_public()
        yield schema


@pytest.fixture
def as_app(app_role):
    conn = psycopg.connect(**_dsn(user=APP_ROLE, password=APP_PASSWORD), autocommit=True)
    with conn.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)
        cursor.execute(f'SET search_path = "{app_role}", public')
    yield conn
    conn.close()


ERASERS = [
    "TRUNCATE core_auditentry CASCADE",
    "TRUNCATE core_auditseal CASCADE",
    "TRUNCATE public.core_auditanchor",
    "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
    "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only",
    "ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_append_only",
    "ALTER TABLE core_auditentry ADD COLUMN x integer",
    "ALTER TABLE core_auditseal RENAME TO vecchi_sigilli",
    "DROP TABLE core_auditentry CASCADE",
    "DROP TABLE core_auditseal CASCADE",
    "DROP TABLE public.core_auditanchor",
    "UPDATE core_auditentry SET action = 'altro'",
    "UPDATE core_auditentry SET sealed_in_id = NULL",
    "UPDATE core_auditseal SET digest = 'x'",
    "UPDATE public.core_auditanchor SET digest = 'x'",
    "DELETE FROM core_auditentry",
    "DELETE FROM core_auditseal",
    "DELETE FROM public.core_auditanchor",
    "CREATE OR REPLACE FUNCTION core_audit_refuse() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "DROP FUNCTION core_auditentry_append_only() CASCADE",
    "DROP SCHEMA {schema} CASCADE",
    "ALTER SCHEMA {schema} RENAME TO altro",
    "SET session_replication_role = replica",
    "DROP FUNCTION public.ambito_audit_protect(text)",
    "SELECT public.ambito_audit_protect_as_caller('{schema}')",
    "GRANT ambito_audit_owner TO ambito_test_app",
]


@pytest.mark.parametrize("statement", ERASERS)
def test_the_application_role_cannot_erase_the_trail(as_app, app_role, statement):
    with as_app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditentry")
        before = cursor.fetchone()[0]
        with pytest.raises((psycopg.errors.InsufficientPrivilege,
                            psycopg.errors.RaiseException)):
            cursor.execute(statement.replace("{schema}", app_role))
        cursor.execute("SELECT count(*) FROM core_auditentry")
        assert cursor.fetchone()[0] == before


def test_the_application_role_is_not_a_member_of_the_owner(as_app):
    with as_app.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(current_user, 'ambito_audit_owner', 'MEMBER'), "
                       "pg_has_role(current_user, 'ambito_app', 'MEMBER')")
        assert cursor.fetchone() == (False, True)


@pytest.fixture
def django_as_app(app_role, django_db_blocker):
    """The application's own code on a connection as the application role."""
    db = connection.settings_dict
    saved = (db["USER"], db.get("PASSWORD"))
    made: list[Comune] = []
    with django_db_blocker.unblock():
        connection.close()
        db["USER"], db["PASSWORD"] = APP_ROLE, APP_PASSWORD
        try:
            yield made
        finally:
            connection.close()
            db["USER"], db["PASSWORD"] = saved
            connection.set_schema_to_public()
            for comune in made:
                ente = comune.ente
                Comune.objects.filter(pk=comune.pk).delete()
                Domain.objects.filter(tenant=ente).delete()
                Ente.objects.filter(pk=ente.pk).delete()
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{ente.schema_name}" CASCADE')


def test_provisioning_logging_and_sealing_work_as_the_application_role(django_as_app):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (APP_ROLE,)
    comune = comune_create(istat_code="054077", name="Prova ruolo", zona_code=_CAST[0].zona.code,
                           slug="prova-ruolo").obj
    django_as_app.append(comune)
    schema = comune.ente.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(n.nspowner), array_agg(pg_get_userbyid(c.relowner)) "
            "FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE n.nspname = %s AND c.relname IN ('core_auditentry', 'core_auditseal') "
            "GROUP BY n.nspowner", [schema])
        assert cursor.fetchone() == ("ambito_audit_owner", ["ambito_audit_owner"] * 2)
    with schema_context(schema):
        entry = audit_log(action="prova.ruolo_app")
        seal = audit_seal()
        assert seal is not None
        assert AuditEntry.objects.get(pk=entry.pk).sealed_in_id == seal.pk
        check = audit_verify()
        assert check.ok, check.problems
        with connection.cursor() as cursor, pytest.raises(Exception, match="permission denied"):
            cursor.execute("TRUNCATE core_auditentry CASCADE")
