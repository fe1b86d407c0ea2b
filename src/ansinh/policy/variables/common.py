"""Helpers shared by the formulas: reading a parameter that may be legally unconfirmed, dates, ages.

This file defines no OpenFisca variable; it is imported by the variable files.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.errors import ParameterNotFoundError

from ansinh.core.errors import UserError
from ansinh.core.formatting import vn_number


class UnsetParameterError(UserError, ValueError):
    """A formula needs a parameter that has no value at that date.

    Raised for values marked UNCONFIRMED in POLICY.md (the YAML declares them with ``value: null``
    so that an administrator fills them in) and for dates before the first known value. Never
    replaced by a zero.
    """

    def __init__(self, parameter: str, instant: str, reason: str = "") -> None:
        self.parameter = parameter
        self.instant = instant
        message = (
            f"Tham số «{parameter}» chưa có giá trị áp dụng tại ngày {instant}"
            " (giá trị chưa được xác minh căn cứ pháp lý hoặc văn bản chưa có hiệu lực)."
            " Quản trị viên cần nhập giá trị kèm căn cứ pháp lý trước khi tính."
        )
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)


def parameter_value(parameters, period, path: str, *, reason: str = ""):
    """Value of the leaf parameter ``path`` (dotted) in force at the start of ``period``.

    Raises :class:`UnsetParameterError` naming ``path`` when the value is null or absent at that date.
    """
    instant = period.start if hasattr(period, "start") else period
    node = parameters(instant)
    try:
        for key in path.split("."):
            node = getattr(node, key)
    except ParameterNotFoundError:
        raise UnsetParameterError(path, str(instant), reason) from None
    if node is None:
        raise UnsetParameterError(path, str(instant), reason)
    return node


class InvalidInputError(UserError, ValueError):
    """An input value the rules cannot use (an injury rate outside the annex, a martyr count of 0, ...).

    Raised — never replaced by a number — when at least one person of the population has such a value;
    the message (Vietnamese) names the variable, the accepted values and up to five person ids.
    """

    def __init__(self, variable: str, reason: str, ids, count: int | None = None) -> None:
        self.variable = variable
        self.ids = [str(i) for i in ids]
        self.count = len(self.ids) if count is None else int(count)
        shown = ", ".join(self.ids[:5]) + ("…" if self.count > 5 else "")
        message = (
            f"Giá trị của biến «{variable}» không hợp lệ: {reason} — {vn_number(self.count)} người (mã: {shown})."
            " Sửa dữ liệu đầu vào trước khi tính; hệ thống không tự thay bằng 0."
        )
        super().__init__(message)


def refuse_where(mask, population, variable: str, reason: str) -> None:
    """Raise :class:`InvalidInputError` if any element of ``mask`` is true (vectorised check, no loop)."""
    if not np.any(mask):
        return
    ids = getattr(population, "ids", None)
    if ids is not None and len(ids) == len(mask):
        chosen = np.asarray(ids)[np.asarray(mask)]
    else:
        chosen = np.flatnonzero(mask)
    raise InvalidInputError(variable, reason, chosen[:5], count=int(np.count_nonzero(mask)))


def died_in(death_dates: np.ndarray, period) -> np.ndarray:
    """Whether each death date falls inside ``period`` (first to last day, inclusive)."""
    first = np.datetime64(period.start.date, "D")
    last = np.datetime64(period.stop.date, "D")
    dates = death_dates.astype("datetime64[D]")
    return (dates >= first) & (dates <= last)


def died_before(death_dates: np.ndarray, period) -> np.ndarray:
    """Whether each death date is before the first day of ``period``."""
    return death_dates.astype("datetime64[D]") < np.datetime64(period.start.date, "D")


def required_where(mask, parameters, period, path: str):
    """Value of ``path`` if any element of ``mask`` needs it, else ``None`` (the parameter is not read).

    Reading only what is needed keeps explanations short and lets a population without the
    affected category be computed while the parameter is still empty.
    """
    if not np.any(mask):
        return None
    return parameter_value(parameters, period, path)


def to_datetime64(value: str) -> np.datetime64:
    """A date parameter (stored as ``YYYY-MM-DD`` text) as a numpy day."""
    return np.datetime64(str(value), "D")


def year_month_day(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised split of ``datetime64[D]`` dates into (year, month 1-12, day 1-31).

    Integer arithmetic (H. Hinnant's ``civil_from_days``): several times faster than numpy's
    datetime64 unit conversions on millions of dates.
    """
    z = dates.astype("datetime64[D]").view(np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def age_on(birth_dates: np.ndarray, on: np.datetime64) -> np.ndarray:
    """Age in completed years on the day ``on`` (a birthday on 29/2 is reached on 1/3 in other years)."""
    b_year, b_month, b_day = year_month_day(birth_dates)
    o_year, o_month, o_day = (int(x[0]) for x in year_month_day(np.array([on], dtype="datetime64[D]")))
    not_yet = (b_month > o_month) | ((b_month == o_month) & (b_day > o_day))
    return (o_year - b_year - not_yet).astype(np.int32)
