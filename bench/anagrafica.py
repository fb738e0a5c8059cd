"""Person search (and the case history page, when present) on a comune with 100,000
persons: median and p95 in ms. Prints figures; asserts nothing.

    PYTHONPATH=.:platform DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/anagrafica.py [N_PERSONS] [N_QUERIES]

Works in a scratch database (``ambito_bench_anag``) that it creates and drops.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.test")
os.environ["AMBITO_DB_NAME"] = "ambito_bench_anag"

import django  # noqa: E402
import psycopg  # noqa: E402


def _admin_conninfo() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (f"host={db['HOST'] or 'localhost'} port={db['PORT'] or 5432} "
            f"user={db['USER'] or 'postgres'} dbname=postgres")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def _report(label: str, values: list[float]) -> None:
    print(f"{label:<45} median {statistics.median(values) * 1000:7.1f} ms   "
          f"p95 {_pct(values, 0.95):7.1f} ms   (n={len(values)})")


def main(n_persons: int, n_queries: int) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from services.anagrafica.models import Indirizzo, Persona
    from services.anagrafica.selectors import persona_search
    from services.core.italian_data import STREETS, fake_person
    from services.core.text import fold
    from tenants.roles import Role
    from tenants.services.members import membership_grant, user_create
    from tenants.services.platform import platform_bootstrap
    from tenants.services.provisioning import comune_create, regione_create, zona_create

    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS ambito_bench_anag")
        admin.execute("CREATE DATABASE ambito_bench_anag")
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_bootstrap()
        regione_create(istat_code="10", name="Umbria", slug="umbria")
        zona_create(code="BENCH", name="Ambito di prova", regione_istat="10", slug="bench")
        comune = comune_create(istat_code="054039", name="Perugia", zona_code="BENCH",
                               slug="perugia").obj
        user = user_create(email="as@bench.test", first_name="A", last_name="S",
                           password="Bench-password-2026")
        membership_grant(user=user, ente=comune.ente, role=Role.ASSISTENTE_SOCIALE)

        rng = random.Random(7)  # noqa: S311
        people = []
        t0 = time.perf_counter()
        with tenant_context(comune.ente):
            seen: set[str] = set()
            batch_p, batch_a = [], []
            for i in range(n_persons):
                fp = fake_person(rng, min_age=0, max_age=95)
                cf = fp.codice_fiscale if fp.codice_fiscale not in seen else ""
                seen.add(cf)
                persona = Persona(codice_fiscale=cf, cognome=fp.last_name, nome=fp.first_name,
                                  sesso=fp.sex, data_nascita=fp.birth_date,
                                  luogo_nascita=fp.birth_place,
                                  search_text=fold(f"{fp.last_name} {fp.first_name}"))
                batch_p.append(persona)
                people.append(fp)
                if len(batch_p) == 5000 or i == n_persons - 1:
                    Persona.objects.bulk_create(batch_p)
                    for p in batch_p:
                        via = rng.choice(STREETS)
                        civ = str(rng.randint(1, 200))
                        batch_a.append(Indirizzo(persona=p, tipo="residenza", via=via, civico=civ,
                                                 comune="Perugia", dal=date(2000, 1, 1),
                                                 search_text=fold(f"{via} {civ} Perugia")))
                    Indirizzo.objects.bulk_create(batch_a)
                    batch_p, batch_a = [], []
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"generated {n_persons} persons with residence in {time.perf_counter() - t0:.1f} s")

        def typo(text: str) -> str:
            if len(text) < 5:
                return text
            i = rng.randint(1, len(text) - 2)
            return text[:i] + text[i + 1:]

        queries = {
            "cognome nome": lambda fp: f"{fp.last_name} {fp.first_name}",
            "cognome nome with a typo": lambda fp: f"{typo(fp.last_name)} {fp.first_name}",
            "codice fiscale prefix (8)": lambda fp: fp.codice_fiscale[:8],
            "cognome + birth date": lambda fp: f"{fp.last_name} {fp.birth_date:%d/%m/%Y}",
        }
        with tenant_context(comune.ente):
            persona_search("warm up")
            for label, make in queries.items():
                times = []
                for _ in range(n_queries):
                    q = make(rng.choice(people))
                    t = time.perf_counter()
                    persona_search(q)
                    times.append(time.perf_counter() - t)
                _report(f"persona_search: {label}", times)

        client = Client(HTTP_HOST=comune.ente.get_primary_domain().domain)
        client.force_login(user)
        times = []
        for _ in range(n_queries):
            fp = rng.choice(people)
            t = time.perf_counter()
            response = client.get("/anagrafica/", {"q": f"{fp.last_name} {fp.first_name}"},
                                  HTTP_HX_REQUEST="true")
            times.append(time.perf_counter() - t)
            assert response.status_code == 200
        _report("search page (htmx results, whole request)", times)

        # Case history: case files with a realistic amount of diary and movements.
        from services.anagrafica.services import Actor
        from services.cartella.models import Cartella, VoceDiario
        from services.cartella.services import cartella_apri

        with tenant_context(comune.ente):
            actor = Actor(user)
            persone = list(Persona.objects.order_by("?")[:200])
            cartelle = [cartella_apri(actor=actor, persona=p, area_target="poverta",
                                      data=date(2019, 1, 1)) for p in persone]
            VoceDiario.objects.bulk_create([
                VoceDiario(cartella=c, tipo="colloquio", data=date(2019 + k % 7, 1 + k % 12, 1),
                           testo="Colloquio di verifica " * 10, autore_id=user.pk,
                           autore_label="A S")
                for c in cartelle for k in range(60)
            ])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            ids = list(Cartella.objects.values_list("public_id", flat=True))
        times = []
        for _ in range(n_queries):
            t = time.perf_counter()
            response = client.get(f"/cartelle/{rng.choice(ids)}/storia/")
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        _report("case history page (60 diary entries, whole request)", times)
    finally:
        connection.close()
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS ambito_bench_anag")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 100)
