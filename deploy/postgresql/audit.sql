-- Who may erase the audit trail: nobody the application can become.
--
-- Run as the PostgreSQL superuser, after `deploy_migrate`, on the first deploy of this
-- release and again whenever it changes (it is idempotent):
--
--     sudo -u postgres psql -d ambito -v app_role=ambito -f /srv/ambito/deploy/postgresql/audit.sql
--
-- `manage.py audit_db_roles` runs this same file when its database user is a superuser
-- (development, tests); `app_role` is then empty unless given with --app-role.
--
-- What it sets up:
--   ambito_audit_owner  NOLOGIN. Owns, in every schema, the audit tables (entries, seals,
--                       anchors), their sequences and trigger functions, and every tenant
--                       schema. The application role is never a member of it. It is a
--                       member of the application role, so that it can take over what
--                       the application creates (a new comune's cloned schema).
--   ambito_app          NOLOGIN group of the application's login role: SELECT and INSERT
--                       on the audit tables, UPDATE of the one column the sealer sets
--                       (sealed_in_id), USAGE and CREATE on the schemas.
--   the database        owned by the installer (not by the application), so that the
--                       application cannot drop it, nor `public`'s tables it does not own.
--   public.ambito_audit_protect(schema)  SECURITY DEFINER, owned by ambito_audit_owner,
--                       executable by ambito_app: hands one schema's audit tables to the
--                       owner. The application calls it when it creates or migrates a schema.
\set ON_ERROR_STOP on
SELECT set_config('ambito.app_role', :'app_role', false);

DO $setup$
DECLARE
    app text := nullif(current_setting('ambito.app_role'), '');
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['ambito_audit_owner', 'ambito_app'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by another database's setup (roles are cluster-wide)
            END;
        END IF;
    END LOOP;
    IF app IS NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RAISE EXCEPTION 'application role % does not exist', app;
    END IF;
    IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = app) THEN
        RAISE EXCEPTION 'application role % is a superuser: nothing can be protected from it', app;
    END IF;
    IF pg_has_role(app, 'ambito_audit_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'application role % must not be a member of ambito_audit_owner', app;
    END IF;
    EXECUTE format('GRANT ambito_app TO %I', app);
    IF NOT pg_has_role('ambito_audit_owner', app, 'MEMBER') THEN
        EXECUTE format('GRANT %I TO ambito_audit_owner', app);
    END IF;
    IF (SELECT datdba FROM pg_database WHERE datname = current_database())
       = (SELECT oid FROM pg_roles WHERE rolname = app) THEN
        -- The database owner owns `public` (pg_database_owner) and may drop any table in it.
        EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), current_user);
    END IF;
END
$setup$;

GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"DBNAME" TO ambito_app;
GRANT USAGE, CREATE ON SCHEMA public TO ambito_app;

-- The work, run with the privileges of whoever calls it: ambito_audit_owner (through the
-- SECURITY DEFINER wrapper below) or a superuser.
CREATE OR REPLACE FUNCTION public.ambito_audit_protect_as_caller(target text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    nsp oid;
    owner_oid oid := (SELECT oid FROM pg_roles WHERE rolname = 'ambito_audit_owner');
    changed boolean := false;
    rel record;
    fn record;
BEGIN
    IF target IS NULL OR target !~ '^[a-z_][a-z0-9_]{0,62}$' OR target LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'invalid schema name %', target USING ERRCODE = 'invalid_schema_name';
    END IF;
    SELECT oid INTO nsp FROM pg_namespace WHERE nspname = target;
    IF nsp IS NULL OR NOT EXISTS (
        SELECT 1 FROM pg_class WHERE relnamespace = nsp AND relname = 'core_auditentry' AND relkind = 'r'
    ) THEN
        RAISE EXCEPTION 'schema % holds no audit trail', target USING ERRCODE = 'invalid_schema_name';
    END IF;

    -- The owner of a schema may drop every table in it, whoever owns the table.
    IF target <> 'public' AND (SELECT nspowner FROM pg_namespace WHERE oid = nsp) <> owner_oid THEN
        EXECUTE format('ALTER SCHEMA %I OWNER TO ambito_audit_owner', target);
        changed := true;
    END IF;
    IF target <> 'public' AND NOT has_schema_privilege('ambito_app', nsp, 'CREATE') THEN
        EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO ambito_app', target);
        changed := true;
    END IF;

    FOR rel IN
        SELECT c.oid, c.relname, c.relowner FROM pg_class c
         WHERE c.relnamespace = nsp AND c.relkind = 'r'
           AND c.relname IN ('core_auditentry', 'core_auditseal', 'core_auditanchor')
    LOOP
        -- A rule's actions run with the table owner's privileges: none may ride along.
        IF EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = rel.oid) THEN
            RAISE EXCEPTION 'audit table %.% has rules', target, rel.relname
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF rel.relowner <> owner_oid THEN
            -- Also moves the identity sequence the table owns.
            EXECUTE format('ALTER TABLE %I.%I OWNER TO ambito_audit_owner', target, rel.relname);
            changed := true;
        END IF;
        IF NOT has_table_privilege('ambito_app', rel.oid, 'INSERT') THEN
            EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM PUBLIC', target, rel.relname);
            EXECUTE format('GRANT SELECT, INSERT ON TABLE %I.%I TO ambito_app', target, rel.relname);
            IF rel.relname = 'core_auditentry' THEN
                -- The sealer marks an entry as sealed; the trigger refuses any other change.
                EXECUTE format('GRANT UPDATE (sealed_in_id) ON TABLE %I.%I TO ambito_app',
                               target, rel.relname);
            END IF;
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ambito_app',
                           pg_get_serial_sequence(format('%I.%I', target, rel.relname), 'id'));
            changed := true;
        END IF;
        -- Whoever owns a trigger's function can replace it with one that lets everything through.
        -- A SECURITY DEFINER function handed to the owner would let its caller act as the
        -- owner: refused, not transferred.
        FOR fn IN
            SELECT DISTINCT p.oid, p.proowner, p.prosecdef FROM pg_trigger t
              JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE t.tgrelid = rel.oid AND NOT t.tgisinternal
        LOOP
            IF fn.prosecdef THEN
                RAISE EXCEPTION 'trigger function % of %.% is SECURITY DEFINER',
                    fn.oid::regprocedure, target, rel.relname USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF fn.proowner <> owner_oid THEN
                EXECUTE format('ALTER FUNCTION %s OWNER TO ambito_audit_owner', fn.oid::regprocedure);
                changed := true;
            END IF;
        END LOOP;
    END LOOP;
    RETURN changed;
END
$fn$;

CREATE OR REPLACE FUNCTION public.ambito_audit_protect(target text) RETURNS boolean
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT public.ambito_audit_protect_as_caller(target) $fn$;

ALTER FUNCTION public.ambito_audit_protect_as_caller(text) OWNER TO ambito_audit_owner;
ALTER FUNCTION public.ambito_audit_protect(text) OWNER TO ambito_audit_owner;
REVOKE ALL ON FUNCTION public.ambito_audit_protect_as_caller(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.ambito_audit_protect(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ambito_audit_protect(text) TO ambito_app;

-- Every schema that holds an audit trail, now.
SELECT n.nspname, public.ambito_audit_protect_as_caller(n.nspname) AS changed
  FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
 WHERE c.relname = 'core_auditentry' AND c.relkind = 'r'
 ORDER BY n.nspname;
