"""Provisioning regions, zones and comuni: schema by cloning, idempotent, all or nothing."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from services.core.errors import AlreadyExists, NotFound, ValidationFailed
from tenants.models import Comune, Domain, Ente, Membership
from tenants.roles import Role
from tenants.services.members import membership_grant
from tenants.services.provisioning import (
    comune_create,
    comune_move,
    zona_create,
    zona_set_capofila,
)
from tenants.services.schemas import SchemaStateError, schema_clone_for

NEW = {"istat_code": "054012", "name": "Corciano", "slug": "corciano",
       "belfiore_code": "C990", "provincia": "PG", "population": 21_000}


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def comune_tables() -> set[str]:
    tables = {"django_migrations"}
    for app_path in settings.TENANT_TYPES["comune"]["APPS"]:
        config = next(c for c in apps.get_app_configs() if c.name == app_path)
        tables |= {m._meta.db_table for m in config.get_models() if m._meta.managed}
    return tables


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def save_and_clone(ente: Ente) -> None:
    with transaction.atomic():
        ente.save()
        schema_clone_for(ente)


def test_new_comune_has_a_schema_with_every_tenant_table(cast):
    result = comune_create(zona_code=cast.zona.code, **NEW)

    assert result.created
    comune = result.obj
    assert comune.ente.schema_name == "comune_054012"
    assert comune.ente.type == Ente.Type.COMUNE
    assert comune.ente.get_primary_domain().domain == f"corciano.{settings.BASE_DOMAIN}"
    assert comune_tables() <= tables_in("comune_054012")
    assert tables_in("comune_054012") == tables_in("template_comune")
    # No platform table leaks into a comune's schema.
    assert "tenants_user" not in tables_in("comune_054012")


def test_second_run_changes_nothing(cast):
    comune_create(zona_code=cast.zona.code, **NEW)
    before = (Ente.objects.count(), Comune.objects.count(), Domain.objects.count(),
              schema_names())

    again = comune_create(zona_code=cast.zona.code, **NEW)

    assert not again.created
    assert again.obj.istat_code == NEW["istat_code"]
    assert (Ente.objects.count(), Comune.objects.count(), Domain.objects.count(),
            schema_names()) == before


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"istat_code": "054039", "name": "Altro nome", "slug": "altro"}, AlreadyExists, "istat_code"),
        ({"istat_code": "05401"}, ValidationFailed, "istat_code"),
        ({"istat_code": "05401A"}, ValidationFailed, "istat_code"),
        ({"slug": "Corciano!"}, ValidationFailed, "slug"),
        ({"slug": "admin"}, ValidationFailed, "slug"),
        ({"slug": "template-x"}, ValidationFailed, "slug"),
        ({"slug": "assisi"}, AlreadyExists, "slug"),
        ({"name": "  "}, ValidationFailed, "name"),
        ({"belfiore_code": "1234"}, ValidationFailed, "belfiore_code"),
        ({"provincia": "Perugia"}, ValidationFailed, "provincia"),
        ({"population": -5}, ValidationFailed, "population"),
    ],
)
def test_bad_input_leaves_no_schema_and_no_row(cast, changes, error, field):
    schemas_before = schema_names()
    counts_before = (Ente.objects.count(), Comune.objects.count(), Domain.objects.count())

    with pytest.raises(error) as excinfo:
        comune_create(zona_code=cast.zona.code, **{**NEW, **changes})

    assert excinfo.value.field == field
    assert str(excinfo.value)  # a message a person can read
    assert schema_names() == schemas_before
    assert (Ente.objects.count(), Comune.objects.count(), Domain.objects.count()) == counts_before


def test_unknown_zone_is_refused(cast):
    with pytest.raises(NotFound, match="ZZ-NONE"):
        comune_create(zona_code="ZZ-NONE", **NEW)
    assert not schema_exists("comune_054012")


def test_a_failure_while_cloning_rolls_back_rows_and_schema(cast):
    """The schema DDL runs in the same transaction as the rows: a stale template detected
    after the rows were written undoes everything."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM template_comune.django_migrations WHERE app = 'core' AND name = %s",
            ["0002_audit_append_only"],
        )
    ente = Ente(type=Ente.Type.COMUNE, schema_name="comune_054099", name="Prova", slug="prova")

    with pytest.raises(SchemaStateError, match="template_comune"):
        save_and_clone(ente)

    assert not Ente.objects.filter(schema_name="comune_054099").exists()
    assert not schema_exists("comune_054099")


def test_clone_checks_the_copy_against_the_code(cast, monkeypatch):
    """Even if the template looked current, a copy lacking a migration is refused."""
    from tenants.services import schemas

    real = schemas.missing_migrations
    calls = []

    def missing(schema_name):
        calls.append(schema_name)
        if schema_name == "comune_054098":
            return {("core", "9999_future")}
        return real(schema_name)

    monkeypatch.setattr(schemas, "missing_migrations", missing)
    ente = Ente(type=Ente.Type.COMUNE, schema_name="comune_054098", name="Prova", slug="prova2")
    with pytest.raises(SchemaStateError, match="9999_future"):
        save_and_clone(ente)
    assert calls == ["template_comune", "comune_054098"]
    assert not schema_exists("comune_054098")


def test_cloned_schema_keeps_the_audit_trail_append_only(cast):
    comune = comune_create(zona_code=cast.zona.code, **NEW).obj
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO comune_054012.core_auditentry "
            "(public_id, at, actor_label, action, object_type, object_id, payload) "
            "VALUES (gen_random_uuid(), now(), 'x', 'prova', '', '', '{}')"
        )
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE comune_054012.core_auditentry SET action = 'altro'")
    assert comune.ente.schema_name == "comune_054012"


def test_move_comune_between_zones(cast):
    other = zona_create(code="ZS-AS", name="Zona sociale Assisi", regione_istat="10",
                        slug="zona-assisi").obj
    moved = comune_move(istat_code=cast.comune_b.istat_code, zona_code=other.code)

    assert moved.zona == other
    assert Comune.objects.get(pk=cast.comune_b.pk).zona_id == other.pk
    # Same call again: nothing to do.
    assert comune_move(istat_code=cast.comune_b.istat_code, zona_code=other.code).zona == other


def test_capofila_cannot_leave_its_zone(cast):
    other = zona_create(code="ZS-AS", name="Zona sociale Assisi", regione_istat="10",
                        slug="zona-assisi").obj
    with pytest.raises(ValidationFailed, match="capofila"):
        comune_move(istat_code=cast.comune_a.istat_code, zona_code=other.code)
    assert Comune.objects.get(pk=cast.comune_a.pk).zona_id == cast.zona.pk


def test_capofila_must_belong_to_the_zone(cast):
    other = zona_create(code="ZS-AS", name="Zona sociale Assisi", regione_istat="10",
                        slug="zona-assisi").obj
    with pytest.raises(ValidationFailed, match="non fa parte"):
        zona_set_capofila(zona_code=other.code, comune_istat=cast.comune_a.istat_code)


def test_move_to_unknown_zone(cast):
    with pytest.raises(NotFound):
        comune_move(istat_code=cast.comune_b.istat_code, zona_code="NOPE")


def test_zone_role_cannot_be_given_in_a_comune(cast):
    user = cast.outsider
    with pytest.raises(ValidationFailed, match="non si può assegnare"):
        membership_grant(user=user, ente=cast.comune_a.ente, role=Role.COORDINATORE_ZONA)
    assert not Membership.objects.filter(user=user, ente=cast.comune_a.ente).exists()


def test_no_membership_on_templates(cast):
    template = Ente.objects.get(schema_name="template_comune")
    with pytest.raises(ValidationFailed):
        membership_grant(user=cast.outsider, ente=template, role=Role.ASSISTENTE_SOCIALE)


def test_clone_copies_rows_and_moves_identity_sequences(cast):
    from django.contrib.contenttypes.models import ContentType
    from django_tenants.utils import schema_context

    comune_create(zona_code=cast.zona.code, **NEW)
    with schema_context("template_comune"):
        template_types = set(ContentType.objects.values_list("id", "app_label", "model"))
    with schema_context("comune_054012"):
        assert set(ContentType.objects.values_list("id", "app_label", "model")) == template_types
        created = ContentType.objects.create(app_label="prova", model="nuovo")
        assert created.pk > max(pk for pk, _a, _m in template_types)


def test_clone_trigger_calls_the_clones_own_function(cast):
    comune_create(zona_code=cast.zona.code, **NEW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'comune_054012' AND t.tgname = 'core_auditentry_append_only'"
        )
        (definition,) = cursor.fetchone()
    assert "comune_054012.core_auditentry_append_only()" in definition
    assert "template_comune" not in definition


def test_without_pg_dump_cloning_falls_back_to_django_tenants(cast, monkeypatch):
    from tenants.services import snapshot

    monkeypatch.setattr(snapshot, "_pg_dump_for_server", lambda: None)
    snapshot._ddl_cache.clear()
    comune_create(zona_code=cast.zona.code, **NEW)
    assert tables_in("comune_054012") == tables_in("template_comune")
