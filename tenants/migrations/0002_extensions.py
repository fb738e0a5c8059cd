"""Extensions live once per database, in the public schema, where every tenant's
search_path finds them (a tenant migration would install them in the first schema it ran in)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;"
            "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;",
            migrations.RunSQL.noop,
        )
    ]
