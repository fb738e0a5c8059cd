"""Provisioning speed: a comune by cloning the template schema against replaying every
migration, and 100 comuni by cloning. Prints figures; asserts nothing.

    PYTHONPATH=.:platform DATABASE_URL=postgres://... .venv/bin/python bench/provision.py [N]

Works in a scratch database (``ambito_bench``) that it creates and drops.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.dev")
os.environ["AMBITO_DB_NAME"] = "ambito_bench"

import django  # noqa: E402
import psycopg  # noqa: E402


def _admin_conninfo() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (f"host={db['HOST'] or 'localhost'} port={db['PORT'] or 5432} "
            f"user={db['USER'] or 'postgres'} dbname=postgres")


def main(count: int) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from tenants.models import Domain, Ente
    from tenants.services.platform import platform_bootstrap
    from tenants.services.provisioning import comune_create, regione_create, zona_create
    from tenants.services.schemas import migrate_schema

    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS ambito_bench")
        admin.execute("CREATE DATABASE ambito_bench")
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_bootstrap()
        regione_create(istat_code="10", name="Umbria", slug="umbria")
        zona_create(code="BENCH", name="Ambito di prova", regione_istat="10", slug="bench")

        replay = []
        for i in range(5):
            t0 = time.perf_counter()
            schema = f"replay_{i}"
            with transaction.atomic():
                ente = Ente.objects.create(type="comune", schema_name=schema,
                                           name=f"Replay {i}", slug=f"replay-{i}")
                Domain.objects.create(domain=f"replay-{i}.localhost", tenant=ente)
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
            migrate_schema(schema)
            connection.set_schema_to_public()
            replay.append(time.perf_counter() - t0)

        cloned = []
        t_all = time.perf_counter()
        for i in range(count):
            t0 = time.perf_counter()
            comune_create(istat_code=f"{900000 + i:06d}", name=f"Comune {i}", zona_code="BENCH",
                          slug=f"comune-{i}")
            cloned.append(time.perf_counter() - t0)
        total = time.perf_counter() - t_all

        # django-tenants' own clone_schema, with the same number of schemas present.
        from django_tenants.clone import CloneSchema

        dt_clone = []
        for i in range(3):
            with transaction.atomic():
                t0 = time.perf_counter()
                CloneSchema().clone_schema("template_comune", f"dtclone_{i}", "DATA")
                dt_clone.append(time.perf_counter() - t0)
                transaction.set_rollback(True)

        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        print(f"tenant apps' migrations: {len(__import__('tenants.services.schemas', fromlist=['x']).expected_migrations())} in the graph")
        print(f"one comune by replaying migrations: median {ms(replay):8.1f} ms (n={len(replay)})")
        print(f"one comune by cloning the template: median {ms(cloned):8.1f} ms "
              f"(p95 {sorted(cloned)[int(len(cloned) * 0.95) - 1] * 1000:.1f} ms)")
        print(f"  first 10 comuni: median {ms(cloned[:10]):.1f} ms; last 10: median "
              f"{ms(cloned[-10:]):.1f} ms (cloning time against schemas already present)")
        print(f"django-tenants clone_schema with {count} comuni present: median "
              f"{ms(dt_clone):.1f} ms (n=3)")
        print(f"ratio replay / clone: {ms(replay) / ms(cloned):.2f}x")
        print(f"{count} comuni by cloning: {total:.1f} s total, {count / total:.1f} comuni/s")
    finally:
        connection.close()
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS ambito_bench")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
