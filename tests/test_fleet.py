"""Migrating the fleet: who is behind is found in one query; only they are migrated, in
recycled worker processes; one failing schema does not stop the others."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.fleet import fleet_migrate, fleet_state
from tenants.models import Comune, Domain, Ente
from tenants.services.provisioning import comune_create
from tests.conftest import _CAST

THROWAWAY = [("054050", "Torgiano"), ("054051", "Bettona")]


def _core_leaf() -> tuple[str, str]:
    """The newest migration of the core app (every schema has it) and the one before it."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaf = graph.leaf_nodes("core")[0]
    parent = next(p for p in graph.node_map[leaf].parents if p[0] == "core")
    return leaf[1], parent[1]


def _migrate_back_one(schema: str) -> None:
    """Really un-apply the newest core migration: the schema is as if it missed a deploy."""
    _leaf, parent = _core_leaf()
    call_command("migrate_schemas", "core", parent, schema_name=schema, interactive=False,
                 verbosity=0, executor="standard")
    connection.set_schema_to_public()


@pytest.fixture
def behind_comuni(django_db_setup, django_db_blocker):
    """Two committed comuni, each missing the last migration. Removed afterwards."""
    zona = _CAST[0].zona
    with django_db_blocker.unblock():
        made = [
            comune_create(istat_code=istat, name=name, zona_code=zona.code).obj
            for istat, name in THROWAWAY
        ]
        for comune in made:
            _migrate_back_one(comune.ente.schema_name)
        yield [c.ente.schema_name for c in made]
        connection.set_schema_to_public()
        for comune in made:
            ente = comune.ente
            Comune.objects.filter(pk=comune.pk).delete()
            Domain.objects.filter(tenant=ente).delete()
            Ente.objects.filter(pk=ente.pk).delete()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{ente.schema_name}" CASCADE')


def test_fleet_state_reports_who_is_behind(behind_comuni):
    states = {s.schema_name: s for s in fleet_state()}
    for schema in behind_comuni:
        assert states[schema].missing == (f"core.{_core_leaf()[0]}",)
        assert not states[schema].is_current
    assert states[_CAST[0].comune_a.ente.schema_name].is_current
    assert states["template_comune"].is_current


def test_migration_status_command_exits_1_when_behind(behind_comuni, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("migration_status")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "INDIETRO comune_054050" in out
    assert "OK       comune_054039" in out


def test_parallel_fleet_migration_brings_them_current(behind_comuni):
    outcomes = fleet_migrate(behind_comuni + ["schema_che_non_esiste"], processes=2,
                             tasks_per_child=1)
    by_schema = {o.schema_name: o for o in outcomes}
    assert all(by_schema[s].ok for s in behind_comuni)
    assert not by_schema["schema_che_non_esiste"].ok  # reported, the others went on
    assert "non_esiste" in by_schema["schema_che_non_esiste"].schema_name
    connection.close()
    states = {s.schema_name: s for s in fleet_state()}
    assert all(states[s].is_current for s in behind_comuni)


def test_deploy_migrate_skips_current_schemas(behind_comuni, capsys):
    call_command("deploy_migrate", processes=1, verbosity=0)
    out = capsys.readouterr().out
    assert "2 da migrare" in out
    assert "Migrati 2, non riusciti 0" in out
    call_command("deploy_migrate", processes=1, verbosity=0)
    assert "0 da migrare" in capsys.readouterr().out
    assert all(schema_exists(s) for s in behind_comuni)
