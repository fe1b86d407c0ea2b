"""PostgreSQL only: the GIN index of the pages' stored search vector (``DocumentPage.search_vector``, the folded text
split by the 'simple' configuration: no tones, đ→d, so a query typed with or without diacritics finds the same
pages). SQLite searches the folded text with ``LIKE``."""

from django.db import migrations

CREATE = ["CREATE INDEX IF NOT EXISTS documentpage_search_vector ON dossiers_documentpage USING gin (search_vector)"]
DROP = ["DROP INDEX IF EXISTS documentpage_search_vector"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    replaces = [
        ('dossiers', '0001_dossiers_documents_versions_pages'),
        ('dossiers', '0002_page_search_index'),
        ('dossiers', '0003_page_search_vector'),
    ]

    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
