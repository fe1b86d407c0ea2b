"""The registry owns the «merged» filter: ``Person.merged_into`` is filled from the active merges."""

from django.db import migrations


def forward(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    PersonMerge = apps.get_model("matching", "PersonMerge")
    for merged_id, kept_id in PersonMerge.objects.filter(undone_at__isnull=True).values_list("merged_id", "kept_id"):
        Person.objects.filter(pk=merged_id).update(merged_into_id=kept_id)


def backward(apps, schema_editor):
    apps.get_model("registry", "Person").objects.filter(merged_into__isnull=False).update(merged_into=None)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_file_match_fields"),
        ("registry", "0007_import_record_fields_person_merged_into"),
    ]
    operations = [migrations.RunPython(forward, backward)]
