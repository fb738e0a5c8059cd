"""Facts and refresh bookkeeping keyed by the ente whose schema they come from (a comune, or
a zone managing services itself), not only by comune."""

import django.db.models.deletion
from django.db import migrations, models

FATTI = ["fattospesa", "fattointervento", "fattoliquidazione", "fattodomanda"]
TABLES = {"fattospesa": "statistiche_fattospesa", "fattointervento": "statistiche_fattointervento",
          "fattoliquidazione": "statistiche_fattoliquidazione",
          "fattodomanda": "statistiche_fattodomanda"}

BACKFILL = [
    f"UPDATE {table} f SET gestore_id = c.ente_id FROM tenants_comune c WHERE c.id = f.comune_id"
    for table in TABLES.values()
] + [
    "UPDATE statistiche_aggiornamento a SET ente_id = c.ente_id FROM tenants_comune c "
    "WHERE c.id = a.comune_id",
]


def _gestore(required: bool) -> models.ForeignKey:
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                             to="tenants.ente", null=not required)


class Migration(migrations.Migration):

    dependencies = [
        ("statistiche", "0002_store"),
        ("tenants", "0002_extensions"),
    ]

    operations = [
        *[migrations.AddField(model_name=m, name="gestore", field=_gestore(False)) for m in FATTI],
        migrations.AddField(
            model_name="aggiornamento", name="ente",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE,
                                       related_name="aggiornamento_statistiche",
                                       to="tenants.ente"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        *[migrations.AlterField(model_name=m, name="gestore", field=_gestore(True)) for m in FATTI],
        migrations.AlterField(
            model_name="aggiornamento", name="ente",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                       related_name="aggiornamento_statistiche",
                                       to="tenants.ente"),
        ),
        migrations.AlterField(
            model_name="aggiornamento", name="comune",
            field=models.OneToOneField(blank=True, null=True,
                                       on_delete=django.db.models.deletion.CASCADE,
                                       related_name="aggiornamento_statistiche",
                                       to="tenants.comune"),
        ),
        migrations.RemoveConstraint(model_name="fattospesa", name="fatto_spesa_origine_unica"),
        migrations.RemoveConstraint(model_name="fattointervento",
                                    name="fatto_intervento_origine_unica"),
        migrations.RemoveConstraint(model_name="fattoliquidazione",
                                    name="fatto_liquidazione_origine_unica"),
        migrations.RemoveConstraint(model_name="fattodomanda", name="fatto_domanda_origine_unica"),
        migrations.AddConstraint(
            model_name="fattospesa",
            constraint=models.UniqueConstraint(fields=("gestore", "origine_id"),
                                               name="fatto_spesa_origine_unica")),
        migrations.AddConstraint(
            model_name="fattointervento",
            constraint=models.UniqueConstraint(fields=("gestore", "origine_id"),
                                               name="fatto_intervento_origine_unica")),
        migrations.AddConstraint(
            model_name="fattoliquidazione",
            constraint=models.UniqueConstraint(fields=("gestore", "origine_id"),
                                               name="fatto_liquidazione_origine_unica")),
        migrations.AddConstraint(
            model_name="fattodomanda",
            constraint=models.UniqueConstraint(fields=("gestore", "origine_id"),
                                               name="fatto_domanda_origine_unica")),
    ]
