import datetime
from pathlib import Path

from django.core.management.base import CommandError

from tenants.management.commands._base import ServiceCommand
from zone.catalogo.models import Edizione
from zone.catalogo.services import FileNonValido, edizione_carica


class Command(ServiceCommand):
    help = (
        "Carica un'edizione di un elenco del catalogo (codici prestazione INPS o nomenclatore) "
        "da un file CSV. Ricaricare lo stesso file non cambia nulla; i codici assenti dalla "
        "nuova edizione restano validi per il passato e sono segnati come ritirati."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tipo", required=True, choices=Edizione.Tipo.values)
        parser.add_argument("--edizione", required=True, help="codice dell'edizione")
        parser.add_argument("--file", required=True, type=Path)
        parser.add_argument("--in-vigore-dal", required=True, help="AAAA-MM-GG")
        parser.add_argument("--titolo", default="")
        parser.add_argument("--fonte", default="")

    def handle(self, *args, **o):
        try:
            dal = datetime.date.fromisoformat(o["in_vigore_dal"])
        except ValueError as exc:
            raise CommandError("--in-vigore-dal: data non valida, usa AAAA-MM-GG") from exc
        if not o["file"].is_file():
            raise CommandError(f"File non trovato: {o['file']}")
        try:
            esito = edizione_carica(
                tipo=o["tipo"], codice=o["edizione"], data=o["file"].read_bytes(),
                in_vigore_dal=dal, titolo=o["titolo"], fonte=o["fonte"],
            )
        except FileNonValido as exc:
            for scarto in exc.scarti:
                self.stderr.write(str(scarto))
            raise
        if esito.cambiato:
            self.stdout.write(self.style.SUCCESS(str(esito)))
        else:
            self.stdout.write(f"Già caricata, nulla da fare: {esito}")
