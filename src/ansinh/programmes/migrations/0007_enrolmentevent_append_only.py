"""Database guard: the changes of a standing register are history. An event row is never updated or deleted —
a mistake is corrected by another event with its decision.

PostgreSQL: one row trigger for UPDATE and DELETE (TRUNCATE, used by the demo reset and the test runner, is not a
row operation). SQLite: a trigger for UPDATE (a DELETE trigger would also fire on the test runner's table flush).
"""

from django.db import migrations

MESSAGE = "Thay đổi sổ đối tượng đã ghi là lịch sử: không được sửa hoặc xoá (ghi một thay đổi khác kèm quyết định)."

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION programmes_enrolmentevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER programmes_enrolmentevent_append_only BEFORE UPDATE OR DELETE ON programmes_enrolmentevent
    FOR EACH ROW EXECUTE FUNCTION programmes_enrolmentevent_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS programmes_enrolmentevent_append_only ON programmes_enrolmentevent;
DROP FUNCTION IF EXISTS programmes_enrolmentevent_append_only();
"""
SQLITE_FORWARD = f"""CREATE TRIGGER programmes_enrolmentevent_append_only BEFORE UPDATE ON programmes_enrolmentevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS programmes_enrolmentevent_append_only"


def forward(apps, schema_editor):
    schema_editor.execute(PG_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD)


def backward(apps, schema_editor):
    schema_editor.execute(PG_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_enrolment_ncc_facts_topup_events")]
    operations = [migrations.RunPython(forward, backward)]
