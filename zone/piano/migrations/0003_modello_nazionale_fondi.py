"""The reporting on national funds every ambito owes the Ministry (programmed, committed and
liquidated per fund and per area of users, as the SIOSS rendicontazione asks), described as
data and valid in every region (``regione_istat`` "00"). It is an EXAMPLE STRUCTURE built on
the funds and areas the decrees of allocation name: the official SIOSS layout of a year must
be checked against the Ministry's own instructions before it is sent."""

from django.db import migrations
from django_tenants.utils import get_public_schema_name

NAZIONALE = "00"
CODICE = "sioss-fondi-nazionali"
AREE = [
    ("famiglia_minori", "Famiglia e minori"),
    ("disabili", "Disabili"),
    ("anziani", "Anziani"),
    ("poverta", "Povertà, disagio adulti e senza dimora"),
    ("immigrati", "Immigrati, Rom, Sinti e Caminanti"),
    ("dipendenze", "Dipendenze"),
    ("multiutenza", "Multiutenza"),
]
# Fund, its name, and the areas its decree of allocation funds.
FONDI = [
    ("fnps", "Fondo nazionale per le politiche sociali (FNPS)", [a for a, _ in AREE]),
    ("poverta", "Fondo povertà (quota servizi)", ["poverta", "famiglia_minori", "multiutenza"]),
    ("fna", "Fondo per le non autosufficienze (FNA)", ["disabili", "anziani"]),
    ("dopo_di_noi", "Fondo Dopo di Noi (L. 112/2016)", ["disabili"]),
]
MISURE = [("programmato", "programmato"), ("impegnato", "impegnato"), ("liquidato", "liquidato")]


def righe():
    out = []
    nomi = dict(AREE)
    for lettera, (tipo, nome, aree) in zip("ABCD", FONDI, strict=True):
        sezione = f"{lettera}. {nome}"
        for misura, label in MISURE:
            out.append({"sezione": sezione, "etichetta": f"Totale del fondo — {label}",
                        "tipo_fonte": tipo, "misura": misura})
        for area in aree:
            for misura, label in MISURE:
                out.append({"sezione": sezione, "etichetta": f"{nomi[area]} — {label}",
                            "tipo_fonte": tipo, "area_target": area, "misura": misura})
    return out


def carica(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", get_public_schema_name()) != (
        get_public_schema_name()
    ):
        return
    Modello = apps.get_model("piano", "ModelloRendiconto")
    Riga = apps.get_model("piano", "RigaModello")
    modello, created = Modello.objects.get_or_create(
        regione_istat=NAZIONALE, codice=CODICE,
        defaults={
            "titolo": "Rendicontazione dei fondi nazionali al Ministero (SIOSS, struttura di esempio)",
            "descrizione": (
                "Programmato, impegnato e liquidato per fondo nazionale (FNPS, Fondo povertà, "
                "FNA, Dopo di Noi) e per area di utenza, come li chiede la rendicontazione "
                "degli ambiti sul SIOSS. Struttura di esempio: verificare le voci con le "
                "istruzioni ministeriali dell'anno prima dell'invio."
            ),
            "esempio": True,
        },
    )
    if created:
        for n, r in enumerate(righe(), start=1):
            Riga.objects.create(modello=modello, ordine=n, **r)


class Migration(migrations.Migration):
    dependencies = [("piano", "0002_modello_esempio_umbria")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
