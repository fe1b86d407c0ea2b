"""Registry import of a 200.000-row .xlsx (about 57.000 households) on PostgreSQL.

Measured: the whole import (read + every check + commit through COPY, in one transaction),
its time and peak memory (each phase runs in its own process). Baseline, same run, same file:
the floor — reading the file with calamine plus a raw COPY of the same rows into an unindexed
table, no checks. Target: within 3x of the floor and under 60 s on the 2-core machine.

    .venv/bin/python benchmarks/registry_import.py [--rows 200000] [--keep-file]
Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ansinh_bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

HEADERS = ["STT", "Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Quan hệ với chủ hộ", "Số định danh cá nhân",
           "Dân tộc", "Số điện thoại", "Thôn/xóm", "Xã/phường"]
REL = {"head": "Chủ hộ", "spouse": "Vợ/chồng", "child": "Con", "parent": "Bố/mẹ", "grandchild": "Cháu",
       "sibling": "Anh/chị/em", "daughter_in_law": "Con dâu/con rể", "other": "Khác"}


def make_file(path: Path, rows: int) -> None:
    import xlsxwriter

    from ansinh.demo.synthetic import CommuneSpec, generate_population

    communes = [("Xã Cẩm Bình", "18685"), ("Xã Thạch Khê", "18604"), ("Phường Thành Sen", "18073"),
                ("Phường Trần Phú", "18100"), ("Xã Cẩm Xuyên", "18667")]
    pop = generate_population(persons=rows, seed=42, communes=[CommuneSpec(code=c, name=n, is_urban=False)
                                                                for n, c in communes])
    names = dict((c, n) for n, c in communes)
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write(0, 0, "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU (benchmark)")
    ws.write_row(2, 0, HEADERS)
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    codes = dict(zip(pop.households["household_id"], pop.households["code"], strict=True))
    villages = dict(zip(pop.households["household_id"], pop.households["village"], strict=True))
    for i, p in enumerate(pop.persons.iter_rows(named=True)):
        r = 3 + i
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, codes[p["household_id"]])
        ws.write_string(r, 2, p["full_name"])
        ws.write_string(r, 3, "Nam" if p["sex"] == "M" else "Nữ")
        if p["birth_precision"] == "year":
            ws.write_string(r, 4, str(p["birth_date"].year))
        else:
            ws.write_datetime(r, 4, dt.datetime.combine(p["birth_date"], dt.time()), date_fmt)
        ws.write_string(r, 5, REL[p["relationship"]])
        ws.write_string(r, 6, p["pid"] or p["cmnd"] or "")
        ws.write_string(r, 7, "Kinh")
        ws.write_string(r, 8, p["phone"] or "")
        ws.write_string(r, 9, villages[p["household_id"]])
        ws.write_string(r, 10, names[p["commune_code"]])
    wb.close()


def run_floor(path: Path) -> None:
    _django.setup()
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


def run_import(path: Path) -> None:
    _django.setup()
    from django.conf import settings

    from ansinh.demo.reset import registry_truncate
    from ansinh.geo.models import AdminUnit
    from ansinh.registry.imports import registry_file_check, registry_rows_commit

    registry_truncate()
    province = AdminUnit.objects.get(level="province", structure="current", code=settings.ANSINH_PROVINCE_CODE)
    with _django.Timer() as t_check:
        check = registry_file_check(path=path, area=province)
    with _django.Timer() as t_commit:
        result = registry_rows_commit(check=check, valid_only=True)
    print(f"RESULT import {t_check.seconds + t_commit.seconds:.2f} {_django.peak_rss_mb():.0f} {result.persons} "
          f"{result.households} {check.error_rows} {t_check.seconds:.2f} {t_commit.seconds:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--phase", choices=["floor", "import"])
    parser.add_argument("--file")
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--reuse", help="an already generated file (skips writing a new one)")
    args = parser.parse_args()
    if args.phase:
        (run_floor if args.phase == "floor" else run_import)(Path(args.file))
        return
    _django.setup()  # migrate and load units once, before timing
    if args.reuse:
        path, args.keep_file = Path(args.reuse), True
    else:
        path = Path(tempfile.mkdtemp()) / "danh_sach_200k.xlsx"
        with _django.Timer() as t:
            make_file(path, args.rows)
        _django.say(f"File: {path} ({path.stat().st_size / 1e6:.1f} MB) written in {t.seconds:.1f} s")
    results = {}
    for phase in ("floor", "import"):
        out = subprocess.run([sys.executable, __file__, "--phase", phase, "--file", str(path)], check=True,
                             capture_output=True, text=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        results[phase] = line.split()[2:]
    floor_s, floor_mb = float(results["floor"][0]), float(results["floor"][1])
    imp = results["import"]
    import_s, import_mb = float(imp[0]), float(imp[1])
    print(f"Floor (calamine read + raw COPY, no checks): {floor_s:.1f} s, peak {floor_mb:.0f} MB")
    print(f"Registry import: {import_s:.1f} s (checks {imp[5]} s + commit {imp[6]} s), peak {import_mb:.0f} MB; "
          f"{imp[2]} persons in {imp[3]} households written, {imp[4]} rows refused")
    print(f"Ratio to floor: {import_s / floor_s:.2f}x   (target <= 3x and < 60 s)")
    if not args.keep_file:
        path.unlink()


if __name__ == "__main__":
    main()
