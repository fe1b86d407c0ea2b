"""Reading and writing a 200.000-row commune list: calamine vs openpyxl, and the engine.

    .venv/bin/python benchmarks/read_xlsx.py [rows]

Prints seconds and ratios to the openpyxl baseline measured in the same run. Never a test.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from ansinh.core.tabular import Field, Schema, parse_columns, read_table
from ansinh.core.xlsx import write_sheet

SCHEMA = Schema(fields=(
    Field("full_name", "Họ và tên", required=True),
    Field("birth", "Ngày sinh", required=True, kind="date"),
    Field("sex", "Giới tính", kind="choice", choices=(("M", ("Nam",)), ("F", ("Nữ",)))),
    Field("pid", "Số CCCD", kind="identity"),
    Field("hamlet", "Thôn/xóm"),
    Field("commune", "Xã/phường"),
    Field("amount", "Số tiền", kind="money"),
))
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Thôn/xóm", "Xã/phường", "Số tiền"]


def rows(n: int):
    base = dt.date(1940, 1, 1)
    for i in range(n):
        birth = base + dt.timedelta(days=(i * 37) % 25000)
        yield [
            i + 1,
            f"Nguyễn Văn {i % 977}",
            birth if i % 3 else birth.strftime("%d/%m/%Y"),
            "Nam" if i % 2 else "Nữ",
            f"0421{i % 2}{(i % 90) + 10}{i:06d}"[:12],
            f"Thôn {i % 12}",
            "Kỳ Anh",
            500_000 + (i % 7) * 180_000,
        ]


def timed(label: str, fn, baseline: float | None = None):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    ratio = f"  ({baseline / seconds:.1f}x faster than openpyxl)" if baseline else ""
    print(f"{label:<48} {seconds:7.2f} s{ratio}")
    return result, seconds


def main(n: int = 200_000) -> None:
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "big.xlsx"
    print(f"{n} rows x {len(HEADERS)} columns")
    timed("write (ansinh.core.xlsx.write_sheet, streaming)", lambda: write_sheet(
        path, title_lines=["UBND XÃ KỲ ANH", "DANH SÁCH CHI TRẢ"], headers=HEADERS, rows=rows(n),
        date_columns=[2], money_columns=[7], text_columns=[4]))
    print(f"{'file size':<48} {path.stat().st_size / 1e6:7.1f} MB")

    def openpyxl_read():
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        out = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        return out

    _, base = timed("openpyxl read_only, all values (baseline)", openpyxl_read)
    timed("calamine to_python, all values", lambda: CalamineWorkbook.from_path(str(path))
          .get_sheet_by_index(0).to_python(skip_empty_area=False), base)
    raw, t_read = timed("read_table (calamine + header + raw text frame)", lambda: read_table(path, SCHEMA), base)
    frame, t_parse = timed("parse_columns (typed + errors)", lambda: parse_columns(raw, SCHEMA))
    print(f"{'read_table + parse_columns':<48} {t_read + t_parse:7.2f} s  ({base / (t_read + t_parse):.1f}x faster "
          f"than openpyxl reading values alone); {frame.filter(frame['_errors'].list.len() > 0).height} rows with errors")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
