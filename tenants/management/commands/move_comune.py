from tenants.services.provisioning import comune_move

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Sposta un comune in un altro ambito."

    def add_arguments(self, parser):
        parser.add_argument("--istat", required=True)
        parser.add_argument("--zona", required=True)

    def handle(self, *args, **o):
        comune = comune_move(istat_code=o["istat"], zona_code=o["zona"])
        self.stdout.write(self.style.SUCCESS(f"{comune} è ora nell'ambito {comune.zona.code}"))
