"""Matched files on the shared import lifecycle (core.ImportRecord)."""

import hashlib
import os

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ansinh.core.migration_helpers import relative_media_path

STATUS = {"queued": "checked", "running": "failed", "finished": "committed", "failed": "failed"}


def _digest(name: str) -> str:
    path = name if os.path.isabs(name) else os.path.join(str(settings.MEDIA_ROOT), name)
    if not os.path.isfile(path):
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def forward(apps, schema_editor):
    FileMatch = apps.get_model("matching", "FileMatch")
    for record in FileMatch.objects.all():
        record.stored_file = relative_media_path(record.stored_file)
        record.output_file = relative_media_path(record.output_file)
        record.file_sha256 = _digest(record.stored_file)
        record.result, record.summary = record.summary or {}, {}
        record.status = STATUS.get(record.status, "failed")
        if record.status == "committed":
            record.committed_at = record.updated_at
        record.save()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_review_threshold_0_8"),
        ("geo", "0001_admin_units"),
    ]

    operations = [
        migrations.RenameField(model_name="filematch", old_name="stored_path", new_name="stored_file"),
        migrations.RenameField(model_name="filematch", old_name="output_path", new_name="output_file"),
        migrations.AddField(model_name="filematch", name="file_sha256", field=models.CharField(default="", max_length=64),
                            preserve_default=False),
        migrations.AddField(model_name="filematch", name="error_report",
                            field=models.CharField(blank=True, default="", max_length=300)),
        migrations.AddField(model_name="filematch", name="area",
                            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="geo.adminunit")),
        migrations.AddField(model_name="filematch", name="valid_only", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="filematch", name="total_rows", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="filematch", name="error_rows", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="filematch", name="written_rows", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="filematch", name="column_mapping", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="filematch", name="result", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="filematch", name="committed_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
