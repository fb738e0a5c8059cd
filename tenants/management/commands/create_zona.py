from tenants.services.provisioning import zona_create

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Crea un ambito (zona sociale) in una regione, con il suo schema. Idempotente."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="codice dell'ambito")
        parser.add_argument("--name", required=True)
        parser.add_argument("--regione", required=True, help="codice ISTAT della regione")
        parser.add_argument("--slug")

    def handle(self, *args, **o):
        result = zona_create(code=o["code"], name=o["name"], regione_istat=o["regione"],
                             slug=o["slug"])
        self.report(result.created, f"ambito {result.obj} ({result.obj.ente.schema_name})")
