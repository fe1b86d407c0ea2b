"""Database guard: rows of an approved (or later) list cannot be inserted, changed or deleted.

PostgreSQL: one row trigger for INSERT, UPDATE and DELETE. SQLite: triggers for INSERT and UPDATE
(a DELETE trigger would also fire on the test runner's table flush; services refuse deletes).
"""

from django.db import migrations

FROZEN = "('approved', 'posted', 'paid', 'reconciled', 'closed')"
MESSAGE = "Danh sách đã được phê duyệt: không được thay đổi các dòng (sửa qua danh sách bổ sung)."

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION programmes_listrow_frozen_guard() RETURNS trigger AS $$
DECLARE
    frozen boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status IN {FROZEN} INTO frozen FROM programmes_beneficiarylist WHERE id = OLD.beneficiary_list_id;
        IF frozen THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status IN {FROZEN} INTO frozen FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id;
        IF frozen THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER programmes_listrow_frozen_guard BEFORE INSERT OR UPDATE OR DELETE ON programmes_listrow
    FOR EACH ROW EXECUTE FUNCTION programmes_listrow_frozen_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS programmes_listrow_frozen_guard ON programmes_listrow;
DROP FUNCTION IF EXISTS programmes_listrow_frozen_guard();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER programmes_listrow_frozen_update BEFORE UPDATE ON programmes_listrow
        WHEN (SELECT status FROM programmes_beneficiarylist WHERE id = OLD.beneficiary_list_id) IN {FROZEN}
          OR (SELECT status FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id) IN {FROZEN}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER programmes_listrow_frozen_insert BEFORE INSERT ON programmes_listrow
        WHEN (SELECT status FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id) IN {FROZEN}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS programmes_listrow_frozen_update",
                   "DROP TRIGGER IF EXISTS programmes_listrow_frozen_insert"]


def forward(apps, schema_editor):
    statements = [PG_FORWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = [PG_BACKWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_programmes_lists_registers")]
    operations = [migrations.RunPython(forward, backward)]
