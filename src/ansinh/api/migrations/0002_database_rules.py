"""The answer deadlines of data subjects' requests found in the texts (``api.legal_deadlines.RULES``), with the days
of the 20-day variant (a processor or a third party must stop too) and the one extension's maximum for withdrawal,
restriction and objection; those not confirmed are rows without days, which the services refuse to use until an
administrator fills them in. Empty fields only are filled, never what an administrator entered."""

from django.db import migrations

from ansinh.api.legal_deadlines import request_rules_ensure, request_rules_fill_extension


def forwards(apps, schema_editor):
    model = apps.get_model("api", "DataRequestRule")
    request_rules_ensure(model)
    request_rules_fill_extension(model)


def backwards(apps, schema_editor):
    apps.get_model("api", "DataRequestRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
