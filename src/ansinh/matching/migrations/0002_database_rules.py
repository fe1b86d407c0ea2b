"""PostgreSQL only: the duplicate check's candidate index on the registry's people.

Given name (last word of the folded name) + birth date: "people called Hoa born 1967–1969" is a
few hundred index entries at 1.3M people, where ``search_key % 'nguyen thi hoa'`` (pg_trgm) reads
posting lists of ~670,000 rows (Nguyễn is ~38 % of names) and takes ~0.7 s. SQLite scans instead.
"""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS matching_person_given_birth_idx "
          "ON registry_person ((split_part(search_key, ' ', -1)), birth_date)")
DROP = "DROP INDEX IF EXISTS matching_person_given_birth_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    replaces = [
        ('matching', '0001_match_runs_and_merges'),
        ('matching', '0002_person_given_birth_index'),
        ('matching', '0003_review_threshold_0_8'),
        ('matching', '0004_file_match_lifecycle'),
        ('matching', '0005_file_match_fields'),
        ('matching', '0006_person_merged_into_from_merges'),
        ('matching', '0007_run_model_source_one_pending_pair'),
        ('matching', '0008_vietnamese_verbose_names'),
    ]

    dependencies = [
        ('matching', '0001_initial'),
        ('registry', '0002_database_rules'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
