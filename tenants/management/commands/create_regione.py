from tenants.services.provisioning import regione_create

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Crea una regione (con il suo schema). Idempotente."

    def add_arguments(self, parser):
        parser.add_argument("--istat", required=True, help="codice ISTAT a 2 cifre")
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug")

    def handle(self, *args, **o):
        result = regione_create(istat_code=o["istat"], name=o["name"], slug=o["slug"])
        self.report(result.created, f"regione {result.obj} ({result.obj.ente.schema_name})")
