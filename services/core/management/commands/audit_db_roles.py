"""Set up who may erase the audit trail (nobody the application can become)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from services.core.audit_db import (
    SQL_FILE,
    audit_db_install,
    audit_protect_all,
    is_superuser,
    protection_installed,
)


class Command(BaseCommand):
    help = (
        "Crea i ruoli del registro attività (ambito_audit_owner, ambito_app) e la funzione "
        "di protezione, e affida le tabelle del registro di ogni schema al loro proprietario. "
        "Da superutente esegue deploy/postgresql/audit.sql; altrimenti protegge gli schemi "
        "con la funzione già installata. Si può ripetere."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default="",
                            help="ruolo di accesso dell'applicazione (non superutente)")

    def handle(self, *args, **o):
        if is_superuser():
            audit_db_install(app_role=o["app_role"])
        elif o["app_role"] or not protection_installed():
            raise CommandError(
                f"Serve il superutente di PostgreSQL: sudo -u postgres psql -d <database> "
                f"-v app_role=<ruolo> -f {SQL_FILE}")
        left = audit_protect_all()
        if left:
            raise CommandError(f"Schemi non protetti: {', '.join(left)}")
        self.stdout.write("Registro attività protetto in ogni schema.")
