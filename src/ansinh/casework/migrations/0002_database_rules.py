"""The legal deadlines found in the texts (docs/casework.md gives the sources); those not confirmed are rows without
days, which the services refuse to use until an administrator fills them in."""

from django.db import migrations

from ansinh.casework.legal_deadlines import deadline_rules_ensure


def forwards(apps, schema_editor):
    deadline_rules_ensure(apps.get_model("casework", "DeadlineRule"))


def backwards(apps, schema_editor):
    apps.get_model("casework", "DeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ('casework', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
