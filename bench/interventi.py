"""Totals of a comune with 1,000,000 interventions: per person and year (the case history's
"Importi per anno", ``selectors.totali_persona_per_anno``) and per year for the whole comune
(the summary page of determine, ``selectors.totali_interventi_per_anno``). Prints median and
p95 in ms over repeated calls of those selectors; asserts nothing.

    PYTHONPATH=.:platform DATABASE_URL=postgres://... .venv/bin/python bench/interventi.py [N] [--persone P]

Works in a scratch database (``ambito_bench_interventi``) that it creates and drops. Rows
are generated in SQL (INSERT ... SELECT over generate_series, cloning one row written by the
ORM so every NOT NULL column has a value), not through the service functions.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.dev")
DB_NAME = os.environ.get("AMBITO_BENCH_DB", "ambito_bench_interventi")
os.environ["AMBITO_DB_NAME"] = DB_NAME
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402
import psycopg  # noqa: E402


def _admin_conninfo() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (f"host={db['HOST'] or 'localhost'} port={db['PORT'] or 5432} "
            f"user={db['USER'] or 'postgres'} dbname=postgres")


def _clone(cursor, table: str, template_id: int, overrides: dict[str, str], series: str) -> None:
    """INSERT INTO table SELECT <template row with overrides> FROM generate_series."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        [table])
    columns = [c for (c,) in cursor.fetchall() if c != "id"]
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - bench, fixed names
        f"SELECT {select} FROM {table} t, {series} AS g WHERE t.id = %s",
        [template_id])


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main(count: int, persone: int) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from services.anagrafica.models import Persona
    from services.anagrafica.services import Actor, persona_create
    from services.interventi.models import Intervento
    from services.interventi.selectors import (
        interventi_visibili,
        totali_interventi_per_anno,
        totali_persona_per_anno,
    )
    from services.interventi.services import intervento_decide, intervento_propose, servizio_create
    from tenants.services.members import membership_grant, user_create
    from tenants.services.platform import platform_bootstrap
    from tenants.services.provisioning import comune_create, regione_create, zona_create

    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_bootstrap()
        regione_create(istat_code="10", name="Umbria", slug="umbria")
        zona_create(code="BENCH", name="Ambito di prova", regione_istat="10", slug="bench")
        comune = comune_create(istat_code="054039", name="Perugia", zona_code="BENCH",
                               slug="perugia", provincia="PG").obj
        user = user_create(email="dirigente@perugia.bench", first_name="Dirigente",
                           last_name="Servizi", password="bench-password-2026")  # noqa: S106 - scratch database
        membership_grant(user=user, ente=comune.ente, role="dirigente")
        actor = Actor(user, "127.0.0.1")

        with tenant_context(comune.ente):
            t0 = time.perf_counter()
            servizi = [servizio_create(actor=actor, nome=f"Servizio {n}", tipo="economica",
                                       area_target="poverta",
                                       carattere="occasionale" if n % 2 else "periodico",
                                       richiede_decisione=False)
                       for n in range(20)]
            template_p = persona_create(actor=actor, cognome="Modello", nome="Persona",
                                        sesso="F", data_nascita=date(1970, 1, 1))
            template_i = intervento_propose(actor=actor, persona=template_p, servizio=servizi[1],
                                            data_inizio=date(2020, 1, 1),
                                            importo_totale=Decimal("100.00"))
            if template_i.stato == Intervento.Stato.PROPOSTO:
                intervento_decide(actor=actor, intervento=template_i, approva=True)
            sid_min = min(s.pk for s in servizi)
            with connection.cursor() as cur:
                _clone(cur, "anagrafica_persona", template_p.pk, {
                    "public_id": "gen_random_uuid()", "codice_fiscale": "''",
                    "cognome": "'Cognome' || g", "nome": "'Nome' || g",
                    "search_text": "'cognome' || g || ' nome' || g",
                    "data_nascita": "date '1930-01-01' + (g %% 30000)",
                }, f"generate_series(1, {persone - 1})")
                cur.execute("SELECT min(id), max(id) FROM anagrafica_persona")
                pmin, pmax = cur.fetchone()
                span = pmax - pmin + 1
                # Persons get a skewed number of interventions (some many, most a few); years
                # 2015-2025; 80% approved or later, the rest proposed, rejected or cancelled.
                _clone(cur, "interventi_intervento", template_i.pk, {
                    "public_id": "gen_random_uuid()",
                    "persona_id": f"{pmin} + (floor(power(random(), 2) * {span}))::int",
                    "servizio_id": f"{sid_min} + (g %% 20)",
                    "data_inizio": "date '2015-01-01' + (random() * 4017)::int",
                    "proposto_il": "date '2015-01-01' + (random() * 4017)::int",
                    "importo_totale": "round((50 + random() * 4950)::numeric, 2)",
                    "stato": "(ARRAY['approvato','approvato','in_corso','concluso','concluso',"
                             "'approvato','in_corso','concluso','proposto','respinto'])"
                             "[1 + g %% 10]",
                    "deciso_il": "date '2015-01-01' + (random() * 4017)::int",
                    "domanda_id": "NULL", "cartella_id": "NULL", "determina_id": "NULL",
                }, f"generate_series(1, {count - 1})")
                cur.execute("VACUUM ANALYZE anagrafica_persona")
                cur.execute("VACUUM ANALYZE interventi_intervento")
            t_gen = time.perf_counter() - t0
            n_int, n_pers = Intervento.objects.count(), Persona.objects.count()

            rng = random.Random(2026)
            with connection.cursor() as cur:
                cur.execute("SELECT persona_id FROM interventi_intervento "
                            "GROUP BY persona_id ORDER BY count(*) DESC LIMIT 1")
                (busiest,) = cur.fetchone()
            ids = [rng.randint(pmin, pmax) for _ in range(500)]
            it = iter(ids * 2)
            per_person = _timed(lambda: totali_persona_per_anno(next(it)), 500)
            busiest_t = _timed(lambda: totali_persona_per_anno(busiest), 100)
            per_year = _timed(totali_interventi_per_anno, 10)
            # The first page of the list (what interventi_list renders, without the count).
            from django.core.paginator import Paginator

            lista = interventi_visibili(user).order_by("-proposto_il", "-id")
            first_page = _timed(lambda: list(lista[:50]), 50)
            count = _timed(lambda: Paginator(lista, 50).count, 10)
            rows_busiest = Intervento.objects.filter(persona_id=busiest).count()
            with connection.cursor() as cur:  # the plan of the per-person query
                cur.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT extract(year FROM data_inizio)::int, "
                    "sum(importo_totale), count(*) FROM interventi_intervento "
                    "WHERE persona_id = %s AND stato IN ('approvato','in_corso','concluso') "
                    "AND data_inizio IS NOT NULL GROUP BY 1 ORDER BY 1 DESC", [ids[0]])
                plan = [r[0] for r in cur.fetchall()]

        print(f"generated {n_int:,} interventions of {n_pers:,} persons "
              f"({len(servizi)} services) in {t_gen:.1f} s")
        print(f"totals per person and year (totali_persona_per_anno), 500 random persons: "
              f"median {per_person[0]:.2f} ms, p95 {per_person[1]:.2f} ms")
        print(f"same for the person with most interventions ({rows_busiest} rows): "
              f"median {busiest_t[0]:.2f} ms, p95 {busiest_t[1]:.2f} ms")
        print(f"totals per year of the whole comune (totali_interventi_per_anno), 10 runs: "
              f"median {per_year[0]:.0f} ms, p95 {per_year[1]:.0f} ms")
        print(f"list page, first 50 newest with person and service: median {first_page[0]:.2f} ms, "
              f"p95 {first_page[1]:.2f} ms; its count(*) for the paginator: "
              f"median {count[0]:.0f} ms, p95 {count[1]:.0f} ms")
        print("plan of the per-person query:")
        for line in plan:
            print("   ", line)
    finally:
        connection.close()
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    args = sys.argv[1:]
    numbers = [a for a in args if a.isdigit()]
    persone = 100_000
    if "--persone" in args:
        persone = int(args[args.index("--persone") + 1])
        numbers = [n for n in numbers if n != str(persone)]
    main(int(numbers[0]) if numbers else 1_000_000, persone)
