"""The audit trail: written with every write, append-only in the database, sealed by a
hash chain that shows tampering, anchored in the public schema, verified with an alert."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django_tenants.utils import schema_context

from services.core.audit import audit_log, audit_seal, audit_verification_run, audit_verify
from services.core.models import AuditAnchor, AuditEntry, AuditSeal, AuditVerification
from tests.conftest import client_for

REFUSED = (InternalError, ProgrammingError)


def test_provisioning_writes_audit_entries(cast):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"regione.creata", "zona.creata", "comune.creato", "abilitazione.concessa"} <= actions


def test_update_and_delete_are_refused(cast):
    entry = audit_log(action="prova.voce")
    with pytest.raises(REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="modificata")
    with pytest.raises(REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "prova.voce"


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize("statement", [
    "TRUNCATE core_auditentry CASCADE",
    "TRUNCATE core_auditseal CASCADE",
    "UPDATE core_auditseal SET digest = 'x'",
    "DELETE FROM core_auditseal",
])
def test_seals_and_truncate_are_refused_even_to_a_superuser_session(cast, statement):
    with schema_context(cast.comune_a.ente.schema_name):
        audit_log(action="prova.voce")
        audit_seal()
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: TRUNCATE would refuse
        with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
            _sql(statement)
        # Switching triggers off for replication does not switch these off.
        with transaction.atomic():
            _sql("SET LOCAL session_replication_role = replica")
            with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
                _sql(statement)
        assert AuditSeal.objects.exists()


def test_seal_is_idempotent_per_schema_and_anchored_in_public(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        for i in range(3):
            audit_log(action="prova.voce", payload={"n": i})
        seal = audit_seal()
        assert seal is not None
        assert seal.entry_count >= 3
        assert audit_seal() is None  # nothing new: nothing sealed
        assert not AuditEntry.objects.filter(sealed_in__isnull=True).exists()
        assert audit_verify().ok
    with schema_context("public"):
        anchor = AuditAnchor.objects.get(schema_name=cast.comune_a.ente.schema_name,
                                         seal_id=seal.pk)
        assert anchor.digest == seal.digest
    with schema_context(cast.comune_b.ente.schema_name):
        assert not AuditSeal.objects.filter(pk=seal.pk, digest=seal.digest).exists()


def _sealed(cast, n: int = 2) -> tuple[list[AuditEntry], AuditSeal]:
    entries = [audit_log(action="cartella.letta", payload={"n": i}) for i in range(n)]
    seal = audit_seal()
    assert seal is not None
    assert audit_verify().ok
    return entries, seal


GUARDS = {
    "core_auditentry": ["core_auditentry_append_only", "core_auditentry_no_truncate"],
    "core_auditseal": ["core_auditseal_append_only", "core_auditseal_no_truncate"],
}


def _guard_off(table: str) -> None:
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: ALTER TABLE would refuse
    _sql(f"ALTER TABLE {table} DISABLE TRIGGER ALL")


def _guard_on(table: str) -> None:
    _sql(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
    for trigger in GUARDS[table]:
        _sql(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {trigger}")


def _as_dba(statement: str, params=None, *, table: str = "core_auditentry") -> None:
    """What a database administrator could do by hand: switch the guard off, act."""
    _guard_off(table)
    _sql(statement, params)
    _guard_on(table)


def _kinds(check) -> set[str]:
    return {p.kind for p in check.problems}


def test_edited_row_is_detected(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        entries, seal = _sealed(cast)
        _as_dba("UPDATE core_auditentry SET actor_label = 'qualcun altro' WHERE id = %s",
                [entries[0].pk])
        check = audit_verify()
        assert "voci_alterate" in _kinds(check)
        assert check.broken_seal_ids == [seal.pk]


def test_deleted_rows_are_detected(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        entries, seal = _sealed(cast, 3)
        _as_dba("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
        check = audit_verify()
        assert "voci_mancanti" in _kinds(check)
        assert check.broken_seal_ids == [seal.pk]


def test_deleted_last_seal_is_detected(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        _sealed(cast)
        _entries, last = _sealed(cast)
        _as_dba("DELETE FROM core_auditseal WHERE id = %s", [last.pk], table="core_auditseal")
        assert "sigillo_mancante" in _kinds(audit_verify())


def test_deleted_last_seal_with_its_entries_is_detected_by_the_anchor(cast):
    """The thorough eraser removes the last seal and what it covered: inside the schema the
    chain is consistent again; the anchor in public is what remembers."""
    with schema_context(cast.comune_a.ente.schema_name):
        _sealed(cast)
        _entries, last = _sealed(cast)
        _guard_off("core_auditseal")
        _as_dba("DELETE FROM core_auditentry WHERE sealed_in_id = %s", [last.pk])
        _sql("DELETE FROM core_auditseal WHERE id = %s", [last.pk])
        _guard_on("core_auditseal")
        check = audit_verify()
        assert _kinds(check) == {"sigillo_mancante"}
        assert check.broken_seal_ids == [last.pk]


def test_truncate_is_detected(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        _sealed(cast)
        _guard_off("core_auditentry")
        _guard_off("core_auditseal")
        _sql("TRUNCATE core_auditentry, core_auditseal")
        _guard_on("core_auditentry")
        _guard_on("core_auditseal")
        assert "sigillo_mancante" in _kinds(audit_verify())


def test_disabled_trigger_is_reported(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        _sql("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        assert "protezione" in _kinds(audit_verify())


def test_audit_tables_belong_to_the_audit_owner(cast):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN "
            "('core_auditentry', 'core_auditseal', 'core_auditanchor') AND c.relkind = 'r'")
        rows = cursor.fetchall()
    schemas = {schema for schema, _t, _o in rows}
    assert {"public", "template_comune", cast.comune_a.ente.schema_name} <= schemas
    assert {owner for _s, _t, owner in rows} == {"ambito_audit_owner"}


def test_broken_chain_raises_the_alert(cast, caplog):
    with schema_context(cast.comune_a.ente.schema_name):
        entries, _seal = _sealed(cast)
        _as_dba("UPDATE core_auditentry SET action = 'altro' WHERE id = %s", [entries[0].pk])
        with caplog.at_level(logging.ERROR, logger="services.core.audit"):
            verification = audit_verification_run()
        assert verification.outcome == AuditVerification.Outcome.BROKEN
        assert verification.problems[0]["kind"] == "voci_alterate"
        assert AuditEntry.objects.filter(action="registro.integrita_compromessa").exists()
    assert any(r.levelno == logging.ERROR and "AUDIT CHAIN BROKEN" in r.getMessage()
               for r in caplog.records)
    page = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get(
        "/ente/registro/integrita/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="audit-alert"' in html
    assert "sono state modificate dopo la sigillatura" in html


def test_intact_chain_is_recorded_as_such(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        _sealed(cast)
        verification = audit_verification_run()
        assert verification.outcome == AuditVerification.Outcome.INTACT
        assert verification.seal_count >= 1
        assert verification.problems == []


def test_dirigente_runs_a_check_now(cast, django_capture_on_commit_callbacks):
    dirigente = cast.by_role["dirigente"]
    client = client_for(dirigente, cast.comune_a.ente)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ente/registro/integrita/verifica/")
    assert response.status_code == 302
    with schema_context(cast.comune_a.ente.schema_name):
        verification = AuditVerification.objects.get()
        assert verification.requested_by_id == dirigente.pk
        assert verification.outcome in {AuditVerification.Outcome.INTACT,
                                         AuditVerification.Outcome.BROKEN}
        assert AuditEntry.objects.filter(action="registro.verifica_richiesta",
                                         object_id=str(verification.public_id)).exists()
    status = client.get(f"/ente/registro/integrita/{verification.public_id}/")
    assert status.status_code == 200
    assert "hx-get" not in status.content.decode()  # finished: no more polling


def test_page_warns_when_no_check_ran_lately(cast):
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert 'id="audit-stale"' in client.get("/ente/registro/integrita/").content.decode()
    with schema_context(cast.comune_a.ente.schema_name):
        audit_verification_run()
    assert 'id="audit-stale"' not in client.get("/ente/registro/integrita/").content.decode()


def test_other_roles_cannot_run_a_check(cast):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    assert client.post("/ente/registro/integrita/verifica/").status_code == 403
    with schema_context(cast.comune_a.ente.schema_name):
        assert not AuditVerification.objects.exists()


def test_scheduled_jobs_cover_the_platform_and_every_tenant(cast):
    from django.conf import settings

    from services.core.tasks import audit_seal_all_tenants, audit_verify_all_tenants

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"services.core.tasks.audit_seal_all_tenants",
            "services.core.tasks.audit_verify_all_tenants"} <= tasks
    audit_log(action="prova.pubblico")  # the platform's own trail, in public
    audit_seal_all_tenants.apply().get()
    assert not AuditEntry.objects.filter(sealed_in__isnull=True).exists()
    audit_verify_all_tenants.apply().get()
    for schema in ("public", cast.comune_a.ente.schema_name, cast.zona.ente.schema_name):
        with schema_context(schema):
            verification = AuditVerification.objects.get(requested_by_label="sistema")
            assert verification.outcome == AuditVerification.Outcome.INTACT, verification.problems


def test_audit_db_roles_command_is_idempotent(cast, capsys):
    from django.core.management import call_command

    call_command("audit_db_roles")
    call_command("audit_db_roles")
    assert "protetto in ogni schema" in capsys.readouterr().out
    with schema_context(cast.comune_a.ente.schema_name):
        assert "protezione" not in _kinds(audit_verify())
