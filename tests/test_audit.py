"""The audit trail: written with every write, append-only in the database, sealed by a
hash chain that shows tampering."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django_tenants.utils import schema_context

from services.core.audit import audit_log, audit_seal, audit_verify
from services.core.models import AuditEntry, AuditSeal


def test_provisioning_writes_audit_entries(cast):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"regione.creata", "zona.creata", "comune.creato", "abilitazione.concessa"} <= actions


def test_update_and_delete_are_refused(cast):
    entry = audit_log(action="prova.voce")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="modificata")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "prova.voce"


def test_seal_is_idempotent_and_per_schema(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        for i in range(3):
            audit_log(action="prova.voce", payload={"n": i})
        seal = audit_seal()
        assert seal is not None
        assert seal.entry_count >= 3
        assert audit_seal() is None  # nothing new: nothing sealed
        assert not AuditEntry.objects.filter(sealed_in__isnull=True).exists()
        assert audit_verify() == []
    with schema_context(cast.comune_b.ente.schema_name):
        assert not AuditSeal.objects.filter(pk=seal.pk, digest=seal.digest).exists()


def test_tampering_behind_the_application_is_detected(cast):
    with schema_context(cast.comune_a.ente.schema_name):
        entry = audit_log(action="cartella.letta", payload={"cartella": "x"})
        seal = audit_seal()
        with connection.cursor() as cursor:
            # What a database administrator could do by hand: disable the guard, edit a row.
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
            cursor.execute("UPDATE core_auditentry SET actor_label = 'qualcun altro' WHERE id = %s",
                           [entry.pk])
            cursor.execute("SET LOCAL session_replication_role = origin")
        assert [s.pk for s in audit_verify()] == [seal.pk]
