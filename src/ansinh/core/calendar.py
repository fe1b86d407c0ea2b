"""Working days: Monday to Friday, without the public holidays an administrator entered (``PublicHoliday``).
Used by every working-day deadline (the poverty review's posting, the petitions' legal deadlines)."""

from __future__ import annotations

import datetime as dt


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    from ansinh.core.models import PublicHoliday

    return frozenset(PublicHoliday.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))


def is_working_day(day: dt.date, holidays: frozenset[dt.date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days_count(start: dt.date, end: dt.date, holidays: frozenset[dt.date] = frozenset()) -> int:
    """Working days from ``start`` to ``end`` inclusive (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5 + sum((start + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5 for offset in range(rest))
    return count - sum(1 for day in holidays if start <= day <= end and day.weekday() < 5)


def working_days_add(start: dt.date, days: int, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """The day ``days`` working days after ``start`` (``holidays``: read from the calendar when not given)."""
    if holidays is None:  # enough room for the longest holidays (Tết) within any legal deadline
        holidays = holidays_between(start, start + dt.timedelta(days=days * 2 + 30))
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def deadline_add(start: dt.date, days: int, *, working: bool) -> dt.date:
    """A legal deadline: ``start`` + ``days`` calendar days, or working days (``working_days_add``)."""
    return working_days_add(start, days) if working else start + dt.timedelta(days=days)


def deadline_state(due: dt.date | None, *, warning_days: int, today: dt.date | None = None) -> str:
    """'overdue', 'soon' (within ``warning_days``) or '' (none, or not yet close)."""
    if due is None:
        return ""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    if due < today:
        return "overdue"
    return "soon" if (due - today).days <= warning_days else ""
