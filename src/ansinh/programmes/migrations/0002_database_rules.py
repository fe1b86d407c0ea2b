"""Database guards of the programmes, whatever writes (services, shell, admin, a future bug).

- Rows of an approved (or later) list cannot be inserted, changed or deleted. PostgreSQL: one row trigger for INSERT,
  UPDATE and DELETE. SQLite: triggers for INSERT and UPDATE (a DELETE trigger would also fire on the test runner's
  table flush; services refuse deletes).
- The changes of a standing register are history: an event row is never updated or deleted — a mistake is corrected
  by another event with its decision. PostgreSQL: one row trigger for UPDATE and DELETE (TRUNCATE, used by the demo
  reset and the test runner, is not a row operation). SQLite: a trigger for UPDATE.

SQLite rebuilds a table to add a constraint or alter a column: its row triggers on ``programmes_listrow`` refer to
the list table and would break the rebuild of that table. A later migration that rebuilds it takes them off around
the change (``LISTROW_SQLITE_BACKWARD`` … ``LISTROW_SQLITE_FORWARD``).
"""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

LISTROW_FROZEN = "('approved', 'posted', 'paid', 'reconciled', 'closed')"
LISTROW_MESSAGE = "Danh sách đã được phê duyệt: không được thay đổi các dòng (sửa qua danh sách bổ sung)."

LISTROW_PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION programmes_listrow_frozen_guard() RETURNS trigger AS $$
DECLARE
    frozen boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status IN {LISTROW_FROZEN} INTO frozen FROM programmes_beneficiarylist WHERE id = OLD.beneficiary_list_id;
        IF frozen THEN RAISE EXCEPTION '{LISTROW_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status IN {LISTROW_FROZEN} INTO frozen FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id;
        IF frozen THEN RAISE EXCEPTION '{LISTROW_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS programmes_listrow_frozen_guard ON programmes_listrow;
CREATE TRIGGER programmes_listrow_frozen_guard BEFORE INSERT OR UPDATE OR DELETE ON programmes_listrow
    FOR EACH ROW EXECUTE FUNCTION programmes_listrow_frozen_guard();
"""
LISTROW_PG_BACKWARD = """
DROP TRIGGER IF EXISTS programmes_listrow_frozen_guard ON programmes_listrow;
DROP FUNCTION IF EXISTS programmes_listrow_frozen_guard();
"""
LISTROW_SQLITE_FORWARD = [
    f"""CREATE TRIGGER IF NOT EXISTS programmes_listrow_frozen_update BEFORE UPDATE ON programmes_listrow
        WHEN (SELECT status FROM programmes_beneficiarylist WHERE id = OLD.beneficiary_list_id) IN {LISTROW_FROZEN}
          OR (SELECT status FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id) IN {LISTROW_FROZEN}
        BEGIN SELECT RAISE(ABORT, '{LISTROW_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS programmes_listrow_frozen_insert BEFORE INSERT ON programmes_listrow
        WHEN (SELECT status FROM programmes_beneficiarylist WHERE id = NEW.beneficiary_list_id) IN {LISTROW_FROZEN}
        BEGIN SELECT RAISE(ABORT, '{LISTROW_MESSAGE}'); END""",
]
LISTROW_SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS programmes_listrow_frozen_update",
                           "DROP TRIGGER IF EXISTS programmes_listrow_frozen_insert"]


EVENT_MESSAGE = "Thay đổi sổ đối tượng đã ghi là lịch sử: không được sửa hoặc xoá (ghi một thay đổi khác kèm quyết định)."

EVENT_PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION programmes_enrolmentevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{EVENT_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS programmes_enrolmentevent_append_only ON programmes_enrolmentevent;
CREATE TRIGGER programmes_enrolmentevent_append_only BEFORE UPDATE OR DELETE ON programmes_enrolmentevent
    FOR EACH ROW EXECUTE FUNCTION programmes_enrolmentevent_append_only();
"""
EVENT_PG_BACKWARD = """
DROP TRIGGER IF EXISTS programmes_enrolmentevent_append_only ON programmes_enrolmentevent;
DROP FUNCTION IF EXISTS programmes_enrolmentevent_append_only();
"""
EVENT_SQLITE_FORWARD = f"""CREATE TRIGGER IF NOT EXISTS programmes_enrolmentevent_append_only BEFORE UPDATE ON programmes_enrolmentevent
    BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END"""
EVENT_SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS programmes_enrolmentevent_append_only"


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [
        RunSQLOn("postgresql", LISTROW_PG_FORWARD, LISTROW_PG_BACKWARD),
        RunSQLOn("sqlite", LISTROW_SQLITE_FORWARD, LISTROW_SQLITE_BACKWARD),
        RunSQLOn("postgresql", EVENT_PG_FORWARD, EVENT_PG_BACKWARD),
        RunSQLOn("sqlite", EVENT_SQLITE_FORWARD, EVENT_SQLITE_BACKWARD),
    ]
