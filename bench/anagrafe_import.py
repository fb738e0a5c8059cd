"""Speed of the import from the population register: a generated register of N people
(default 100,000) in households of one to six, with valid codici fiscali, imported into a
fresh comune; then the same file again (every row unchanged). Prints figures; asserts nothing.

    PYTHONPATH=.:platform DATABASE_URL=postgres://... .venv/bin/python bench/anagrafe_import.py [N] [--limit-set-calls]

``--limit-set-calls`` measures with django-tenants' TENANT_LIMIT_SET_CALLS on (one
``SET search_path`` per connection and tenant switch instead of one per cursor), to show
what that platform setting would change.

Works in a scratch database (``ambito_bench_import``) that it creates and drops; tasks run
in-process and the file goes to a temporary MEDIA folder.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.dev")
os.environ["AMBITO_DB_NAME"] = "ambito_bench_import"
os.environ.pop("REDIS_URL", None)  # tasks in-process
MEDIA = tempfile.mkdtemp(prefix="ambito-bench-media-")
os.environ["AMBITO_MEDIA_ROOT"] = MEDIA

import django  # noqa: E402
import psycopg  # noqa: E402

RELATIONS = ["CG", "FG", "FG", "FG", "GE", "NI", "AL"]


def _admin_conninfo() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (f"host={db['HOST'] or 'localhost'} port={db['PORT'] or 5432} "
            f"user={db['USER'] or 'postgres'} dbname=postgres")


def generate(count: int, seed: int = 2026) -> bytes:
    """A register export of ``count`` people, codici fiscali computed by the library."""
    from services.anagrafica.importer.tracciato import COLONNE
    from services.core.italian_data import STREETS, fake_person

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLONNE)
    seen: set[str] = set()
    family = 0
    written = 0
    while written < count:
        family += 1
        size = min(rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6]), count - written)
        via, civico = rng.choice(STREETS), str(rng.randint(1, 200))
        cap = f"{rng.randint(6121, 6135):05d}"
        since = date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000))
        for k in range(size):
            p = fake_person(rng, min_age=0 if k else 18, max_age=95)
            while p.codice_fiscale in seen:  # a rare exact namesake: draw again
                p = fake_person(rng, min_age=0 if k else 18, max_age=95)
            seen.add(p.codice_fiscale)
            written += 1
            writer.writerow([
                f"{written:07d}", f"F{family:06d}", "IS" if k == 0 else rng.choice(RELATIONS),
                p.last_name.upper(), p.first_name.upper(), p.sex,
                p.birth_date.strftime("%d/%m/%Y"), p.birth_place, p.codice_fiscale, "380",
                via, civico, cap, since.strftime("%d/%m/%Y"), "residente", "",
            ])
    return out.getvalue().encode("utf-8")


def main(count: int, *, limit_set_calls: bool = False) -> None:
    django.setup()
    from django.conf import settings

    if limit_set_calls:
        settings.TENANT_LIMIT_SET_CALLS = True
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from services.anagrafica.importer import anagrafe_import_run, importazione_avvia
    from services.anagrafica.importer.tracciato import leggi
    from services.anagrafica.models import MembroNucleo, Nucleo, Persona
    from services.anagrafica.services import Actor
    from services.anagrafica.tasks import anagrafe_import_task
    from tenants.services.members import membership_grant, user_create
    from tenants.services.platform import platform_bootstrap
    from tenants.services.provisioning import comune_create, regione_create, zona_create

    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS ambito_bench_import")
        admin.execute("CREATE DATABASE ambito_bench_import")
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_bootstrap()
        regione_create(istat_code="10", name="Umbria", slug="umbria")
        zona_create(code="BENCH", name="Ambito di prova", regione_istat="10", slug="bench")
        comune = comune_create(istat_code="054039", name="Perugia", zona_code="BENCH",
                               slug="perugia", provincia="PG").obj
        user = user_create(email="anagrafe@perugia.bench", first_name="Ufficio",
                           last_name="Anagrafe", password="bench-password-2026")  # noqa: S106 - scratch database
        membership_grant(user=user, ente=comune.ente, role="amministrativo")

        t0 = time.perf_counter()
        content = generate(count)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = leggi(content)
        t_parse = time.perf_counter() - t0

        results = []
        with tenant_context(comune.ente):
            for label in ("first import (every row creates a person)",
                          "same file again (every row unchanged)"):
                upload = SimpleUploadedFile("anagrafe.csv", content, content_type="text/csv")
                with mock.patch.object(anagrafe_import_task, "apply_async"):
                    job = importazione_avvia(actor=Actor(user, "127.0.0.1"), file=upload)
                t0 = time.perf_counter()
                job = anagrafe_import_run(job.pk)
                elapsed = time.perf_counter() - t0
                results.append((label, job, elapsed))
            persone, nuclei = Persona.objects.count(), Nucleo.objects.count()
            membri = MembroNucleo.objects.count()

        print(f"TENANT_LIMIT_SET_CALLS: {getattr(settings, 'TENANT_LIMIT_SET_CALLS', False)}")
        print(f"register of {count} people: {len(content) / 1e6:.1f} MB, generated in {t_gen:.1f} s")
        print(f"reading and checking the file alone: {t_parse:.1f} s "
              f"({len(rows) / t_parse:,.0f} rows/s)")
        for label, job, elapsed in results:
            print(f"{label}: {elapsed:.1f} s, {job.righe_totali / elapsed:,.0f} rows/s "
                  f"(created {job.creati}, updated {job.aggiornati}, unchanged {job.invariati}, "
                  f"rejected {job.scartati})")
        print(f"registry after both: {persone} people, {nuclei} households, {membri} memberships")
    finally:
        connection.close()
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS ambito_bench_import")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 100_000, limit_set_calls="--limit-set-calls" in sys.argv)
