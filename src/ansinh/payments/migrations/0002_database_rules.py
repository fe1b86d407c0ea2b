"""Database guard: a payment line's result, once recorded (paid or not paid), is never overwritten. A second
results file, a shell session or a future bug that tries to change it is refused by the database itself."""

from django.db import migrations

from ansinh.core.migration_helpers import RunSQLOn

MESSAGE = "Dòng chi trả đã có kết quả: không ghi đè kết quả đã ghi nhận."
COLUMNS = ("status", "paid_date", "paid_amount", "unpaid_reason", "returned_amount")

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION payments_paymentline_result_once() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'pending' AND ({", ".join(f"NEW.{c}" for c in COLUMNS)})
            IS DISTINCT FROM ({", ".join(f"OLD.{c}" for c in COLUMNS)}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS payments_paymentline_result_once ON payments_paymentline;
CREATE TRIGGER payments_paymentline_result_once BEFORE UPDATE ON payments_paymentline
    FOR EACH ROW EXECUTE FUNCTION payments_paymentline_result_once();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS payments_paymentline_result_once ON payments_paymentline;
DROP FUNCTION IF EXISTS payments_paymentline_result_once();
"""
_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COLUMNS)
SQLITE_FORWARD = f"""CREATE TRIGGER IF NOT EXISTS payments_paymentline_result_once BEFORE UPDATE ON payments_paymentline
    WHEN OLD.status <> 'pending' AND ({_CHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS payments_paymentline_result_once"


class Migration(migrations.Migration):
    dependencies = [
        ('payments', '0001_initial'),
    ]

    operations = [
        RunSQLOn("postgresql", PG_FORWARD, PG_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
