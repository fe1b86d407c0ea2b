"""The rules seeded by 0004 get the days of the 20-day variant (a processor or a third party must stop too) and
the one extension's maximum for withdrawal, restriction and objection (``api.legal_deadlines.RULES``); empty
fields only, never what an administrator entered."""

from django.db import migrations

from ansinh.api.legal_deadlines import request_rules_fill_extension


def forwards(apps, schema_editor):
    request_rules_fill_extension(apps.get_model("api", "DataRequestRule"))


class Migration(migrations.Migration):
    dependencies = [("api", "0005_request_extension")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
