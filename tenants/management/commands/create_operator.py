from django.core.management.base import CommandError

from tenants.models import Ente, User
from tenants.services.members import membership_grant, user_create

from ._base import ServiceCommand


class Command(ServiceCommand):
    help = "Crea un operatore (se non esiste) e gli assegna un ruolo in un ente."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--codice-fiscale", default="")
        parser.add_argument("--password", help="se assente l'utente dovrà reimpostarla")
        parser.add_argument("--ente", required=True, help="indirizzo (slug) dell'ente")
        parser.add_argument("--role", required=True)

    def handle(self, *args, **o):
        ente = Ente.objects.filter(slug=o["ente"], is_template=False).first()
        if ente is None:
            raise CommandError(f"L'ente «{o['ente']}» non esiste.")
        user = User.objects.filter(email=o["email"].strip().lower()).first()
        if user is None:
            user = user_create(email=o["email"], first_name=o["first_name"],
                               last_name=o["last_name"], password=o["password"],
                               codice_fiscale=o["codice_fiscale"])
        membership = membership_grant(user=user, ente=ente, role=o["role"])
        self.stdout.write(self.style.SUCCESS(f"{membership}"))
