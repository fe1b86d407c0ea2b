"""PostgreSQL only: the duplicate check's candidate index on the registry's people.

Given name (last word of the folded name) + birth date: "people called Hoa born 1967–1969" is a
few hundred index entries at 1.3M people, where ``search_key % 'nguyen thi hoa'`` (pg_trgm) reads
posting lists of ~670,000 rows (Nguyễn is ~38 % of names) and takes ~0.7 s. SQLite scans instead.
"""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

CREATE = ("CREATE INDEX IF NOT EXISTS matching_person_given_birth_idx "
          "ON registry_person ((split_part(search_key, ' ', -1)), birth_date)")
DROP = "DROP INDEX IF EXISTS matching_person_given_birth_idx"


class Migration(migrations.Migration):
    dependencies = [
        ('matching', '0001_initial'),
        ('registry', '0002_database_rules'),
    ]

    operations = [
        RunSQLOn("postgresql", CREATE, DROP),
    ]
