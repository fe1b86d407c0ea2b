"""PostgreSQL only: the GIN index of the pages' stored search vector (``DocumentPage.search_vector``, the folded text
split by the 'simple' configuration: no tones, đ→d, so a query typed with or without diacritics finds the same
pages). SQLite searches the folded text with ``LIKE``."""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

CREATE = ["CREATE INDEX IF NOT EXISTS documentpage_search_vector ON dossiers_documentpage USING gin (search_vector)"]
DROP = ["DROP INDEX IF EXISTS documentpage_search_vector"]


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [
        RunSQLOn("postgresql", CREATE, DROP),
    ]
