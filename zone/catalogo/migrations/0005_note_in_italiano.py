"""The notes on the INPS codes shipped with the reference edition were the researchers'
English notes on where each code was found; the catalogue page shows them to operators.
They become a short Italian note on the source. Notes written by a later edition (loaded
with ``catalogo_load``) are left as they are."""

from django.db import migrations
from django_tenants.utils import get_public_schema_name

EDIZIONE = "riferimento-2026-11"
WAAS = "Denominazione dall'esempio ufficiale dell'API WaaS SIUSS dell'INPS."
ISEE = ("Denominazione dall'elenco PrestazioneDaErogare del servizio INPS di consultazione "
        "dell'ISEE.")
SENZA_NOME = "Codice presente in fonti pubbliche, senza denominazione ufficiale."
RESIDUALE = "Codice residuale per le prestazioni non classificate altrove."
ENGLISH = ("INPS SIUSS", "INPS code", "INPS PrestazioneDaErogare", "INPS WaaS", "as above",
           "only in", "SISO")


def traduci(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", get_public_schema_name()) != (
        get_public_schema_name()
    ):
        return
    CodicePrestazione = apps.get_model("catalogo", "CodicePrestazione")
    for voce in CodicePrestazione.objects.filter(introdotto_in__codice=EDIZIONE):
        if not voce.descrizione.startswith(ENGLISH):
            continue
        if voce.codice == "Z9.99":
            nota = RESIDUALE
        elif voce.descrizione.startswith("INPS SIUSS"):
            nota = WAAS
        elif voce.nome:
            nota = ISEE
        else:
            nota = SENZA_NOME
        voce.descrizione = nota
        voce.save(update_fields=["descrizione"])


class Migration(migrations.Migration):
    dependencies = [("catalogo", "0004_nomi_prestazioni_inps")]

    operations = [migrations.RunPython(traduci, migrations.RunPython.noop)]
