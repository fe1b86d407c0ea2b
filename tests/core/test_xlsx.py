"""Exports as the user opens them: re-read with calamine/openpyxl, and LibreOffice when present."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ansinh.core.dates import ParsedDate
from ansinh.core.xlsx import add_notes_sheet, add_table_sheet, open_workbook, write_sheet

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Số tiền (đồng)"]
ROWS = [
    [1, "Nguyễn Văn An", dt.date(1950, 2, 1), "001085000123", 1_500_000],
    [2, "Lê Thị Bé", ParsedDate(dt.date(1962, 3, 1), "month"), "042185000124", 750_000],
    [3, "Trần Văn Cư", ParsedDate(dt.date(1945, 1, 1), "year"), None, 0],
    [4, "=SUM(A1)", ParsedDate(dt.date(1970, 5, 9), "day"), "http://x.vn", 197_100_000_000],
]


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "chi_tra.xlsx"
    write_sheet(path, title_lines=["UBND XÃ KỲ ANH", "DANH SÁCH CHI TRẢ THÁNG 6/2025"], headers=HEADERS,
                rows=ROWS, date_columns=[2], text_columns=[3], money_columns=[4])
    return path


def test_values_read_back_as_written(export):
    rows = CalamineWorkbook.from_path(str(export)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "UBND XÃ KỲ ANH"
    assert rows[1][0] == "DANH SÁCH CHI TRẢ THÁNG 6/2025"
    assert rows[3] == HEADERS
    assert rows[4] == [1.0, "Nguyễn Văn An", dt.date(1950, 2, 1), "001085000123", 1_500_000.0]
    assert rows[5][2:4] == ["03/1962", "042185000124"]  # month precision stays text, zero kept
    assert rows[6][2:4] == ["1945", ""]
    # text is never turned into a formula or a link
    assert rows[7][1:5] == ["=SUM(A1)", dt.date(1970, 5, 9), "http://x.vn", 197_100_000_000.0]


def test_official_layout(export):
    sheet = openpyxl.load_workbook(export).active
    assert sheet.title == "Danh sách"
    assert "A1:E1" in [str(r) for r in sheet.merged_cells.ranges]
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    assert sheet["B4"].font.b and sheet["B4"].border.bottom.style == "thin"
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:E8"
    assert sheet["C5"].number_format == "dd/mm/yyyy"
    assert sheet["E5"].number_format == "#,##0"
    assert sheet["D5"].number_format == "@"
    assert sheet.column_dimensions["B"].width >= len("Nguyễn Văn An")


def test_several_sheets_into_a_buffer():
    buffer = io.BytesIO()
    wb = open_workbook(buffer)
    assert add_table_sheet(wb, headers=["A", "B"], rows=[[1, "x"], [2, None]], sheet_name="Một") == 2
    add_notes_sheet(wb, sheet_name="Ghi chú", lines=[("Nguồn", "Cổng dịch vụ công")])
    wb.close()
    book = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    assert book.sheet_names == ["Một", "Ghi chú"]
    assert book.get_sheet_by_name("Ghi chú").to_python() == [["Nguồn", "Cổng dịch vụ công"]]


def test_highlighted_rows_follow_the_marker_column(tmp_path):
    path = write_sheet(tmp_path / "h.xlsx", headers=["Tên", "Lỗi"], rows=[["A", ""], ["B", "sai"]], highlight_column=1)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A3"].fill.fgColor.rgb.endswith("FFE0E0")
    assert not sheet["A2"].fill.fgColor.rgb.endswith("FFE0E0")


@pytest.mark.slow
def test_streaming_export_of_many_rows_reads_back(tmp_path):
    n = 20_000
    path = write_sheet(tmp_path / "lon.xlsx", headers=HEADERS,
                       rows=([i, f"Người {i}", dt.date(1950, 1, 1), f"{i:012d}", i * 1000] for i in range(n)),
                       date_columns=[2], text_columns=[3], money_columns=[4])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert len(rows) == n + 1
    assert rows[-1] == [n - 1.0, f"Người {n - 1}", dt.date(1950, 1, 1), f"{n - 1:012d}", (n - 1) * 1000.0]


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_export(export, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    # 44,34,76: comma-separated, double-quoted, UTF-8; a private profile so parallel runs don't collide.
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(tmp_path), str(export)],
                   check=True, capture_output=True, timeout=120)
    with open(tmp_path / "chi_tra.csv", encoding="utf-8", errors="replace") as fh:
        rows = list(csv.reader(fh))
    assert rows[3] == HEADERS
    assert rows[4][1] == "Nguyễn Văn An" and rows[4][3] == "001085000123"
