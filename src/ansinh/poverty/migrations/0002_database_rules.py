"""PostgreSQL: the households of the rounds are stored with room on each page (fillfactor 50), so that
classifying a whole province again updates the rows in place (HOT updates: no index touched — none of the
classification columns is indexed). SQLite has no fillfactor: nothing to do."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE poverty_householdreview SET (fillfactor = 50)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE poverty_householdreview RESET (fillfactor)")


class Migration(migrations.Migration):
    replaces = [
        ('poverty', '0001_poverty_review_housing'),
        ('poverty', '0002_householdreview_fillfactor'),
    ]

    dependencies = [
        ('poverty', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
