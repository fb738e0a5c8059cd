from tenants.services.provisioning import zona_set_capofila

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Indica il comune capofila di un ambito."

    def add_arguments(self, parser):
        parser.add_argument("--zona", required=True)
        parser.add_argument("--istat", required=True)

    def handle(self, *args, **o):
        zona = zona_set_capofila(zona_code=o["zona"], comune_istat=o["istat"])
        self.stdout.write(self.style.SUCCESS(f"Capofila di {zona.code}: {zona.capofila}"))
