"""The database's own guard of accepted figures: an achievement (a figure of an indicator for a unit and a period)
is locked while an accepted report covers it — the report it was entered in, or any accepted report of the same unit
and period whose form holds the indicator (the rule of ``services.plan.require_unlocked``, which checks first and
gives the user the Vietnamese message naming the indicator and the day of acceptance). Whatever writes (a raw ORM
``update()``, the shell, a future bug), an INSERT, UPDATE or DELETE of a locked row raises; once the report is
reopened with a reason (``report_reopen``), the figures can be corrected again.

PostgreSQL: one BEFORE row trigger for INSERT, UPDATE (the old row and the new one) and DELETE. The test runner's
flush is a TRUNCATE there, which row triggers do not see.
SQLite: BEFORE INSERT and BEFORE UPDATE triggers only. A DELETE trigger is left out on purpose: the test runner
empties SQLite tables with DELETE (in no particular order), so it would refuse to flush a database holding an
accepted report; the services never delete an achievement.
"""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

MESSAGE = ("Số liệu đã khoá: báo cáo của đơn vị đã được chấp nhận; cấp trên phải mở khoá báo cáo, ghi lý do, "
           "trước khi sửa.")


def _covered(row: str) -> str:
    """SQL: is the achievement ``row`` (NEW or OLD) covered by an accepted report?"""
    return (f"EXISTS (SELECT 1 FROM planning_unitreport r JOIN planning_reportform_indicators fi "
            f"ON fi.reportform_id = r.form_id WHERE r.status = 'accepted' AND r.unit_id = {row}.unit_id "
            f"AND r.period_id = {row}.period_id AND fi.indicator_id = {row}.indicator_id) "
            f"OR EXISTS (SELECT 1 FROM planning_unitreport r WHERE r.id = {row}.report_id AND r.status = 'accepted')")


PG_FORWARD = [f"""
CREATE OR REPLACE FUNCTION planning_achievement_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF {_covered("OLD")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {_covered("NEW")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql""",
              "DROP TRIGGER IF EXISTS planning_achievement_lock ON planning_achievement",
              """CREATE TRIGGER planning_achievement_lock BEFORE INSERT OR UPDATE OR DELETE ON planning_achievement
                 FOR EACH ROW EXECUTE FUNCTION planning_achievement_lock()"""]
PG_BACKWARD = ["DROP TRIGGER IF EXISTS planning_achievement_lock ON planning_achievement",
               "DROP FUNCTION IF EXISTS planning_achievement_lock()"]
SQLITE_FORWARD = [
    f"""CREATE TRIGGER IF NOT EXISTS planning_achievement_lock_insert BEFORE INSERT ON planning_achievement
        WHEN {_covered("NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS planning_achievement_lock_update BEFORE UPDATE ON planning_achievement
        WHEN {_covered("OLD")} OR {_covered("NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS planning_achievement_lock_insert",
                   "DROP TRIGGER IF EXISTS planning_achievement_lock_update"]


class Migration(migrations.Migration):
    dependencies = [
        ('planning', '0001_initial'),
    ]

    operations = [
        RunSQLOn("postgresql", PG_FORWARD, PG_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
