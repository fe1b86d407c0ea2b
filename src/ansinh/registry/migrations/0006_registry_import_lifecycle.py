"""RegistryImport moves onto the shared import lifecycle (core.ImportRecord): the stored file and the error
report become FileFields relative to MEDIA_ROOT, what was written is kept in ``written_rows`` / ``result``."""

from django.db import migrations, models

from ansinh.core.migration_helpers import OLD_IMPORT_STATUS, relative_media_path


def forward(apps, schema_editor):
    RegistryImport = apps.get_model("registry", "RegistryImport")
    for record in RegistryImport.objects.all():
        record.stored_file = relative_media_path(record.stored_file)
        record.error_report = relative_media_path(record.error_report)
        record.written_rows = record.persons_created
        record.result = {"households": record.households_created, "persons": record.persons_created}
        record.status = OLD_IMPORT_STATUS.get(record.status, record.status)
        if record.status == "committed":
            record.committed_at = record.updated_at
        record.save()


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_person_given_name_index")]

    operations = [
        migrations.RemoveConstraint(model_name="registryimport", name="registryimport_progress_percent"),
        migrations.RenameField(model_name="registryimport", old_name="stored_path", new_name="stored_file"),
        migrations.RenameField(model_name="registryimport", old_name="error_report_path", new_name="error_report"),
        migrations.AddField(model_name="registryimport", name="written_rows",
                            field=models.PositiveIntegerField(default=0, verbose_name="số dòng đã ghi")),
        migrations.AddField(model_name="registryimport", name="column_mapping",
                            field=models.JSONField(blank=True, default=dict, verbose_name="ghép cột")),
        migrations.AddField(model_name="registryimport", name="result",
                            field=models.JSONField(blank=True, default=dict, verbose_name="kết quả ghi")),
        migrations.AddField(model_name="registryimport", name="committed_at",
                            field=models.DateTimeField(blank=True, null=True, verbose_name="ghi lúc")),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
