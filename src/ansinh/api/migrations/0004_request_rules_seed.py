"""The answer deadlines of data subjects' requests found in the texts; those not confirmed are rows without days,
which the services refuse to use until an administrator fills them in."""

from django.db import migrations

from ansinh.api.legal_deadlines import request_rules_ensure


def forwards(apps, schema_editor):
    request_rules_ensure(apps.get_model("api", "DataRequestRule"))


def backwards(apps, schema_editor):
    apps.get_model("api", "DataRequestRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0003_personal_data_registers")]
    operations = [migrations.RunPython(forwards, backwards)]
