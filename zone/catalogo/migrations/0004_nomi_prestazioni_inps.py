"""Give the INPS codici prestazione shipped without a name the name listed in
``data/nomi_prestazioni_inps.csv`` (see ``data/FONTI.md``), so no page shows a bare
"A1.02". A name already set (from the WaaS example, or by a loaded edition) is kept; codes
of the list that were missing are added to the reference edition."""

import csv
import io
from pathlib import Path

from django.db import migrations
from django_tenants.utils import get_public_schema_name

FILE = Path(__file__).resolve().parent.parent / "data" / "nomi_prestazioni_inps.csv"
EDIZIONE = "riferimento-2026-11"
FONTE = (
    " Denominazioni dei codici senza nome: elenco PrestazioneDaErogare del servizio INPS di "
    "consultazione ISEE (zone/catalogo/data/nomi_prestazioni_inps.csv)."
)


def nomina(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", get_public_schema_name()) != (
        get_public_schema_name()
    ):
        return
    Edizione = apps.get_model("catalogo", "Edizione")
    CodicePrestazione = apps.get_model("catalogo", "CodicePrestazione")
    edizione = Edizione.objects.filter(tipo="inps", codice=EDIZIONE).first()
    if edizione is None:
        return
    nomi = {r["code"].strip(): r["name"].strip()
            for r in csv.DictReader(io.StringIO(FILE.read_text(encoding="utf-8")))}
    for codice, nome in nomi.items():
        voce = CodicePrestazione.objects.filter(codice=codice).first()
        if voce is None:
            CodicePrestazione.objects.create(
                codice=codice, nome=nome, introdotto_in=edizione,
                descrizione="INPS PrestazioneDaErogare (consultazione ISEE)",
            )
        elif not voce.nome:
            voce.nome = nome
            voce.save(update_fields=["nome"])
    if FONTE.strip() not in edizione.fonte:
        edizione.fonte = (edizione.fonte + FONTE).strip()
        edizione.save(update_fields=["fonte"])


class Migration(migrations.Migration):
    dependencies = [("catalogo", "0003_riferimento_inps")]

    operations = [migrations.RunPython(nomina, migrations.RunPython.noop)]
