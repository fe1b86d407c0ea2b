"""PostgreSQL only: the full-text index of the pages' folded text.

The expression is the one Django writes for ``SearchVector("search_key", config="simple")`` (the selector's
query), so the planner matches it: ``to_tsvector('simple'::regconfig, COALESCE(search_key, ''))``. The text is
already folded (``core.text.fold``: no tones, đ→d) — the 'simple' configuration only splits it into words — so a
query typed with or without diacritics finds the same pages. SQLite searches the folded text with ``LIKE``.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS documentpage_search_fts ON dossiers_documentpage "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_key, '')))",
]
DROP = ["DROP INDEX IF EXISTS documentpage_search_fts"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_dossiers_documents_versions_pages")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
