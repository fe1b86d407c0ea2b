"""Vietnamese dates as commune files write them, with their precision.

``parse_vn_date(value, *, today=None) -> ParsedDate(date, precision)``

Accepted (``precision`` in brackets):

- a ``date`` / ``datetime`` (what calamine returns for a date-formatted cell) [day];
- ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ISO ``yyyy-mm-dd``,
  an optional time after it (``01/02/1950 00:00:00``) [day];
- ``ngày 5 tháng 3 năm 1950`` [day], ``tháng 3 năm 1950`` / ``mm/yyyy`` / ``m-yyyy`` [month];
- a bare year ``1945``, ``năm 1945`` or the float ``1945.0`` Excel gives back [year];
- an Excel serial number (``16803`` or ``16803.0``, 1900 date system, as found when a
  date column was formatted "General" or pasted as text) [day]. A number between
  1900 and the current year is read as a *year*, never as a serial: serials in that
  range are dates in 1905 and are not plausible in our files.

A month-precision date is stored as the 1st of the month, a year as 1 January.
Rejected with ``DateError`` (Vietnamese message, ``str(err)`` is for the user):
impossible dates ("Ngày 31/02/1950 không tồn tại"), dates in the future, years before
1900, two-digit years (ambiguous: "01/02/50" is 1950 or 2050) and anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from ansinh.core.text import fold

Precision = Literal["day", "month", "year"]
MIN_YEAR = 1900
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 29/02/1900 is skipped

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_NUMBER = re.compile(r"^\d+(?:[.,]0+)?$|^\d+[.,]\d+$")
# on folded text ("ngày 05 tháng 3 năm 1950" -> "ngay 05 thang 3 nam 1950")
_WORDS_DAY = re.compile(r"^(?:ngay )?(\d{1,2}) thang (\d{1,2}) nam (\d{4})$")
_WORDS_MONTH = re.compile(r"^thang (\d{1,2}) nam (\d{4})$")
_WORDS_YEAR = re.compile(r"^nam (\d{4})$")


class DateError(ValueError):
    """A date that cannot be accepted; ``str(err)`` is a Vietnamese message."""


@dataclass(frozen=True, slots=True)
class ParsedDate:
    date: dt.date
    precision: Precision

    def display(self) -> str:
        """As a Vietnamese form shows it: 01/02/1950, 02/1950 or 1950."""
        if self.precision == "day":
            return self.date.strftime("%d/%m/%Y")
        if self.precision == "month":
            return self.date.strftime("%m/%Y")
        return str(self.date.year)


def excel_serial_to_date(serial: float) -> dt.date:
    """Excel (1900 system) serial -> date; the fraction (time of day) is dropped."""
    whole = int(serial)
    if whole < 1:
        raise DateError(f"Số {serial:g} không phải là ngày hợp lệ.")
    if whole < 60:  # before Excel's phantom 29/02/1900
        return EXCEL_EPOCH + dt.timedelta(days=whole + 1)
    if whole == 60:
        raise DateError("Ngày 29/02/1900 không tồn tại.")
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def parse_vn_date(value: object, *, today: dt.date | None = None) -> ParsedDate:
    """Parse one cell into a ParsedDate, or raise DateError (see the module doc)."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        return _checked(ParsedDate(value.date(), "day"), today)
    if isinstance(value, dt.date):
        return _checked(ParsedDate(value, "day"), today)
    if isinstance(value, bool) or value is None:
        raise DateError("Thiếu ngày tháng.")
    if isinstance(value, int | float):
        return _from_number(float(value), str(value), today)
    text = str(value).strip()
    if not text:
        raise DateError("Thiếu ngày tháng.")
    return _checked(_from_text(text, today), today)


def _from_text(text: str, today: dt.date) -> ParsedDate:
    if m := _DAY_MONTH_YEAR.match(text):
        day, month, year = m.groups()
        if len(year) != 4:
            raise DateError(f"Năm trong «{text}» phải ghi đủ 4 chữ số (ví dụ 01/02/1950).")
        return _make(int(year), int(month), int(day), text)
    if m := _ISO.match(text):
        year, month, day = m.groups()
        return _make(int(year), int(month), int(day), text)
    if m := _MONTH_YEAR.match(text):
        month, year = m.groups()
        return _make(int(year), int(month), None, text)
    if _NUMBER.match(text):
        return _from_number(float(text.replace(",", ".")), text, today)
    folded = fold(text)
    if m := _WORDS_DAY.match(folded):
        day, month, year = m.groups()
        return _make(int(year), int(month), int(day), text)
    if m := _WORDS_MONTH.match(folded):
        month, year = m.groups()
        return _make(int(year), int(month), None, text)
    if m := _WORDS_YEAR.match(folded):
        return _make(int(m.group(1)), None, None, text)
    raise DateError(f"«{text}» không phải là ngày tháng (ghi theo dạng ngày/tháng/năm, ví dụ 01/02/1950).")


def _from_number(number: float, text: str, today: dt.date) -> ParsedDate:
    if number.is_integer() and 1000 <= number <= 9999 and number <= today.year:
        return _checked(_make(int(number), None, None, text), today)
    if number.is_integer() and 1000 <= number <= 9999:
        # a four-digit year in the future (the serial 9999 would be 1927, not plausible either)
        return _checked(ParsedDate(dt.date(int(number), 1, 1), "year"), today)
    if number < 1000:
        raise DateError(f"«{text}» không phải là ngày tháng hợp lệ.")
    try:
        day = excel_serial_to_date(number)
    except OverflowError as exc:
        raise DateError(f"«{text}» không phải là ngày tháng hợp lệ.") from exc
    return _checked(ParsedDate(day, "day"), today)


def _make(year: int, month: int | None, day: int | None, text: str) -> ParsedDate:
    if year < MIN_YEAR:
        raise DateError(f"Năm {year} không hợp lệ (phải từ {MIN_YEAR} trở đi).")
    if month is not None and not 1 <= month <= 12:
        shown = f"{day:02d}/{month:02d}/{year}" if day is not None else f"{month:02d}/{year}"
        raise DateError(f"Ngày {shown} không tồn tại." if day is not None else f"Tháng {shown} không tồn tại.")
    if day is None:
        return ParsedDate(dt.date(year, month or 1, 1), "month" if month else "year")
    try:
        return ParsedDate(dt.date(year, month, day), "day")
    except ValueError:
        raise DateError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from None


def _checked(parsed: ParsedDate, today: dt.date) -> ParsedDate:
    if parsed.date.year < MIN_YEAR:
        raise DateError(f"Năm {parsed.date.year} không hợp lệ (phải từ {MIN_YEAR} trở đi).")
    future = {
        "day": parsed.date > today,
        "month": (parsed.date.year, parsed.date.month) > (today.year, today.month),
        "year": parsed.date.year > today.year,
    }[parsed.precision]
    if future:
        label = {"day": "Ngày", "month": "Tháng", "year": "Năm"}[parsed.precision]
        raise DateError(f"{label} {parsed.display()} nằm trong tương lai (hôm nay là {today:%d/%m/%Y}).")
    return parsed
