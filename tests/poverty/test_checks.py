"""Pure rules of the review: transitions, working days, the dates of a posting, a meeting and a decision."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ansinh.poverty import checks
from ansinh.poverty.standards import period_for, standard_for


def test_transitions_cover_every_case():
    rows = pl.DataFrame({"round_id": [1] * 9, "household_id": list(range(1, 10)),
                         "final_status": ["poor", "near_poor", "not_poor", "not_poor", "poor", "poor", "near_poor",
                                          "near_poor", ""],
                         "exit_reason": [""] * 8 + ["dissolved"], "surveyed": [True] * 8 + [False]},
                        schema=checks.ROWS_SCHEMA)
    previous = pl.DataFrame({"round_id": [1] * 6, "household_id": [1, 2, 3, 4, 9, 10],
                             "previous": ["poor", "poor", "poor", "near_poor", "poor", "near_poor"],
                             "moved_hint": [False] * 5 + [True], "dissolved_hint": [False] * 6},
                            schema=checks.PREVIOUS_SCHEMA)
    ever = pl.DataFrame({"round_id": [1, 1], "household_id": [6, 8], "ever_poor": [True, False],
                         "ever_near": [False, True]}, schema=checks.EVER_SCHEMA)
    out = dict(checks.transitions_compute(rows, previous, ever).select("household_id", "category").iter_rows())
    assert out == {1: "stays_poor", 2: "poor_to_near", 3: "out_poor", 4: "out_near", 5: "new_poor", 6: "back_poor",
                   7: "new_near", 8: "back_near", 9: "dissolved", 10: "moved"}


def test_working_days_and_posting():
    assert checks.working_days(dt.date(2021, 10, 4), dt.date(2021, 10, 8)) == 5  # Monday to Friday
    assert checks.working_days(dt.date(2021, 10, 8), dt.date(2021, 10, 11)) == 2  # Friday, Monday
    assert checks.posting_problems(dt.date(2021, 10, 4), dt.date(2021, 10, 5), required_working_days=None) == []
    assert "ít nhất 3 ngày làm việc" in checks.posting_problems(dt.date(2021, 10, 8), dt.date(2021, 10, 11),
                                                                 required_working_days=3)[0]


@given(st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 1, 1)), st.integers(0, 60))
def test_working_days_never_exceed_calendar_days(start, length):
    end = start + dt.timedelta(days=length)
    assert 0 <= checks.working_days(start, end) <= length + 1


def test_decision_dates():
    ok = checks.decision_problems(decision_date=dt.date(2021, 12, 20), effective_date=dt.date(2022, 1, 1),
                                  posting_end=dt.date(2021, 10, 8), reference_date=dt.date(2021, 9, 1),
                                  today=dt.date(2022, 3, 1))
    assert ok == []
    early = checks.decision_problems(decision_date=dt.date(2021, 10, 8), effective_date=dt.date(2022, 1, 1),
                                     posting_end=dt.date(2021, 10, 8), reference_date=dt.date(2021, 9, 1),
                                     today=dt.date(2022, 3, 1))
    assert "ký trước khi kết thúc niêm yết" in early[0]
    assert checks.meeting_problems(attendees=40, agreeing=19, required_percent=50)
    assert not checks.meeting_problems(attendees=40, agreeing=20, required_percent=50)


def test_the_standard_of_a_review_year():
    assert [standard_for(y) for y in (2015, 2020, 2021, 2025, 2026)] == [
        "qd59_2015", "qd59_2015", "nd07_2021", "nd07_2021", "nd351_2025"]
    assert period_for(2020) == "2021-01" and period_for(2021) == "2022-01"
