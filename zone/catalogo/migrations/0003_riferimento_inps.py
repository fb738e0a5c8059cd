"""Every installation starts with the INPS codici prestazione found in public sources
(``data/codici_prestazione_inps.csv``, see ``data/FONTI.md``) as edition
"riferimento-2026-11". Later editions are loaded with ``manage.py catalogo_load``."""

import datetime
from pathlib import Path

from django.db import migrations
from django_tenants.utils import get_public_schema_name

FILE = Path(__file__).resolve().parent.parent / "data" / "codici_prestazione_inps.csv"
CODICE = "riferimento-2026-11"


def carica(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", get_public_schema_name()) != (
        get_public_schema_name()
    ):
        return
    from zone.catalogo import tracciato

    Edizione = apps.get_model("catalogo", "Edizione")
    CodicePrestazione = apps.get_model("catalogo", "CodicePrestazione")
    righe, scarti = tracciato.leggi(FILE.read_bytes(), "inps")
    if scarti:
        raise RuntimeError(f"{FILE}: {[str(s) for s in scarti]}")
    edizione, _ = Edizione.objects.get_or_create(
        tipo="inps", codice=CODICE,
        defaults={
            "titolo": "Codici prestazione INPS presenti in fonti pubbliche (elenco parziale)",
            "fonte": (
                "INPS-it/WaaS.Comuni (MIT) e RegioneUmbria-RCB/SISO (EUPL-1.2): vedi "
                "zone/catalogo/data/FONTI.md. Da sostituire con la Tabella prestazioni "
                "ufficiale INPS (SIUSS)."
            ),
            "in_vigore_dal": datetime.date(2026, 11, 1),
        },
    )
    for r in righe:
        CodicePrestazione.objects.get_or_create(
            codice=r.codice,
            defaults={"nome": r.nome or "", "macro_area": r.macro_area or "",
                      "descrizione": r.descrizione or "", "introdotto_in": edizione},
        )


class Migration(migrations.Migration):
    dependencies = [("catalogo", "0002_vocelistino_adozione_and_more")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
