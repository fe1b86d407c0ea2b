"""Database guards of the monthly payroll, whatever writes (services, shell, admin, a future bug):

- a sheet's lines are frozen once it leaves the draft (submitted, appraised, approved, sent, results, reconciled):
  no line inserted, changed or deleted — a correction goes into the next month, where the engine settles it;
- a sheet's figures (totals, digest) and identity (month, register, commune) never change once it is frozen;
- a result is recorded only for a line of a sheet sent to the payment agent, and never changed or deleted;
- the recoveries ledger is append-only.

PostgreSQL: statement triggers over the transition tables for the lines (one check per COPY of 10⁵ rows, not one
per row), row triggers elsewhere. SQLite: row triggers for INSERT and UPDATE only (a DELETE trigger would also
fire on the test runner's table flush; services never delete frozen rows).
"""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

FROZEN = "('submitted', 'appraised', 'approved', 'sent', 'results', 'reconciled')"
LINES = "Bảng chi trả đã trình hoặc đã gửi: không được thay đổi các dòng (điều chỉnh được tính vào tháng sau)."
SHEET = "Bảng chi trả đã trình hoặc đã gửi: không được thay đổi số liệu của bảng."
RESULT_SENT = "Chỉ ghi kết quả chi trả cho bảng đã gửi tổ chức chi trả."
RESULT_ONCE = "Kết quả chi trả đã ghi nhận: không được sửa hoặc xoá."
LEDGER = "Sổ theo dõi truy thu chỉ được ghi thêm: không được sửa hoặc xoá một khoản đã ghi."
SHEET_COLUMNS = ("payroll_month_id", "register", "month", "commune_id", "digest", "person_count", "line_count",
                 "amount_total", "recovery_total")

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION payroll_lines_frozen_new() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN payroll_payrollsheet s ON s.id = n.sheet_id
                WHERE s.status IN {FROZEN}) THEN
        RAISE EXCEPTION '{LINES}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION payroll_lines_frozen_old() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN payroll_payrollsheet s ON s.id = o.sheet_id
                WHERE s.status IN {FROZEN}) THEN
        RAISE EXCEPTION '{LINES}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS payroll_lines_frozen_insert ON payroll_payrollline;
CREATE TRIGGER payroll_lines_frozen_insert AFTER INSERT ON payroll_payrollline
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_lines_frozen_new();
DROP TRIGGER IF EXISTS payroll_lines_frozen_update_new ON payroll_payrollline;
CREATE TRIGGER payroll_lines_frozen_update_new AFTER UPDATE ON payroll_payrollline
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_lines_frozen_new();
DROP TRIGGER IF EXISTS payroll_lines_frozen_update_old ON payroll_payrollline;
CREATE TRIGGER payroll_lines_frozen_update_old AFTER UPDATE ON payroll_payrollline
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_lines_frozen_old();
DROP TRIGGER IF EXISTS payroll_lines_frozen_delete ON payroll_payrollline;
CREATE TRIGGER payroll_lines_frozen_delete AFTER DELETE ON payroll_payrollline
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_lines_frozen_old();

CREATE OR REPLACE FUNCTION payroll_sheet_figures_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN {FROZEN} AND ({", ".join(f"NEW.{c}" for c in SHEET_COLUMNS)})
            IS DISTINCT FROM ({", ".join(f"OLD.{c}" for c in SHEET_COLUMNS)}) THEN
        RAISE EXCEPTION '{SHEET}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.status IN {FROZEN} THEN
        RAISE EXCEPTION '{SHEET}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS payroll_sheet_figures_frozen ON payroll_payrollsheet;
CREATE TRIGGER payroll_sheet_figures_frozen BEFORE UPDATE OR DELETE ON payroll_payrollsheet
    FOR EACH ROW EXECUTE FUNCTION payroll_sheet_figures_frozen();

CREATE OR REPLACE FUNCTION payroll_lineresult_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM payroll_payrollsheet s WHERE s.id = NEW.sheet_id AND s.status = 'sent') THEN
            RAISE EXCEPTION '{RESULT_SENT}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{RESULT_ONCE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS payroll_lineresult_insert ON payroll_lineresult;
CREATE TRIGGER payroll_lineresult_insert AFTER INSERT ON payroll_lineresult
    FOR EACH ROW EXECUTE FUNCTION payroll_lineresult_guard();
DROP TRIGGER IF EXISTS payroll_lineresult_once ON payroll_lineresult;
CREATE TRIGGER payroll_lineresult_once BEFORE UPDATE OR DELETE ON payroll_lineresult
    FOR EACH ROW EXECUTE FUNCTION payroll_lineresult_guard();

CREATE OR REPLACE FUNCTION payroll_recoveryentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{LEDGER}' USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS payroll_recoveryentry_append_only ON payroll_recoveryentry;
CREATE TRIGGER payroll_recoveryentry_append_only BEFORE UPDATE OR DELETE ON payroll_recoveryentry
    FOR EACH ROW EXECUTE FUNCTION payroll_recoveryentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS payroll_lines_frozen_insert ON payroll_payrollline;
DROP TRIGGER IF EXISTS payroll_lines_frozen_update_new ON payroll_payrollline;
DROP TRIGGER IF EXISTS payroll_lines_frozen_update_old ON payroll_payrollline;
DROP TRIGGER IF EXISTS payroll_lines_frozen_delete ON payroll_payrollline;
DROP FUNCTION IF EXISTS payroll_lines_frozen_new();
DROP FUNCTION IF EXISTS payroll_lines_frozen_old();
DROP TRIGGER IF EXISTS payroll_sheet_figures_frozen ON payroll_payrollsheet;
DROP FUNCTION IF EXISTS payroll_sheet_figures_frozen();
DROP TRIGGER IF EXISTS payroll_lineresult_insert ON payroll_lineresult;
DROP TRIGGER IF EXISTS payroll_lineresult_once ON payroll_lineresult;
DROP FUNCTION IF EXISTS payroll_lineresult_guard();
DROP TRIGGER IF EXISTS payroll_recoveryentry_append_only ON payroll_recoveryentry;
DROP FUNCTION IF EXISTS payroll_recoveryentry_append_only();
"""
_SHEET_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SHEET_COLUMNS)
SQLITE_FORWARD = [
    f"""CREATE TRIGGER IF NOT EXISTS payroll_lines_frozen_insert BEFORE INSERT ON payroll_payrollline
        WHEN (SELECT status FROM payroll_payrollsheet WHERE id = NEW.sheet_id) IN {FROZEN}
        BEGIN SELECT RAISE(ABORT, '{LINES}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS payroll_lines_frozen_update BEFORE UPDATE ON payroll_payrollline
        WHEN (SELECT status FROM payroll_payrollsheet WHERE id = OLD.sheet_id) IN {FROZEN}
          OR (SELECT status FROM payroll_payrollsheet WHERE id = NEW.sheet_id) IN {FROZEN}
        BEGIN SELECT RAISE(ABORT, '{LINES}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS payroll_sheet_figures_frozen BEFORE UPDATE ON payroll_payrollsheet
        WHEN OLD.status IN {FROZEN} AND ({_SHEET_CHANGED})
        BEGIN SELECT RAISE(ABORT, '{SHEET}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS payroll_lineresult_insert BEFORE INSERT ON payroll_lineresult
        WHEN (SELECT status FROM payroll_payrollsheet WHERE id = NEW.sheet_id) IS NOT 'sent'
        BEGIN SELECT RAISE(ABORT, '{RESULT_SENT}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS payroll_lineresult_once BEFORE UPDATE ON payroll_lineresult
        BEGIN SELECT RAISE(ABORT, '{RESULT_ONCE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS payroll_recoveryentry_append_only BEFORE UPDATE ON payroll_recoveryentry
        BEGIN SELECT RAISE(ABORT, '{LEDGER}'); END""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "payroll_lines_frozen_insert", "payroll_lines_frozen_update", "payroll_sheet_figures_frozen",
    "payroll_lineresult_insert", "payroll_lineresult_once", "payroll_recoveryentry_append_only")]


class Migration(migrations.Migration):
    dependencies = [
        ('payroll', '0001_initial'),
    ]

    operations = [
        RunSQLOn("postgresql", PG_FORWARD, PG_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
