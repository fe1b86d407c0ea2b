"""PostgreSQL only: search_key (folded ASCII) in the "C" collation, so that the b-tree indexes on it
serve both `LIKE 'prefix%'` and `ORDER BY search_key` (in a linguistic collation they serve only the
ordering). Byte order equals alphabetical order for folded ASCII names."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE registry_person ALTER COLUMN search_key TYPE varchar(120) COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE registry_person ALTER COLUMN search_key TYPE varchar(120) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_name_order_indexes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
