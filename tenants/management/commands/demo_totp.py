from django.core.management.base import BaseCommand

from tenants.services.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = "Mostra il codice TOTP di adesso degli account dimostrativi (secondo fattore)."

    def handle(self, *args, **o):
        self.stdout.write(demo_totp_code())
        self.stderr.write(f"(chiave {DEMO_TOTP_SECRET}, valido per 30 secondi, una volta sola)")
