"""The yearly labour-supply update at province scale on PostgreSQL (issue #15, item 7).

Measured, each phase in its own process, on its own database ``ansinh_bench_labour``:

* **import**: 800.000 supply rows (.xlsx) through the shared import lifecycle as a job-centre officer of the
  province — stored, read and checked once (parse + verify), matched to a registry of 1.300.000 people (identity
  numbers; the rows without one through the matching model, the shipped default), then committed (the lifecycle
  verifies again under the lock and writes with COPY). Check and commit are timed separately.
* **floor**, same run, same file: calamine reading the workbook plus a raw COPY of its cells into an unindexed
  temporary table — no checks, no matching.
* **indicators**: every indicator of ``labour.indicators`` for the year of the file, for the province and for one
  former district, with 800.000 supply records present.

Prints the figures and the ratio to the floor (target: import < 120 s; indicator queries < 1 s). Asserts no time.

    .venv/bin/python benchmarks/labour_supply_import.py [--rows 800000] [--persons 1300000] [--reuse FILE]
Uses BENCH_LABOUR_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ansinh_bench_labour). The registry is
generated once (``ansinh.demo.population``, seed 2020) and kept for the next runs; the supply file is written
next to the temporary directory and kept with ``--keep-file``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

URL = os.environ.get("BENCH_LABOUR_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ansinh_bench_labour")
YEAR = 2020
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Dân tộc", "Xã/phường",
           "Trình độ giáo dục phổ thông", "Trình độ chuyên môn kỹ thuật", "Tình trạng hoạt động kinh tế",
           "Công việc chính", "Vị thế việc làm", "Loại hình nơi làm việc", "Ngành kinh tế",
           "Thời gian thất nghiệp (tháng)", "Lý do không tham gia hoạt động kinh tế"]
NO_NUMBER_SHARE = 0.02  # on top of the ~3 % of the registry that has no number at all
TONELESS_SHARE = 0.3  # of the rows without a number: the name typed without tones


def _users():
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    user, _ = User.objects.update_or_create(username="bench_vieclam", defaults={
        "role": Role.JOB_CENTRE_OFFICER, "area": province, "last_name": "Trung tâm", "first_name": "DVVL"})
    return user


def prepare(persons: int) -> None:
    """The registry (once) and a clean supply register for the year (every run)."""
    _django.setup(URL)
    from django.db import connection

    from ansinh.core.sql import compose, join, table
    from ansinh.demo.population import demo_population_load
    from ansinh.demo.reset import registry_truncate
    from ansinh.labour.models import SupplyCandidate, SupplyImport, SupplyRecord
    from ansinh.registry.models import Person

    existing = Person.objects.count()
    if existing < persons * 0.98:
        _django.say(f"Registry: {existing} people, generating {persons} (not timed)…")
        registry_truncate()
        with _django.Timer() as t:
            demo_population_load(persons=persons, seed=2020, province_code="42")
        _django.say(f"Registry generated in {t.seconds:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(*compose("TRUNCATE {tables} CASCADE", tables=join(", ", (
            table(m) for m in (SupplyCandidate, SupplyRecord, SupplyImport)))))
        cursor.execute("VACUUM ANALYZE registry_person")
    _users()


def make_file(path: Path, rows: int) -> dict:
    """Supply rows of registry people aged 15+ on 1 July: the registry's own numbers (some left out), answers drawn
    at realistic rates (about 70 % employed, 2 % unemployed)."""
    import numpy as np
    import polars as pl
    import xlsxwriter

    from ansinh.core.bulk import read_frame
    from ansinh.core.text import fold

    people = read_frame(
        "SELECT p.id, p.full_name, p.birth_date, p.birth_precision, p.sex, p.pid, p.cmnd, u.name AS commune "
        "FROM registry_person p JOIN geo_adminunit u ON u.id = p.commune_id "
        "WHERE p.birth_date <= %s AND (p.death_date IS NULL OR p.death_date > %s)",
        [dt.date(YEAR - 15, 7, 1), dt.date(YEAR, 7, 1)],
        schema={"id": pl.Int64, "full_name": pl.String, "birth_date": pl.Date, "birth_precision": pl.String,
                "sex": pl.String, "pid": pl.String, "cmnd": pl.String, "commune": pl.String})
    people = people.sample(min(rows, people.height), seed=2020).sort("id")
    rng = np.random.default_rng(2020)
    n = people.height
    draws = {"drop": rng.random(n) < NO_NUMBER_SHARE, "toneless": rng.random(n) < TONELESS_SHARE,
             "status": rng.choice(3, size=n, p=[0.70, 0.02, 0.28])}
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Cung lao động")
    ws.write(0, 0, f"PHIẾU CẬP NHẬT THÔNG TIN CUNG LAO ĐỘNG NĂM {YEAR} (benchmark)")
    ws.write_row(2, 0, HEADERS)
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    without_number = sum(_write_row(ws, i, p, draws, date_fmt, fold) for i, p in enumerate(people.iter_rows(named=True)))
    wb.close()
    # the truth, for the accuracy of the model's proposals: file row (header on row 3) → registry person
    people.select((pl.int_range(pl.len()) + 4).alias("source_row"), pl.col("id").alias("person_id")).write_csv(
        truth_path(path))
    return {"rows": n, "without_number": int(without_number)}


def truth_path(path: Path) -> Path:
    return path.with_suffix(".truth.csv")


JOBS = ("Làm ruộng", "Công nhân", "Buôn bán", "Thợ xây", "Giáo viên", "Lái xe", "Nuôi trồng thủy sản")
POSITIONS = ("Tự làm", "Làm công ăn lương", "Lao động gia đình", "Chủ cơ sở SXKD")
SECTORS = ("Nông nghiệp", "Công nghiệp và xây dựng", "Dịch vụ")
WORKPLACES = ("Hộ gia đình", "Doanh nghiệp ngoài nhà nước", "Cơ quan nhà nước", "FDI")
QUALIFICATIONS = ("Chưa qua đào tạo",) * 6 + ("Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học")
REASONS = ("Đi học", "Nội trợ", "Già yếu", "Ốm đau")


def _write_row(ws, i: int, p: dict, draws: dict, date_fmt, fold) -> bool:
    """One supply row; True when it carries no identity number."""
    r = 3 + i
    number = "" if draws["drop"][i] else (p["pid"] or p["cmnd"] or "")
    name = fold(p["full_name"]).title() if number == "" and draws["toneless"][i] else p["full_name"]
    s = int(draws["status"][i])
    ws.write_number(r, 0, i + 1)
    ws.write_string(r, 1, name)
    if p["birth_precision"] == "year":
        ws.write_string(r, 2, str(p["birth_date"].year))
    else:
        ws.write_datetime(r, 2, dt.datetime.combine(p["birth_date"], dt.time()), date_fmt)
    ws.write_row(r, 3, ["Nam" if p["sex"] == "M" else "Nữ", number, "Kinh", p["commune"], "THPT" if i % 3 else "THCS",
                        QUALIFICATIONS[i % len(QUALIFICATIONS)], ("Có việc làm", "Thất nghiệp", "Không tham gia HĐKT")[s]])
    if s == 0:
        ws.write_row(r, 10, [JOBS[i % len(JOBS)], POSITIONS[i % len(POSITIONS)], WORKPLACES[i % len(WORKPLACES)],
                             SECTORS[i % len(SECTORS)]])
    elif s == 1:
        ws.write_number(r, 14, 1 + i % 12)
    else:
        ws.write_string(r, 15, REASONS[i % len(REASONS)])
    return number == ""


def run_floor(path: Path) -> None:
    _django.setup(URL, migrate=False)
    import polars as pl
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from ansinh.core.sql import compose, identifier, join

    with _django.Timer() as t:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        body = [[("" if v is None else str(v)) for v in row] for row in rows[3:]]
        frame = pl.DataFrame(body, schema=[f"c{i}" for i in range(len(HEADERS))], orient="row")
        with transaction.atomic(), connection.cursor() as cursor:
            cols = join(", ", (compose("{c} text", c=identifier(f"c{i}")) for i in range(len(HEADERS))))
            cursor.execute(*compose("CREATE TEMP TABLE floor_rows ({cols}) ON COMMIT DROP", cols=cols))
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False)
            with cursor.cursor.copy("COPY floor_rows FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
    print(f"RESULT floor {t.seconds:.2f} {_django.peak_rss_mb():.0f} {frame.height}")


def run_import(path: Path, year: int = YEAR) -> None:
    _django.setup(URL, migrate=False)
    from ansinh.core.imports import import_check, import_commit, import_commit_request, import_receive
    from ansinh.labour.imports import SUPPLY_KIND
    from ansinh.labour.models import SupplyCandidate, SupplyRecord

    user = _users()
    with _django.Timer() as t_total:
        with _django.Timer() as t_check:
            record = import_receive(kind=SUPPLY_KIND, actor=user, file=path, file_name=path.name,
                                    target={"year": year})
            record, outcome = import_check(record=record)
        with _django.Timer() as t_commit:
            record = import_commit_request(actor=user, record=record, valid_only=True)
            record = import_commit(record=record, outcome=outcome)
    figures = record.summary.get("figures", {})
    print(f"RESULT import {t_total.seconds:.2f} {_django.peak_rss_mb():.0f} {t_check.seconds:.2f} "
          f"{t_commit.seconds:.2f} {record.status} {record.total_rows} {record.error_rows} {record.written_rows} "
          f"{figures.get('identity', 0)} {figures.get('pending', 0)} "
          f"{SupplyRecord.objects.filter(year=year).count()} {SupplyCandidate.objects.count()}")
    print(f"ACCURACY {_accuracy(path)}")
    if record.status != "committed":
        print("MESSAGE", record.message)


def _accuracy(path: Path) -> str:
    """Of the rows written «chờ đối chiếu»: how often the first candidate is the right person, and how often the
    right person is among the candidates."""
    import polars as pl

    from ansinh.core.bulk import read_frame

    if not truth_path(path).exists():
        return "n/a (no truth file next to the supply file)"
    truth = pl.read_csv(truth_path(path), schema={"source_row": pl.Int64, "person_id": pl.Int64})
    proposed = read_frame(
        "SELECT r.source_row, c.person_id, c.rank FROM labour_supplycandidate c "
        "JOIN labour_supplyrecord r ON r.id = c.record_id WHERE r.match = 'pending'",
        schema={"source_row": pl.Int64, "person_id": pl.Int64, "rank": pl.Int64})
    pending = proposed["source_row"].n_unique()
    right = proposed.join(truth, on=["source_row", "person_id"], how="inner")
    first = right.filter(pl.col("rank") == 1).height
    return (f"{first}/{pending} first candidate right ({first / max(pending, 1):.2%}), "
            f"{right['source_row'].n_unique()}/{pending} right person among the candidates")


def run_indicators() -> None:
    _django.setup(URL, migrate=False)
    from ansinh.geo.models import AdminUnit, Level
    from ansinh.labour.indicators import INDICATORS, indicator_value

    district = AdminUnit.objects.filter(level=Level.DISTRICT, province_code="42", name__icontains="Cẩm Xuyên").first()
    worst = 0.0
    for area, label in ((None, "tỉnh"), (district, district.name if district else "—")):
        for code in INDICATORS:
            started = time.perf_counter()
            value = indicator_value(code, str(YEAR), area)
            seconds = time.perf_counter() - started
            worst = max(worst, seconds)
            print(f"INDICATOR {label} {code} {value} {seconds * 1000:.0f} ms")
    print(f"RESULT indicators {worst:.3f}")


def _phase(name: str, path: Path | None, *extra: str) -> tuple[list[str], str]:
    args = [sys.executable, __file__, "--phase", name, *extra] + (["--file", str(path)] if path else [])
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    return line.split()[2:], out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=800_000)
    parser.add_argument("--persons", type=int, default=1_300_000)
    parser.add_argument("--phase", choices=["floor", "import", "indicators"])
    parser.add_argument("--file")
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--next-year", action="store_true",
                        help="also import the same people as the next year's update, the register holding this year's")
    parser.add_argument("--reuse", help="an already written supply file")
    parser.add_argument("--keep-file", action="store_true")
    args = parser.parse_args()
    if args.phase:
        {"floor": lambda: run_floor(Path(args.file)), "import": lambda: run_import(Path(args.file), args.year),
         "indicators": run_indicators}[args.phase]()
        return
    prepare(args.persons)
    if args.reuse:
        path, args.keep_file = Path(args.reuse), True
        _django.say(f"File: {path} (reused)")
    else:
        path = Path(tempfile.mkdtemp()) / f"cung-lao-dong-{args.rows}.xlsx"
        with _django.Timer() as t:
            made = make_file(path, args.rows)
        _django.say(f"File: {path} ({path.stat().st_size / 1e6:.1f} MB, {made['rows']} rows, "
                    f"{made['without_number']} without a number) written in {t.seconds:.0f} s")
    load = os.getloadavg()[0]
    floor, _ = _phase("floor", path)
    result, out = _phase("import", path)
    indicators, ind_out = _phase("indicators", None)
    following = _phase("import", path, "--year", str(YEAR + 1))[0] if args.next_year else None
    end_load = os.getloadavg()[0]
    floor_s = float(floor[0])
    total, peak, check_s, commit_s, status, total_rows, errors, written, identity, pending, in_db, cands = result
    print(f"Floor (calamine read + raw COPY of the cells, no checks): {floor_s:.1f} s, peak {floor[1]} MB, "
          f"{floor[2]} rows")
    print(f"Supply import: {float(total):.1f} s (receive + check {float(check_s):.1f} s, commit {float(commit_s):.1f} s), "
          f"peak {peak} MB; status {status}; {total_rows} rows, {errors} refused, {written} written "
          f"({identity} by identity number, {pending} waiting for review with {cands} candidates); "
          f"{in_db} supply records of {YEAR} in the database")
    print(f"Ratio to floor: {float(total) / floor_s:.2f}x   (target: import < 120 s)")
    for line in ind_out.splitlines():
        if line.startswith("INDICATOR"):
            print("  " + line[len("INDICATOR "):])
    print(f"Slowest indicator query: {float(indicators[0]) * 1000:.0f} ms   (target < 1 s)")
    if following:
        print(f"Next year's update ({YEAR + 1}, the register already holding {in_db} records of {YEAR}, indexes kept): "
              f"{float(following[0]):.1f} s (check {float(following[2]):.1f} s, commit {float(following[3]):.1f} s), "
              f"{following[7]} written; ratio to floor {float(following[0]) / floor_s:.2f}x")
    print(f"Load average {load:.1f} at the start, {end_load:.1f} at the end (2 cores, shared machine)")
    accuracy = next((x for x in out.splitlines() if x.startswith("ACCURACY")), "ACCURACY n/a")
    print(f"Model proposals: {accuracy[len('ACCURACY '):]}")
    if "MESSAGE" in out:
        print(out[out.index("MESSAGE"):].strip())
    if not args.keep_file:
        path.unlink()


if __name__ == "__main__":
    main()
