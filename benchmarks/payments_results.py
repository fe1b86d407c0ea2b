"""Importing 200.000 payment results and recomputing the reconciliation (issue #4: target under 60 s).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ansinh_bench_pay .venv/bin/python benchmarks/payments_results.py

On a database of its own (dropped and created again each run unless --keep): 200.000 people registered
in one commune (``registry.bulk``), one group 7 list of 200.000 rows written set-based, then the services:
checks and submission, appraisal, approval, posting, one post-office batch (200.000 lines). The agent's
results file (.csv, 200.000 rows: 98% paid, the rest unpaid with a reason and the money returned) is then
imported through ``payments.services.results_import`` (the shared import lifecycle) and the reconciliation
recomputed; the same results
imported again must change nothing. Baseline in the same run: reading the same file with Polars plus a raw
``COPY`` of its rows into a temporary table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ansinh_bench_pay"
ROWS = 200_000
AMOUNT = 750_000  # group 7: 250.000 đ a month for 3 months


def _drop(url: str) -> None:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parsed.path.lstrip("/"))))


def build(rows: int):
    """An approved, posted group 7 list of ``rows`` people in one commune and its post-office batch."""
    import polars as pl
    from django.db import connection, transaction

    from ansinh.accounts.models import Role, User
    from ansinh.core.bulk import reserve_ids, write_frame
    from ansinh.core.text import fold
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.payments import services as payments
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.models import BeneficiaryList, ListStep
    from ansinh.programmes.permissions import LIST_WORKFLOW
    from ansinh.programmes.services import workflow as services
    from ansinh.programmes.services.programmes import programme_from_definition
    from ansinh.registry.bulk import bulk_insert_registry

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    commune = AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                       province_code="42").order_by("code").first()

    def user(name, role, area):
        return User.objects.create_user(username=name, password=None, role=role, area=area, last_name="Bench",
                                        first_name=name)

    officer = user("bp_xa", Role.COMMUNE_OFFICER, commune)
    specialist = user("bp_so", Role.PROVINCIAL_SPECIALIST, province)
    appraiser = user("bp_so2", Role.PROVINCIAL_SPECIALIST, province)
    leader = user("bp_lanhdao", Role.LEADER, province)
    agent = user("bp_buudien", Role.PAYMENT_AGENT, province)
    programme = programme_from_definition(definition=COVID_2020, actor=specialist, province_code="42")
    group = programme.groups.get(code="7")

    i = pl.int_range(rows, eager=True)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
    births = pl.Series([dt.date(1940, 1, 1) + dt.timedelta(days=int(k) % 20_000) for k in range(rows)])
    names = [f"{surnames[k % 10]} Văn Thử {k:06d}" for k in range(rows)]
    persons = pl.DataFrame({
        "person_id": i, "household_id": i, "relationship": "head", "full_name": names,
        "search_key": [fold(n) for n in names], "sex": "M", "birth_date": births, "birth_precision": "day",
        "ethnicity_code": "01", "phone": "", "commune_id": commune.pk,
    }).with_columns(
        pl.format("0420{}{}", (pl.col("birth_date").dt.year() % 100).cast(pl.String).str.zfill(2),
                  pl.col("person_id").cast(pl.String).str.zfill(6)).alias("pid"),
        pl.lit(None, dtype=pl.String).alias("cmnd"), pl.lit(None, dtype=pl.String).alias("social_insurance_no"),
        pl.lit(None, dtype=pl.Date).alias("death_date"), pl.lit(dt.date(2015, 1, 1)).alias("joined_date"))
    households = pl.DataFrame({"household_id": i}).with_columns(
        pl.format("BP{}", pl.col("household_id").cast(pl.String).str.zfill(7)).alias("code"),
        pl.lit(commune.pk).alias("commune_id"), pl.lit(commune.pk).alias("recorded_commune_id"),
        pl.lit("Thôn 1").alias("village"), pl.lit("").alias("address_detail"), pl.lit(False).alias("is_urban"),
        pl.col("household_id").alias("head_person_id"))
    with transaction.atomic():
        bulk_insert_registry(households=households, persons=persons)

    bl = BeneficiaryList.objects.create(programme=programme, group=group, commune=commune, source="registry",
                                        overlap_rule=programme.overlap_rule, prepared_by=specialist)
    LIST_WORKFLOW.record(bl, ListStep.PREPARE, actor=specialist, note="benchmark")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM registry_person WHERE commune_id = %s ORDER BY id", [commune.pk])
        person_ids = [r[0] for r in cursor.fetchall()]
    with transaction.atomic():
        start = reserve_ids("programmes_listrow", len(person_ids))
        write_frame("programmes_listrow", pl.DataFrame({
            "id": pl.int_range(start, start + len(person_ids), eager=True), "beneficiary_list_id": bl.pk,
            "person_id": person_ids, "identity_number": "", "months": 3, "group_amount": AMOUNT, "amount": AMOUNT,
            "excluded": False, "source_row": None, "inputs": "{}", "return_reason": ""},
            schema_overrides={"source_row": pl.Int64}))
    bl = services.list_submit(actor=specialist, beneficiary_list=bl)
    bl = services.list_appraise(actor=appraiser, beneficiary_list=bl)
    bl = services.list_approve(actor=leader, beneficiary_list=bl, decision_number="1234/QĐ-UBND",
                               decision_date=dt.date(2020, 5, 8), signer="Đặng Quốc Vinh")
    bl = services.list_post(actor=officer, beneficiary_list=bl)
    batch = payments.batch_create(actor=specialist, beneficiary_list=bl, agent=agent)
    return programme, batch, agent


def results_file(batch, path: Path) -> int:
    """The agent's results: every 50th person unpaid (reasons in turn, money returned), the rest paid."""
    import polars as pl

    from ansinh.payments.selectors import batch_lines_frame

    reasons = ["Đã mất", "Vắng mặt", "Chuyển đi", "Từ chối nhận", "Sai thông tin"]
    lines = batch_lines_frame(batch)
    unpaid = pl.col("seq") % 50 == 0
    frame = lines.select(
        pl.col("seq").alias("STT"), pl.col("full_name").alias("Họ và tên"), pl.col("identity").alias("Số định danh"),
        pl.col("amount").alias("Số tiền"),
        pl.when(unpaid).then(pl.lit("Chưa chi trả")).otherwise(pl.lit("Đã chi trả")).alias("Kết quả"),
        pl.when(unpaid).then(pl.lit("")).otherwise(pl.lit("15/05/2020")).alias("Ngày chi trả"),
        pl.when(unpaid).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
        pl.when(unpaid).then((pl.col("seq") // 50 % 5).replace_strict(dict(enumerate(reasons)), return_dtype=pl.String))
        .otherwise(pl.lit(""))
        .alias("Lý do không chi trả"),
        pl.when(unpaid).then(pl.col("amount")).otherwise(0).alias("Kinh phí hoàn trả"))
    frame.write_csv(path)
    return int(lines.filter(unpaid).height)


def baseline(path: Path) -> tuple[float, float]:
    """Reading the same file, then a raw COPY of its rows into a temporary table."""
    import polars as pl
    from django.db import connection, transaction

    with _django.Timer() as read:
        frame = pl.read_csv(path, infer_schema=False)
    with _django.Timer() as copy, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE _raw_results (seq int, full_name text, identity text, amount bigint, "
                       "result text, paid_date text, paid_amount bigint, reason text, returned bigint) ON COMMIT DROP")
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with cursor.cursor.copy("COPY _raw_results FROM STDIN WITH (FORMAT csv)") as cp:
            cp.write(buffer.getvalue())
    return read.seconds, copy.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _django.say(f"load before: {os.getloadavg()[0]:.2f} (2 shared cores)")
    _drop(url)
    with _django.Timer() as t:
        _django.setup(url)
    _django.say(f"database {urlparse(url).path.lstrip('/')}: migrated, units loaded in {t.seconds:.1f} s")

    from ansinh.payments import services as payments
    from ansinh.payments.models import LineStatus, PaymentBatch, PaymentLine
    from ansinh.payments.reconciliation import reconciliation_compute

    with _django.Timer() as t:
        programme, batch, agent = build(args.rows)
    _django.say(f"build: {batch.line_count:n} payment lines, {batch.amount_total:n} đ in {t.seconds:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ket-qua-buu-dien.csv"
        unpaid = results_file(batch, path)
        _django.say(f"results file: {args.rows:n} rows ({unpaid:n} unpaid), {path.stat().st_size / 1e6:.1f} MB")
        read_s, copy_s = baseline(path)
        base = read_s + copy_s
        _django.say(f"baseline: read {read_s:.2f} s + COPY {copy_s:.2f} s = {base:.2f} s")

        batch = PaymentBatch.objects.get(pk=batch.pk)
        with _django.Timer() as imp:
            summary = payments.results_import(actor=agent, batch=batch, path=path)
        with _django.Timer() as rec:
            reconciliation = reconciliation_compute(programme=programme)
        total = imp.seconds + rec.seconds
        _django.say(f"results import: {imp.seconds:.2f} s ({summary.applied:n} applied, {summary.errors} errors); "
                    f"reconciliation: {rec.seconds:.2f} s; total {total:.2f} s (target < 60 s), "
                    f"{total / base:.1f}× the baseline")
        _django.say(f"  {reconciliation.sentence()}")
        assert summary.errors == 0 and summary.applied == args.rows
        assert PaymentLine.objects.filter(batch=batch, status=LineStatus.PAID).count() == args.rows - unpaid

        batch = PaymentBatch.objects.get(pk=batch.pk)
        resaved = Path(tmp) / "ket-qua-buu-dien-gui-lai.csv"
        resaved.write_bytes(path.read_bytes() + b"\n")  # the same results re-saved: another file, same rows
        with _django.Timer() as again:
            second = payments.results_import(actor=agent, batch=batch, path=resaved)
        _django.say(f"same results in another file: {again.seconds:.2f} s ({second.applied} applied, "
                    f"{second.unchanged:n} unchanged); the very same file is refused by its digest")
        assert second.applied == 0 and second.errors == 0
    _django.say(f"peak RSS {_django.peak_rss_mb():.0f} MB; load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
