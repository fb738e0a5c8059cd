"""An example of a region's yearly reporting form, for Umbria (ISTAT code 10), described as
data. It is an EXAMPLE STRUCTURE showing how a region's forms are configured: it is not the
official form of Regione Umbria, whose layout must be entered from the region's own act."""

from django.db import migrations
from django_tenants.utils import get_public_schema_name

CODICE = "esempio-rendiconto-annuale"
AREE = [
    ("famiglia_minori", "Famiglia e minori"),
    ("disabili", "Disabili"),
    ("dipendenze", "Dipendenze"),
    ("anziani", "Anziani"),
    ("immigrati", "Immigrati, Rom, Sinti e Caminanti"),
    ("poverta", "Povertà, disagio adulti e senza dimora"),
    ("multiutenza", "Multiutenza"),
]
FONTI = [
    ("fnps", "Fondo nazionale politiche sociali"),
    ("poverta", "Fondo povertà"),
    ("fna", "Fondo non autosufficienze"),
    ("dopo_di_noi", "Fondo Dopo di Noi"),
    ("regionale", "Fondi regionali"),
    ("comuni", "Quote dei comuni"),
    ("altro", "Altre fonti"),
]


def righe():
    out = []
    for tipo, nome in FONTI:
        out.append({"sezione": "A. Risorse programmate per fonte", "etichetta": nome,
                    "tipo_fonte": tipo, "misura": "programmato"})
    for area, nome in AREE:
        for misura, label in (("programmato", "programmato"), ("impegnato", "impegnato"),
                              ("liquidato", "liquidato")):
            out.append({"sezione": "B. Spesa per area di utenza",
                        "etichetta": f"{nome} — {label}", "area_target": area, "misura": misura})
    for tipo, nome in FONTI[:4]:
        out.append({"sezione": "C. Fondi nazionali", "etichetta": f"{nome} — liquidato",
                    "tipo_fonte": tipo, "misura": "liquidato"})
    return out


def carica(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", get_public_schema_name()) != (
        get_public_schema_name()
    ):
        return
    Modello = apps.get_model("piano", "ModelloRendiconto")
    Riga = apps.get_model("piano", "RigaModello")
    modello, created = Modello.objects.get_or_create(
        regione_istat="10", codice=CODICE,
        defaults={
            "titolo": "Rendicontazione annuale del piano di zona (struttura di esempio)",
            "descrizione": (
                "Struttura di esempio per la Regione Umbria: mostra come si configura un "
                "modello regionale. Non è il modello ufficiale della Regione: sostituirlo con "
                "le voci dell'atto regionale in vigore."
            ),
            "esempio": True,
        },
    )
    if created:
        for n, r in enumerate(righe(), start=1):
            Riga.objects.create(modello=modello, ordine=n, **r)


class Migration(migrations.Migration):
    dependencies = [("piano", "0001_initial")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
