from tenants.services.provisioning import comune_create

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Crea un comune in un ambito clonando lo schema modello. Idempotente."

    def add_arguments(self, parser):
        parser.add_argument("--istat", required=True, help="codice ISTAT a 6 cifre")
        parser.add_argument("--name", required=True)
        parser.add_argument("--zona", required=True, help="codice dell'ambito")
        parser.add_argument("--slug")
        parser.add_argument("--belfiore", default="", help="codice catastale, es. H501")
        parser.add_argument("--provincia", default="")
        parser.add_argument("--abitanti", type=int)

    def handle(self, *args, **o):
        result = comune_create(
            istat_code=o["istat"], name=o["name"], zona_code=o["zona"], slug=o["slug"],
            belfiore_code=o["belfiore"], provincia=o["provincia"], population=o["abitanti"],
        )
        comune = result.obj
        self.report(result.created, f"comune di {comune} ({comune.ente.schema_name}, "
                                    f"{comune.ente.get_primary_domain()})")
