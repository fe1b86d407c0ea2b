"""Payment results files on the shared import lifecycle (core.ImportRecord). Files imported before kept no
stored copy: their ``stored_file`` stays empty; what they applied moves into ``result``."""

import django.db.models.deletion
from django.db import migrations, models

from ansinh.core.migration_helpers import relative_media_path


def forward(apps, schema_editor):
    ResultImport = apps.get_model("payments", "ResultImport")
    for record in ResultImport.objects.all():
        record.error_report = relative_media_path(record.error_report)
        record.written_rows = record.applied_rows
        record.result = {"applied": record.applied_rows, "unchanged": record.unchanged_rows, "batch": record.batch_id}
        record.committed_at = record.updated_at
        record.save()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_payment_batches_lines"),
        ("geo", "0001_admin_units"),
    ]

    operations = [
        migrations.RenameField(model_name="resultimport", old_name="imported_by", new_name="created_by"),
        migrations.RenameField(model_name="resultimport", old_name="error_report_path", new_name="error_report"),
        migrations.AddField(model_name="resultimport", name="stored_file",
                            field=models.CharField(default="", max_length=300), preserve_default=False),
        migrations.AddField(model_name="resultimport", name="status",
                            field=models.CharField(default="committed", max_length=12), preserve_default=False),
        migrations.AddField(model_name="resultimport", name="area",
                            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="geo.adminunit")),
        migrations.AddField(model_name="resultimport", name="valid_only", field=models.BooleanField(default=True)),
        migrations.AddField(model_name="resultimport", name="written_rows", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="resultimport", name="column_mapping", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="resultimport", name="summary", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="resultimport", name="result", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="resultimport", name="message", field=models.TextField(blank=True, default="")),
        migrations.AddField(model_name="resultimport", name="committed_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
