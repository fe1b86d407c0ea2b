"""PostgreSQL only: trigram index so that searching a name inside 1.3M people stays fast.

SQLite keeps the plain b-tree index on search_key (prefix searches) and scans otherwise.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_search_key_trgm ON registry_person USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_pid_prefix ON registry_person (pid varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS person_cmnd_prefix ON registry_person (cmnd varchar_pattern_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS person_cmnd_prefix",
    "DROP INDEX IF EXISTS person_pid_prefix",
    "DROP INDEX IF EXISTS person_search_key_trgm",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_households_persons")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
