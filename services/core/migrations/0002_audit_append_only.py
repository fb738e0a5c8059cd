"""The audit trail refuses UPDATE and DELETE at the database, except the one update the
sealer makes (setting sealed_in on an unsealed row). Created in each schema this app
migrates, so every comune's trail is protected the same way."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.sealed_in_id IS NULL
       AND NEW.sealed_in_id IS NOT NULL
       AND (to_jsonb(NEW) - 'sealed_in_id') = (to_jsonb(OLD) - 'sealed_in_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
