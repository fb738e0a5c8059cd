import sys

from django.core.management.base import BaseCommand

from tenants.fleet import fleet_state


class Command(BaseCommand):
    help = "Mostra, per ogni schema di ente, se è allineato alle migrazioni del codice."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-missing", action="store_true",
                            help="elenca le migrazioni mancanti")

    def handle(self, *args, **o):
        states = fleet_state()
        behind = [s for s in states if not s.is_current]
        for s in states:
            if s.is_current:
                line = f"OK       {s.schema_name:<32} {s.tenant_type:<8} {s.name}"
            elif not s.schema_present:
                line = f"MANCA    {s.schema_name:<32} {s.tenant_type:<8} {s.name} (schema assente)"
            else:
                line = (f"INDIETRO {s.schema_name:<32} {s.tenant_type:<8} {s.name}: "
                        f"{len(s.missing)} migrazioni da applicare")
            self.stdout.write(line)
            if o["verbose_missing"] and s.missing:
                for m in s.missing:
                    self.stdout.write(f"           - {m}")
        self.stdout.write(f"{len(states) - len(behind)} allineati, {len(behind)} da migrare.")
        if behind:
            sys.exit(1)
