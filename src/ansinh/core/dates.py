"""Vietnamese dates as commune files write them, with their precision.

``parse_vn_date(value, *, today=None) -> ParsedDate(date, precision)``; without ``today``, ``current_date()``: the local
date of the project's time zone inside Django (``core.apps`` installs ``timezone.localdate``), the machine's date
for a script that uses this module alone.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ansinh.core.errors import UserError
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


class DateError(UserError, ValueError):
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


def _machine_today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 — used only outside Django (a script): the machine's date is meant


_today_provider: Callable[[], dt.date] = _machine_today


def use_today(provider: Callable[[], dt.date]) -> None:
    """Where ``current_date()`` comes from (``core.apps``: ``django.utils.timezone.localdate``)."""
    global _today_provider
    _today_provider = provider


def current_date() -> dt.date:
    """Today, for the checks of callers that pass no ``today=`` (see the module doc)."""
    return _today_provider()


def parse_vn_date(value: object, *, today: dt.date | None = None) -> ParsedDate:
    """Parse one cell into a ParsedDate, or raise DateError (see the module doc)."""
    today = today or _today_provider()
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


def _day_month_year(groups: tuple[str, ...], text: str) -> ParsedDate:
    day, month, year = groups
    if len(year) != 4:
        raise DateError(f"Năm trong «{text}» phải ghi đủ 4 chữ số (ví dụ 01/02/1950).")
    return _make(int(year), int(month), int(day), text)


# The written forms, tried in this order: (pattern, matched on the folded text?, reader(groups, text, today)).
_TEXT_FORMS: list[tuple[re.Pattern, bool, Callable[[tuple[str, ...], str, dt.date], ParsedDate]]] = [
    (_DAY_MONTH_YEAR, False, lambda g, text, today: _day_month_year(g, text)),
    (_ISO, False, lambda g, text, today: _make(int(g[0]), int(g[1]), int(g[2]), text)),
    (_MONTH_YEAR, False, lambda g, text, today: _make(int(g[1]), int(g[0]), None, text)),
    (_NUMBER, False, lambda g, text, today: _from_number(float(text.replace(",", ".")), text, today)),
    (_WORDS_DAY, True, lambda g, text, today: _make(int(g[2]), int(g[1]), int(g[0]), text)),
    (_WORDS_MONTH, True, lambda g, text, today: _make(int(g[1]), int(g[0]), None, text)),
    (_WORDS_YEAR, True, lambda g, text, today: _make(int(g[0]), None, None, text)),
]


def _from_text(text: str, today: dt.date) -> ParsedDate:
    folded = None
    for pattern, on_folded, read in _TEXT_FORMS:
        if on_folded and folded is None:
            folded = fold(text)
        if m := pattern.match(folded if on_folded else text):
            return read(m.groups(), text, today)
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


def parse_vn_day(value: object) -> dt.date:
    """A whole day as a form takes it — «14/06/2020» (also «14-6-2020», ISO «2020-06-14» from a date picker, «ngày 14
    tháng 6 năm 2020») — past or future (a deadline, a day a rule starts). A month, a year or a bare number (an
    Excel serial makes no sense in a form) is refused with DateError."""
    text = str(value if value is not None else "").strip()
    if text.replace(".", "").replace(",", "").isdigit():
        raise DateError(f"«{text[:20]}» không phải là ngày: ghi ngày/tháng/năm, ví dụ 14/06/2020.")
    parsed = parse_vn_date(value, today=dt.date.max)
    if parsed.precision != "day":
        raise DateError(f"Ghi đủ ngày, tháng, năm (ví dụ 14/06/2020), không chỉ «{parsed.display()}».")
    return parsed.date
