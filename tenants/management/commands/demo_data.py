from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.services.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seed
from tenants.services.platform import platform_bootstrap


class Command(BaseCommand):
    help = "Crea i dati dimostrativi (regione, ambito, 4 comuni, un operatore per ruolo)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="porta mostrata negli indirizzi")

    def handle(self, *args, **o):
        platform_bootstrap()
        summary = demo_seed()
        # Seal every trail once now: without Redis there is no beat to do it.
        from services.core.tasks import audit_seal_all_tenants

        audit_seal_all_tenants.delay()
        base = settings.BASE_DOMAIN
        port = "" if o["port"] in ("80", "") else f":{o['port']}"
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Password di tutti gli account: {DEMO_PASSWORD}")
        self.stdout.write(
            f"Secondo fattore (TOTP) degli account segnati con *: chiave {DEMO_TOTP_SECRET} "
            "(inseriscila a mano in un'app di autenticazione: basata sul tempo, 6 cifre, "
            "30 secondi; oppure: python manage.py demo_totp)")
        self.stdout.write(f"Piattaforma: http://{base}{port}/  ({summary.superuser}) *")
        for acc in summary.accounts:
            domain = acc.ente.get_primary_domain()
            mark = " *" if acc.totp else ""
            self.stdout.write(f"  http://{domain}{port}/  {acc.email:<50} {acc.role}{mark}")
