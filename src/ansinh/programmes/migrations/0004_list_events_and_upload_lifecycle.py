"""Lists' history on the shared workflow engine (WorkflowEvent → ListEvent with an enum ``step``), and list
uploads on the shared import lifecycle (core.ImportRecord)."""

import django.db.models.deletion
from django.db import migrations, models

from ansinh.core.migration_helpers import relative_media_path


def forward(apps, schema_editor):
    ListUpload = apps.get_model("programmes", "ListUpload")
    for upload in ListUpload.objects.all():
        upload.stored_file = relative_media_path(upload.stored_file)
        upload.result = {"new_persons": upload.new_persons, "list": upload.beneficiary_list_id}
        if upload.status == "committed":
            upload.committed_at = upload.updated_at
        upload.save()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_list_uploads"),
        ("geo", "0001_admin_units"),
    ]

    operations = [
        migrations.RenameModel(old_name="WorkflowEvent", new_name="ListEvent"),
        migrations.RenameField(model_name="listevent", old_name="action", new_name="step"),
        migrations.RenameField(model_name="listupload", old_name="stored_path", new_name="stored_file"),
        migrations.AddField(model_name="listupload", name="error_report",
                            field=models.CharField(blank=True, default="", max_length=300)),
        migrations.AddField(model_name="listupload", name="area",
                            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="geo.adminunit")),
        migrations.AddField(model_name="listupload", name="valid_only", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="listupload", name="column_mapping", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="listupload", name="summary", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="listupload", name="result", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="listupload", name="message", field=models.TextField(blank=True, default="")),
        migrations.AddField(model_name="listupload", name="committed_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
