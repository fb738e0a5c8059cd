import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from services.core.audit_db import audit_protect_all
from tenants.fleet import fleet_migrate, fleet_state
from tenants.models import Ente
from tenants.services.platform import platform_bootstrap
from tenants.services.provisioning import repair_schema


class Command(BaseCommand):
    help = (
        "Da eseguire a ogni rilascio: migra lo schema pubblico, aggiorna gli schemi modello "
        "e migra in parallelo solo gli schemi degli enti non allineati."
    )

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int,
                            default=settings.TENANT_MULTIPROCESSING_MAX_PROCESSES)

    def handle(self, *args, **o):
        verbosity = o["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        platform_bootstrap()
        states = fleet_state(include_templates=False)
        for state in states:
            if not state.schema_present:
                self.stdout.write(f"Schema mancante, lo ricreo dal modello: {state.schema_name}")
                repair_schema(Ente.objects.get(schema_name=state.schema_name))
        behind = [s.schema_name for s in states if s.schema_present and s.missing]
        current = len(states) - len(behind)
        self.stdout.write(f"{current} schemi già allineati, {len(behind)} da migrare.")
        outcomes = fleet_migrate(behind, processes=o["processes"])
        failed = [x for x in outcomes if not x.ok]
        for x in failed:
            self.stderr.write(f"ERRORE {x.schema_name}: {x.error}")
        self.stdout.write(f"Migrati {len(outcomes) - len(failed)}, non riusciti {len(failed)}.")
        unprotected = audit_protect_all()
        if unprotected:
            self.stderr.write("Registro attività NON protetto (eseguire deploy/postgresql/audit.sql "
                              f"da superutente): {', '.join(unprotected)}")
        if failed:
            sys.exit(1)
