"""What a commune officer sees when a date cell is read: the date, its precision, or the reason."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.core.dates import DateError, ParsedDate, excel_serial_to_date, parse_vn_date

TODAY = dt.date(2025, 6, 15)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/02/1950", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("1/2/1950", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("01-02-1950", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("01.02.1950", ParsedDate(dt.date(1950, 2, 1), "day")),
        (" 01 / 02 / 1950 ", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("1950-02-01", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("01/02/1950 00:00:00", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("ngày 1 tháng 2 năm 1950", ParsedDate(dt.date(1950, 2, 1), "day")),
        ("02/1950", ParsedDate(dt.date(1950, 2, 1), "month")),
        ("Tháng 2 năm 1950", ParsedDate(dt.date(1950, 2, 1), "month")),
        ("1945", ParsedDate(dt.date(1945, 1, 1), "year")),
        ("năm 1945", ParsedDate(dt.date(1945, 1, 1), "year")),
        ("1945.0", ParsedDate(dt.date(1945, 1, 1), "year")),
        (1945.0, ParsedDate(dt.date(1945, 1, 1), "year")),
        (1945, ParsedDate(dt.date(1945, 1, 1), "year")),
        (dt.date(1950, 2, 1), ParsedDate(dt.date(1950, 2, 1), "day")),
        (dt.datetime(1950, 2, 1, 0, 0), ParsedDate(dt.date(1950, 2, 1), "day")),  # noqa: DTZ001 — a naive cell value, as calamine reads it
        # Excel serial numbers, as a number or as text pasted into a text column
        (18295.0, ParsedDate(dt.date(1950, 2, 1), "day")),
        ("18295", ParsedDate(dt.date(1950, 2, 1), "day")),
    ],
)
def test_accepted_forms(value, expected):
    assert parse_vn_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/1950", "Ngày 31/02/1950 không tồn tại."),
        ("29/02/1951", "Ngày 29/02/1951 không tồn tại."),
        ("15/13/1950", "Ngày 15/13/1950 không tồn tại."),
        ("13/1950", "Tháng 13/1950 không tồn tại."),
        ("01/01/1899", "Năm 1899 không hợp lệ (phải từ 1900 trở đi)."),
        ("1850", "Năm 1850 không hợp lệ (phải từ 1900 trở đi)."),
        ("16/06/2025", "Ngày 16/06/2025 nằm trong tương lai (hôm nay là 15/06/2025)."),
        ("07/2025", "Tháng 07/2025 nằm trong tương lai (hôm nay là 15/06/2025)."),
        ("2026", "Năm 2026 nằm trong tương lai (hôm nay là 15/06/2025)."),
        ("01/02/50", "Năm trong «01/02/50» phải ghi đủ 4 chữ số (ví dụ 01/02/1950)."),
        ("không rõ", "«không rõ» không phải là ngày tháng (ghi theo dạng ngày/tháng/năm, ví dụ 01/02/1950)."),
        ("", "Thiếu ngày tháng."),
    ],
)
def test_rejected_with_vietnamese_reason(value, message):
    with pytest.raises(DateError) as err:
        parse_vn_date(value, today=TODAY)
    assert str(err.value) == message


def test_this_month_and_this_year_are_not_future():
    assert parse_vn_date("06/2025", today=TODAY).precision == "month"
    assert parse_vn_date("2025", today=TODAY).precision == "year"
    assert parse_vn_date("15/06/2025", today=TODAY).date == TODAY


def test_excel_serial_matches_excel_calendar():
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_to_date(45658) == dt.date(2025, 1, 1)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_any_valid_date_round_trips_dd_mm_yyyy(day):
    text = day.strftime("%d/%m/%Y")
    parsed = parse_vn_date(text, today=TODAY)
    assert parsed == ParsedDate(day, "day")
    assert parsed.display() == text


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_any_valid_date_without_leading_zeros_parses(day):
    assert parse_vn_date(f"{day.day}/{day.month}/{day.year}", today=TODAY).date == day


@given(st.integers(min_value=1900, max_value=TODAY.year), st.booleans())
def test_any_year_parses_to_year_precision(year, as_float):
    parsed = parse_vn_date(float(year) if as_float else str(year), today=TODAY)
    assert parsed == ParsedDate(dt.date(year, 1, 1), "year")


@given(st.integers(min_value=1900, max_value=2100), st.integers(1, 12), st.integers(29, 31))
def test_end_of_month_is_accepted_or_named_as_nonexistent(year, month, day):
    text = f"{day:02d}/{month:02d}/{year}"
    try:
        parsed = parse_vn_date(text, today=dt.date(2100, 12, 31))
    except DateError as err:
        assert str(err) == f"Ngày {text} không tồn tại."
    else:
        assert (parsed.date.day, parsed.date.month, parsed.date.year) == (day, month, year)
