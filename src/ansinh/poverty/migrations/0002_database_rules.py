"""PostgreSQL: the households of the rounds are stored with room on each page (fillfactor 50), so that
classifying a whole province again updates the rows in place (HOT updates: no index touched — none of the
classification columns is indexed). SQLite has no fillfactor: nothing to do."""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn


class Migration(migrations.Migration):
    dependencies = [
        ('poverty', '0001_initial'),
    ]

    operations = [
        RunSQLOn("postgresql", "ALTER TABLE poverty_householdreview SET (fillfactor = 50)",
                 "ALTER TABLE poverty_householdreview RESET (fillfactor)"),
    ]
