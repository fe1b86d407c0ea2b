"""PostgreSQL only: the indexes and the collation that keep the search of 1,3M people fast (SQLite keeps the plain
b-tree indexes of 0001 and scans otherwise).

- a trigram index on ``search_key`` (a name inside the name), and prefix indexes on the identity numbers;
- ``search_key`` (folded ASCII) in the "C" collation, so that the b-tree indexes on it serve both
  ``LIKE 'prefix%'`` and ``ORDER BY search_key`` (in a linguistic collation they serve only the ordering). Byte order
  equals alphabetical order for folded ASCII names;
- an index on the folded given name (the last word of ``search_key``), in name order: Vietnamese people are looked up
  by their given name ("Hoa", "Tùng") as often as by their full name; with this index "hoa", "thi hoa" or "le tung"
  are one ordered index scan instead of a trigram search over a very common syllable. The duplicate check of the
  matching app uses the same expression.
"""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_search_key_trgm ON registry_person USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_pid_prefix ON registry_person (pid varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS person_cmnd_prefix ON registry_person (cmnd varchar_pattern_ops)",
    'ALTER TABLE registry_person ALTER COLUMN search_key TYPE varchar(120) COLLATE "C"',
    "CREATE INDEX IF NOT EXISTS person_given_key_idx ON registry_person ((split_part(search_key, ' ', -1)), search_key, id)",
]
DROP = [
    "DROP INDEX IF EXISTS person_given_key_idx",
    'ALTER TABLE registry_person ALTER COLUMN search_key TYPE varchar(120) COLLATE "default"',
    "DROP INDEX IF EXISTS person_cmnd_prefix",
    "DROP INDEX IF EXISTS person_pid_prefix",
    "DROP INDEX IF EXISTS person_search_key_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        RunSQLOn("postgresql", CREATE, DROP),
    ]
