"""Cloning a template schema in constant time.

django-tenants' ``clone_schema`` SQL function reads the catalogs in a way that grows with
every schema in the database (measured: from about 230 ms per clone with a handful of
schemas to over 500 ms with 40, and seconds past 100; see bench/provision.py). A platform
that holds hundreds of comuni cannot use it on every provisioning.

Instead, the template's DDL is taken once per process and migration state with
``pg_dump --schema-only`` (the server's own dump, so it is exact), renamed to the new
schema, and run inside the caller's transaction; then the template's rows (recorded
migrations, content types, any seed data) are copied and identity sequences moved past
them. Where no suitable pg_dump is installed, the caller falls back to django-tenants.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection

log = logging.getLogger(__name__)

_ddl_cache: dict[tuple[str, str], str] = {}


def _pg_dump_for_server() -> str | None:
    """A pg_dump at least as new as the server (older ones refuse to dump)."""
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True):
        try:
            if int(candidate.parent.parent.name) >= major:
                return str(candidate)
        except ValueError:
            continue
    found = shutil.which("pg_dump")
    return found


def _state_digest(template: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{template}".django_migrations ORDER BY app, name'  # noqa: S608
        )
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _dump(template: str) -> str | None:
    pg_dump = _pg_dump_for_server()
    if pg_dump is None:
        return None
    db = connection.settings_dict
    args = [pg_dump, "--schema-only", "--no-owner", "--no-privileges", "--no-comments",
            f"--schema={template}", "--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        log.warning("pg_dump of %s failed, falling back: %s", template, result.stderr.strip())
        return None
    statements = []
    for line in result.stdout.splitlines():
        # Session settings and psql meta-commands belong to a restore script, not to a
        # statement run inside our transaction.
        if line.startswith(("SET ", "\\")) or line.startswith("SELECT pg_catalog.set_config"):
            continue
        statements.append(line)
    return "\n".join(statements)


def template_ddl(template: str) -> str | None:
    key = (template, _state_digest(template))
    if key not in _ddl_cache:
        ddl = _dump(template)
        if ddl is None:
            return None
        _ddl_cache[key] = ddl
    return _ddl_cache[key]


def clone_from_snapshot(template: str, new_schema: str) -> bool:
    """Create ``new_schema`` as a copy of ``template``. Returns False when no snapshot can be
    taken here (the caller then clones another way). Runs in the caller's transaction."""
    ddl = template_ddl(template)
    if ddl is None:
        return False
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", new_schema):
        raise ValueError(f"invalid schema name {new_schema!r}")
    renamed = re.sub(rf"\b{re.escape(template)}\b", new_schema, ddl)
    with connection.cursor() as cursor:
        cursor.execute(renamed)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname",
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            # Generated columns are computed by the server: they cannot be copied.
            cursor.execute(
                "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
                "AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
                "AND a.attgenerated = ''",
                [template, table],
            )
            columns = cursor.fetchone()[0]
            cursor.execute(
                f'INSERT INTO "{new_schema}"."{table}" ({columns}) '  # noqa: S608
                f'SELECT {columns} FROM "{template}"."{table}"'
            )
            if cursor.rowcount:
                cursor.execute(
                    "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = %s AND c.relname = %s AND a.attidentity <> ''",
                    [new_schema, table],
                )
                for (column,) in cursor.fetchall():
                    # Identifiers come from the catalog of our own template, not from input.
                    max_of = f'(SELECT max("{column}") FROM "{new_schema}"."{table}")'  # noqa: S608
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, %s), {max_of})",  # noqa: S608
                        [f'"{new_schema}"."{table}"', column],
                    )
    return True
