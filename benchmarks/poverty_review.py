"""Benchmark of the poverty review on PostgreSQL (issue #13 item 7), in its own database ``ansinh_bench_poverty``.

1. Classification of a province for a year: 370.000 surveyed households (one annual round per commune of Hà
   Tĩnh, NĐ 07/2021 standard) classified by ``services.surveys.year_classify`` — read the rows, ``poverty_status``
   through ``ansinh.policy.bridge.compute`` (vectorised), write the results back, one transaction. Target < 10 s.
   Baseline in the same run: a plain Python loop over the same rows applying the same rule with the same
   parameter values (no rules engine, no database); the results are checked equal.
2. A survey file of 100.000 households (.xlsx) checked and committed through the shared import lifecycle
   (``import_run``, as ``ansinh poverty import-survey --commit`` does). Target < 30 s. Baselines in the same run:
   a plain loop — read the rows with openpyxl, look each household up, classify with the Python rule, insert with
   ``executemany`` — and the floor: calamine read + one raw ``COPY`` into an unindexed table, no checks.

The figures are printed; nothing is asserted. Run:

    .venv/bin/python benchmarks/poverty_review.py [--households 370000] [--file-rows 100000]
Uses BENCH_POVERTY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ansinh_bench_poverty); the
database is emptied of its households, rounds and registers first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

URL = os.environ.get("BENCH_POVERTY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ansinh_bench_poverty")
SEED = 20211214
CLASSIFY_YEAR, IMPORT_YEAR = 2021, 2022
ND07 = ["d_employment", "d_dependants", "d_nutrition", "d_health_insurance", "d_adult_education",
        "d_child_schooling", "d_housing_quality", "d_floor_area", "d_water_source", "d_toilet", "d_telecom",
        "d_information"]
HEADERS = ["Việc làm", "Người phụ thuộc trong hộ gia đình", "Dinh dưỡng", "Bảo hiểm y tế",
           "Trình độ giáo dục của người lớn", "Tình trạng đi học của trẻ em", "Chất lượng nhà ở",
           "Diện tích nhà ở bình quân đầu người", "Nguồn nước sinh hoạt", "Nhà tiêu hợp vệ sinh",
           "Sử dụng dịch vụ viễn thông", "Phương tiện phục vụ tiếp cận thông tin"]


def _clear() -> None:
    from django.db import connection

    from ansinh.core.sql import compose, join, table
    from ansinh.poverty.models import HouseholdReview, ReviewRound, RoundEvent, SurveyImport
    from ansinh.programmes.models import Enrolment, EnrolmentEvent
    from ansinh.registry.models import Household, Membership, Person

    models = [HouseholdReview, RoundEvent, ReviewRound, SurveyImport, EnrolmentEvent, Enrolment, Membership, Person,
              Household]
    with connection.cursor() as cursor:
        cursor.execute(*compose("TRUNCATE {t} CASCADE", t=join(", ", (table(m) for m in models))))


def _households(n: int) -> pl.DataFrame:
    """``n`` households spread over the province's communes (no members: the review reads households only)."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from ansinh.core.bulk import reserve_ids, write_frame
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.registry.models import Household

    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=settings.ANSINH_PROVINCE_CODE).values_list("pk", "name"))
    rng = np.random.default_rng(SEED)
    pick = rng.integers(0, len(communes), n)
    now = timezone.now()
    with transaction.atomic():
        start = reserve_ids(Household._meta.db_table, n)
        frame = pl.DataFrame({
            "id": np.arange(start, start + n, dtype=np.int64),
            "code": [f"HTB{i:07d}" for i in range(n)],
            "commune_id": np.array([communes[i][0] for i in pick], dtype=np.int64),
            "village": "Thôn 1", "address_detail": "", "is_urban": rng.random(n) < 0.15,
        }).with_columns(pl.col("commune_id").alias("recorded_commune_id"), pl.lit(None, dtype=pl.Int64).alias("head_id"),
                        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"))
        write_frame(Household._meta.db_table, frame)
    names = dict(communes)
    return frame.select("id", "code", "commune_id", "is_urban").with_columns(
        pl.col("commune_id").replace_strict(names, return_dtype=pl.String).alias("commune_name"))


def _survey_values(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    income = rng.lognormal(mean=np.log(2_200_000), sigma=0.55, size=n).astype(np.int64) // 10_000 * 10_000
    deprived = rng.random((n, len(ND07))) < 0.12
    return {"income_per_capita": income, **{c: deprived[:, j] for j, c in enumerate(ND07)}}


def _rule(income: int, urban: bool, count: int, line_rural: int, line_urban: int, threshold: int) -> str:
    """NĐ 07/2021 in plain Python (the baseline only; ansinh classifies through the rules)."""
    if income <= (line_urban if urban else line_rural):
        return "poor" if count >= threshold else "near_poor"
    return "not_poor"


def _loop_classify(frame: pl.DataFrame, lines) -> list[str]:
    out = []
    for row in frame.iter_rows(named=True):
        count = sum(1 for c in ND07 if row[c])
        out.append(_rule(row["income_per_capita"], row["is_urban"], count, lines.poor_rural, lines.poor_urban,
                         lines.threshold))
    return out


def bench_classification(households: pl.DataFrame, actor) -> dict:
    from django.db import transaction
    from django.db.models import Count

    from ansinh.poverty.classification import classify, lines_for
    from ansinh.poverty.models import HouseholdReview, RoundStatus
    from ansinh.poverty.services.surveys import rounds_ensure, year_classify
    from ansinh.poverty.services.tables import reviews_insert

    rng = np.random.default_rng(SEED + 1)
    values = _survey_values(rng, households.height)
    with transaction.atomic():
        rounds = rounds_ensure(year=CLASSIFY_YEAR, commune_ids=households["commune_id"].unique().to_list(), actor=actor)
        key = pl.DataFrame([(c, r.pk) for c, r in rounds.items()], schema={"commune_id": pl.Int64,
                                                                            "review_round_id": pl.Int64}, orient="row")
        frame = households.join(key, on="commune_id").select(
            "review_round_id", pl.col("id").alias("household_id"), "commune_id", "is_urban",
            pl.lit("applied").alias("source")).with_columns(**{k: pl.Series(v) for k, v in values.items()})
        reviews_insert(frame)
    assert all(r.status == RoundStatus.DRAFT for r in rounds.values())
    with _django.Timer() as service:
        done = year_classify(actor=actor, year=CLASSIFY_YEAR)
    rows = households.select(pl.col("id").alias("key"), "is_urban").with_columns(
        **{k: pl.Series(v) for k, v in values.items()})
    with _django.Timer() as bridge:
        classified = classify(rows, year=CLASSIFY_YEAR)
    lines = lines_for(CLASSIFY_YEAR)
    with _django.Timer() as loop:
        looped = _loop_classify(rows, lines)
    assert classified["rules_status"].to_list() == looped, "the plain loop and the rules disagree"
    stored = dict(HouseholdReview.objects.filter(review_round__year=CLASSIFY_YEAR).values_list("final_status")
                  .annotate(n=Count("pk")).order_by())
    return {"households": done.households, "rounds": done.rounds, "service": service.seconds,
            "bridge": bridge.seconds, "loop": loop.seconds, "stored": stored}


def _write_file(path: Path, households: pl.DataFrame, values: dict[str, np.ndarray]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write(0, 0, "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO (benchmark)")
    ws.write_row(2, 0, ["STT", "Mã hộ", "Họ và tên chủ hộ", "Xã/phường", "Khu vực",
                        "Thu nhập bình quân đầu người/tháng", *HEADERS])
    income = values["income_per_capita"]
    marks = np.column_stack([values[c] for c in ND07])
    for i, row in enumerate(households.iter_rows(named=True)):
        ws.write_row(3 + i, 0, [i + 1, row["code"], "", row["commune_name"],
                                "Thành thị" if row["is_urban"] else "Nông thôn", int(income[i]),
                                *["x" if m else "" for m in marks[i]]])
    wb.close()


def _loop_import(path: Path, lines) -> int:
    """The plain loop: openpyxl rows, a dict look-up per household, the Python rule, ``executemany``."""
    import openpyxl
    from django.db import connection, transaction

    from ansinh.core.sql import compose, identifier, join, placeholders
    from ansinh.registry.models import Household

    codes = dict(Household.objects.values_list("code", "id"))
    values = []
    sheet = openpyxl.load_workbook(path, read_only=True).active
    for row in sheet.iter_rows(min_row=4, values_only=True):
        household = codes.get(str(row[1]).strip().upper())
        income = int(row[5])
        marks = [bool(v) for v in row[6:18]]
        urban = row[4] == "Thành thị"
        values.append((household, income, urban, _rule(income, urban, sum(marks), lines.poor_rural,
                                                       lines.poor_urban, lines.threshold), *marks))
    flags = join(", ", (compose("{c} boolean", c=identifier(c)) for c in ND07))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*compose("CREATE TEMP TABLE loop_rows (household_id bigint, income bigint, urban boolean, "
                                "status text, {flags}) ON COMMIT DROP", flags=flags))
        cursor.executemany(compose("INSERT INTO loop_rows VALUES ({v})", v=placeholders(4 + len(ND07))).text, values)
    return len(values)


def _floor(path: Path) -> int:
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    body = [["" if v is None else str(v) for v in row] for row in rows[3:]]
    frame = pl.DataFrame(body, schema=[f"c{i}" for i in range(len(body[0]))], orient="row")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE floor_rows (" + ", ".join(f"c{i} text" for i in range(frame.width))
                       + ") ON COMMIT DROP")
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with cursor.cursor.copy("COPY floor_rows FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
    return frame.height


def bench_import(households: pl.DataFrame, actor, rows: int) -> dict:
    from ansinh.core.imports import import_run
    from ansinh.poverty.classification import lines_for
    from ansinh.poverty.imports import SURVEY_KIND

    rng = np.random.default_rng(SEED + 2)
    sample = households[np.sort(rng.choice(households.height, size=rows, replace=False))]
    values = _survey_values(rng, rows)
    path = Path(tempfile.mkdtemp()) / f"phieu_ra_soat_{rows}.xlsx"
    with _django.Timer() as made:
        _write_file(path, sample, values)
    with _django.Timer() as floor:
        _floor(path)
    with _django.Timer() as loop:
        _loop_import(path, lines_for(IMPORT_YEAR))
    with _django.Timer() as lifecycle:
        run = import_run(kind=SURVEY_KIND, actor=actor, file=path, file_name=path.name, target={"year": IMPORT_YEAR},
                         commit=True)
    record = run.record
    size = path.stat().st_size / 1e6
    path.unlink()
    return {"rows": rows, "made": made.seconds, "size": size, "floor": floor.seconds, "loop": loop.seconds,
            "import": lifecycle.seconds, "committed": run.committed, "written": record.written_rows,
            "errors": record.error_rows, "message": record.message}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=370_000)
    parser.add_argument("--file-rows", type=int, default=100_000)
    args = parser.parse_args()
    _django.setup(URL)
    from django.conf import settings

    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT,
                                     code=settings.ANSINH_PROVINCE_CODE)
    actor, _ = User.objects.update_or_create(username="bench_so", defaults={"role": Role.PROVINCIAL_SPECIALIST,
                                                                             "area": province})
    _clear()
    with _django.Timer() as t:
        households = _households(args.households)
    _django.say(f"Households: {households.height:,} written in {t.seconds:.1f} s on {households['commune_id'].n_unique()}"
                " communes")
    c = bench_classification(households, actor)
    _django.say(f"Classification {CLASSIFY_YEAR} (NĐ 07/2021), {c['households']:,} households in {c['rounds']} rounds:")
    _django.say(f"  year_classify (read + rules + write, one transaction): {c['service']:.2f} s   (target < 10 s)")
    _django.say(f"  of which the rules alone (bridge.compute): {c['bridge']:.2f} s")
    _django.say(f"  baseline, plain Python loop (same rule, same lines, no database): {c['loop']:.2f} s")
    _django.say(f"  ratio loop / rules: {c['loop'] / c['bridge']:.2f}x; results identical; stored {c['stored']}")
    i = bench_import(households, actor, args.file_rows)
    _django.say(f"Survey file {i['rows']:,} rows ({i['size']:.1f} MB, written in {i['made']:.1f} s), year {IMPORT_YEAR}:")
    _django.say(f"  import_run check + commit: {i['import']:.2f} s   (target < 30 s); committed={i['committed']}, "
                f"{i['written']:,} written, {i['errors']} rows refused — {i['message']}")
    _django.say(f"  baseline, plain loop (openpyxl + dict look-up + Python rule + executemany): {i['loop']:.2f} s "
                f"(ratio {i['loop'] / i['import']:.2f}x of the lifecycle)")
    _django.say(f"  floor (calamine read + one raw COPY, no checks): {i['floor']:.2f} s "
                f"(lifecycle {i['import'] / i['floor']:.2f}x the floor)")
    _django.say(f"Peak memory {_django.peak_rss_mb():.0f} MB; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
