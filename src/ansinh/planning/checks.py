"""Pure rules of the plan (no database): reporting periods per NĐ 09/2019/NĐ-CP, the percentage of plan written the
Vietnamese way, and the status of a task per QĐ 42/2014/QĐ-TTg."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number

HUNDREDTH = Decimal("0.01")


def percent(numerator, denominator, *, rounding: str = "half_up") -> Decimal | None:
    """numerator / denominator × 100 to two decimals; ``rounding`` «half_up» or «down» (cut after two decimals, as
    the office's spreadsheet does for 120/195 = 61,53%). None when the denominator is empty."""
    if numerator is None or not denominator:
        return None
    ratio = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    return ratio.quantize(HUNDREDTH, rounding=ROUND_DOWN if rounding == "down" else ROUND_HALF_UP)


def percent_text(numerator, denominator, *, rounding: str = "half_up") -> str:
    """'41,65%' (``core.formatting``); '—' without a denominator."""
    value = percent(numerator, denominator, rounding=rounding)
    return "—" if value is None else f"{vn_number(value, 2)}%"


@dataclass(frozen=True)
class PeriodWindow:
    code: str
    kind: str
    year: int
    start: dt.date
    end: dt.date
    label: str


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def period_window(code: str) -> PeriodWindow:
    """The data window of a period per NĐ 09/2019/NĐ-CP Điều 12: month «2020-06»: 15/5–14/6; quarter «2020-Q2»:
    15/3–14/6; «2020-H1»: 15/12/2019–14/6/2020; «2020-9M»: 15/12/2019–14/9/2020; year «2020»: 15/12/2019–14/12/2020."""
    text = str(code or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m[1])
        return PeriodWindow(text, "year", y, _day(y - 1, 12, 15), _day(y, 12, 14), f"năm {y}")
    if m := re.fullmatch(r"(\d{4})-H([12])", text):
        y, h = int(m[1]), int(m[2])
        if h == 1:
            return PeriodWindow(text, "half", y, _day(y - 1, 12, 15), _day(y, 6, 14), f"6 tháng đầu năm {y}")
        return PeriodWindow(text, "half", y, _day(y, 6, 15), _day(y, 12, 14), f"6 tháng cuối năm {y}")
    if m := re.fullmatch(r"(\d{4})-9M", text):
        y = int(m[1])
        return PeriodWindow(text, "nine", y, _day(y - 1, 12, 15), _day(y, 9, 14), f"9 tháng năm {y}")
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        start = _day(y - 1, 12, 15) if q == 1 else _day(y, last - 3, 15)
        return PeriodWindow(text, "quarter", y, start, _day(y, last, 14), f"quý {q} năm {y}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            start = _day(y - 1, 12, 15) if mo == 1 else _day(y, mo - 1, 15)
            return PeriodWindow(text, "month", y, start, _day(y, mo, 14), f"tháng {mo}/{y}")
    raise DomainError(f"Kỳ báo cáo «{str(code)[:20]}» không hợp lệ: ghi 2020, 2020-H1, 2020-9M, 2020-Q2 hoặc 2020-06.",
                      field="period")


def months_in(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The payroll months (first days) inside a data window: from the first 1st on or after ``start`` to the month of
    ``end`` (15/12/2019–14/6/2020 → January–June 2020). None when no month starts inside."""
    first = start if start.day == 1 else (dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1))
    last = end.replace(day=1)
    return (first, last) if first <= last else None


def task_status(*, completed_on: dt.date | None, deadline: dt.date, on: dt.date) -> str:
    if completed_on is not None and completed_on <= on:
        return "done_on_time" if completed_on <= deadline else "done_late"
    return "open_in_time" if on <= deadline else "open_overdue"


def document_symbol(number: int, doc_type: str, issuer: str) -> str:
    """NĐ 30/2020: numbers below 10 get a leading 0; «/» between number and symbol, «-» inside it."""
    return f"{number:02d}/{doc_type}-{issuer}"


def place_and_date(place: str, day: dt.date) -> str:
    """«Hà Tĩnh, ngày 14 tháng 7 năm 2020»; days below 10 and months 1–2 with a leading 0."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
