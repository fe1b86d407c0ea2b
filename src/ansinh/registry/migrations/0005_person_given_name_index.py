"""PostgreSQL only: an index on the folded given name (the last word of search_key), in name order.

Vietnamese people are looked up by their given name ("Hoa", "Tùng") as often as by their full name;
with this index "hoa", "thi hoa" or "le tung" are one ordered index scan instead of a trigram search
over a very common syllable. The duplicate check of the matching app uses the same expression.
"""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS person_given_key_idx "
          "ON registry_person ((split_part(search_key, ' ', -1)), search_key, id)")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_given_key_idx")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_person_search_key_c_collation")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
