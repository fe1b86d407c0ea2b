"""Files from the report frames of ``selectors``: the year's summary (CSV or .xlsx), the ministry's summary tables
(.xlsx, two sheets: poor and near-poor households), the plan indicators, the posted list of a round. Numbers are
written as numbers (counts as integers, rates as numbers with two decimals formatted ``0.00``); text cells that
could run as a formula are neutralised in CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import polars as pl

from ansinh.core.tabular import csv_safe
from ansinh.core.xlsx import FONT, TableLayout, open_workbook, write_sheet
from ansinh.poverty.standards import STANDARD_LABELS, indicators_for, standard_for

SUMMARY_HEADERS = ["Mã xã", "Xã/phường", "Số hộ rà soát", "Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo",
                   "Hộ nghèo phát sinh", "Hộ thoát nghèo", "Hộ tái nghèo", "Trong đó: hộ nghèo sang cận nghèo",
                   "Tổng số hộ của xã", "Tỷ lệ hộ nghèo (%)"]
COUNT_COLUMNS = ["surveyed", "poor", "near_poor", "not_poor", "new_poor", "out_of_poverty", "back_poor", "poor_to_near",
                 "households"]
RATE_FORMAT = "0.00"


def summary_rows(frame: pl.DataFrame) -> list[list]:
    """The communes, then «Tổng cộng» (the rate over every household of the communes)."""
    rows = [[r["commune_code"], r["commune_name"], *[int(r[c]) for c in COUNT_COLUMNS], r["poverty_rate"]]
            for r in frame.iter_rows(named=True)]
    totals = [int(frame[c].sum() or 0) for c in COUNT_COLUMNS]
    poor, households = totals[COUNT_COLUMNS.index("poor")], totals[-1]
    rate = round(poor * 100 / households, 2) if households else None
    rows.append(["", "Tổng cộng", *totals, rate])
    return rows


def summary_write(frame: pl.DataFrame, target: Path | IO[bytes], *, fmt: str, year: int) -> None:
    rows = summary_rows(frame)
    if fmt == "csv":
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(SUMMARY_HEADERS)
        for row in rows:
            writer.writerow([csv_safe(v) if isinstance(v, str) else ("" if v is None else f"{v:.2f}" if isinstance(
                v, float) else v) for v in row])
        data = text.getvalue().encode("utf-8")
        if isinstance(target, Path):
            target.write_bytes(data)
        else:
            target.write(data)
        return
    write_sheet(target, headers=SUMMARY_HEADERS, rows=rows, layout=TableLayout(
        title_lines=[f"TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}",
                     STANDARD_LABELS[standard_for(year)]],
        sheet_name=f"Tổng hợp {year}", text_columns=[0], column_formats={len(SUMMARY_HEADERS) - 1: RATE_FORMAT},
        widths={1: 28}), constant_memory=False)


# ---------------------------------------------------------------- the ministry's tables

def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def _ministry_values(r: dict) -> list:
    return [int(r["households"]), int(r["start"]), int(r["start_minority"]), int(r["out"]),
            _rate(int(r["out"]), int(r["households"])), int(r["back"]), _rate(int(r["back"]), int(r["households"])),
            int(r["new"]), _rate(int(r["new"]), int(r["households"])), int(r["end"]),
            _rate(int(r["end"]), int(r["households"])), int(r["end_minority"]),
            _rate(int(r["end_minority"]), int(r["households_minority"]))]


def _sum(frame: pl.DataFrame) -> dict:
    columns = ["households", "households_minority", "start", "start_minority", "out", "back", "new", "end",
               "end_minority"]
    return {c: int(frame[c].sum() or 0) for c in columns}


def _ministry_sheet(wb, name: str, label: str, frame: pl.DataFrame, year: int) -> None:
    base = {"font_name": FONT, "font_size": 12, "border": 1, "valign": "vcenter"}
    title = wb.add_format({"font_name": FONT, "font_size": 13, "bold": True, "align": "center"})
    head = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9D9D9"})
    text, bold_text = wb.add_format(base), wb.add_format({**base, "bold": True})
    count, bold_count = wb.add_format({**base, "num_format": "#,##0"}), wb.add_format({**base, "bold": True,
                                                                                        "num_format": "#,##0"})
    rate, bold_rate = wb.add_format({**base, "num_format": RATE_FORMAT}), wb.add_format({**base, "bold": True,
                                                                                          "num_format": RATE_FORMAT})
    ws = wb.add_worksheet(name)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 14, 11)
    ws.merge_range(0, 0, 0, 14, f"TỔNG HỢP KẾT QUẢ ĐIỀU TRA, RÀ SOÁT {label.upper()} NĂM {year}", title)
    ws.merge_range(1, 0, 1, 14, STANDARD_LABELS[standard_for(year)], title)
    r = 3
    ws.merge_range(r, 0, r + 2, 0, "TT", head)
    ws.merge_range(r, 1, r + 2, 1, "Xã/phường", head)
    ws.merge_range(r, 2, r + 2, 2, "Tổng số hộ dân cư", head)
    ws.merge_range(r, 3, r + 1, 4, f"Số {label} đầu năm (danh sách đang quản lý)", head)
    ws.write(r + 2, 3, "Số hộ", head)
    ws.write(r + 2, 4, "Trong đó hộ DTTS", head)
    ws.merge_range(r, 5, r, 10, f"Diễn biến {label} trong năm", head)
    for c, caption in ((5, f"Số {label.replace('hộ ', 'hộ thoát ')}"), (7, f"Số {label.replace('hộ ', 'hộ tái ')}"),
                       (9, f"Số {label} phát sinh")):
        ws.merge_range(r + 1, c, r + 1, c + 1, caption, head)
        ws.write(r + 2, c, "Số hộ", head)
        ws.write(r + 2, c + 1, "Tỷ lệ %", head)
    ws.merge_range(r, 11, r + 1, 14, f"Số {label} cuối năm", head)
    for c, caption in ((11, "Số hộ"), (12, "Tỷ lệ %"), (13, "Số hộ DTTS"), (14, "Tỷ lệ %")):
        ws.write(r + 2, c, caption, head)
    ws.freeze_panes(r + 3, 2)
    r += 3
    number = 0
    for roman, area, caption in (("I", "urban", "Khu vực thành thị"), ("II", "rural", "Khu vực nông thôn")):
        part = frame.filter(pl.col("area") == area)
        r = _write_line(ws, r, roman, caption, _sum(part), bold_text, bold_count, bold_rate)
        for row in part.iter_rows(named=True):
            number += 1
            r = _write_line(ws, r, str(number), row["commune_name"], row, text, count, rate)
    _write_line(ws, r, "", "Tổng cộng", _sum(frame), bold_text, bold_count, bold_rate)
    ws.write(r + 2, 1, "Tỷ lệ % tính trên tổng số hộ dân cư; tỷ lệ hộ DTTS tính trên số hộ DTTS (chủ hộ là người dân tộc "
                       "thiểu số). Số liệu từ các kỳ rà soát định kỳ đã ghi trong hệ thống.")


def _write_line(ws, r: int, number: str, name: str, values: dict, text, count, rate) -> int:
    ws.write_string(r, 0, number, text)
    ws.write_string(r, 1, name or "", text)
    for c, value in enumerate(_ministry_values(values), start=2):
        fmt = rate if c in (6, 8, 10, 12, 14) else count
        if value is None:
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_number(r, c, value, fmt)
    return r + 1


def ministry_write(tables: dict[str, pl.DataFrame], target: Path | IO[bytes], *, year: int) -> None:
    wb = open_workbook(target, constant_memory=False)
    try:
        _ministry_sheet(wb, "Hộ nghèo", "hộ nghèo", tables["poor"], year)
        _ministry_sheet(wb, "Hộ cận nghèo", "hộ cận nghèo", tables["near_poor"], year)
    finally:
        wb.close()


# ---------------------------------------------------------------- plan indicators, posted list

def plan_write(frame: pl.DataFrame, target: Path | IO[bytes], *, year: int) -> None:
    indicators = indicators_for(year)
    headers = ["Mã xã", "Xã/phường", "Tổng số hộ", "Hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Hộ cận nghèo",
               "Tỷ lệ hộ cận nghèo (%)", *[f"Thiếu hụt: {i.header}" for i in indicators]]
    rows = [[r["commune_code"], r["commune_name"], r["households"], r["poor"], r["poor_rate"], r["near_poor"],
             r["near_poor_rate"], *[r[i.column] for i in indicators]] for r in frame.iter_rows(named=True)]
    write_sheet(target, headers=headers, rows=rows, layout=TableLayout(
        title_lines=[f"CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO – KẾT QUẢ RÀ SOÁT NĂM {year}",
                     "Số hộ thiếu hụt từng chỉ số: trong các hộ nghèo và cận nghèo của kỳ rà soát"],
        sheet_name=f"Chỉ tiêu {year}", text_columns=[0], column_formats={4: RATE_FORMAT, 6: RATE_FORMAT},
        widths={1: 28}), constant_memory=False)


def posted_list_write(rows: Sequence[Sequence], target: IO[bytes], *, title: Sequence[str]) -> None:
    write_sheet(target, headers=["STT", "Mã hộ", "Họ và tên chủ hộ", "Thôn/xóm", "Thu nhập BQ đầu người/tháng",
                                 "Số chỉ số thiếu hụt", "Kết quả theo chuẩn nghèo", "Kết quả rà soát", "Ghi chú"],
                rows=rows, layout=TableLayout(title_lines=list(title), sheet_name="Niêm yết", text_columns=[1],
                                              money_columns=[4], widths={2: 26, 8: 40}), constant_memory=False)
