"""Working days skip the weekends and the public holidays an administrator entered; the poverty review's posting
and the petitions' working-day deadlines count with them."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.casework.services.petitions import add_days
from ansinh.core.calendar import working_days_add, working_days_count
from ansinh.core.models import PublicHoliday
from ansinh.poverty import checks

D = dt.date
REUNIFICATION, LABOUR = D(2026, 4, 30), D(2026, 5, 1)  # Thursday, Friday


def test_a_week_with_two_holidays_has_three_working_days():
    holidays = frozenset({REUNIFICATION, LABOUR, D(2026, 5, 2)})  # the Saturday does not count twice
    assert working_days_count(D(2026, 4, 27), D(2026, 5, 3)) == 5
    assert working_days_count(D(2026, 4, 27), D(2026, 5, 3), holidays) == 3
    assert working_days_count(D(2026, 5, 3), D(2026, 4, 27), holidays) == 0


@pytest.mark.django_db
def test_a_working_day_deadline_steps_over_the_holidays_of_the_calendar():
    assert working_days_add(D(2026, 4, 28), 3) == D(2026, 5, 1)  # nothing entered yet: Wed, Thu, Fri
    PublicHoliday.objects.create(day=REUNIFICATION, name="Ngày Chiến thắng", reference="BLLĐ 2019, Điều 112")
    PublicHoliday.objects.create(day=LABOUR, name="Ngày Quốc tế lao động", reference="BLLĐ 2019, Điều 112")
    assert working_days_add(D(2026, 4, 28), 3) == D(2026, 5, 5)  # Wed 29/4, Mon 4/5, Tue 5/5
    assert add_days(D(2026, 4, 28), 3, working=True) == D(2026, 5, 5)
    assert add_days(D(2026, 4, 28), 3, working=False) == D(2026, 5, 1)  # calendar days: holidays count


def test_a_posting_over_a_holiday_says_which_days_were_not_counted():
    start, end = D(2026, 4, 27), D(2026, 5, 5)  # 7 working days, 5 without the two holidays
    assert checks.posting_problems(start, end, required_working_days=7) == []
    [problem] = checks.posting_problems(start, end, required_working_days=7,
                                        holidays=frozenset({REUNIFICATION, LABOUR}))
    assert "chỉ có 5 ngày làm việc (không tính ngày nghỉ lễ 30/04, 01/05)" in problem
