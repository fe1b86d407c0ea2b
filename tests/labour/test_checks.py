"""The pure rules: tax code check digit, ages, diploma numbers, the campaign window, the support ceilings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.labour import checks
from ansinh.labour.indicators import IndicatorError, Period


@pytest.mark.parametrize("code", ["0100233488", "01.00.233.488", "0314409058-002", "0100112437"])
def test_real_tax_codes_pass(code):
    assert checks.tax_code_problem(code) is None


def test_wrong_check_digit_is_explained():
    problem = checks.tax_code_problem("0100233480")
    assert "sai chữ số kiểm tra" in problem and "phải là 8" in problem


@pytest.mark.parametrize(("code", "words"), [("", "không được để trống"), ("12345", "có 5 chữ số"),
                                             ("01002334AB", "chỉ gồm chữ số"), ("0100000000", "phần số thứ tự"),
                                             ("0314409058000", "phần số thứ tự")])
def test_malformed_tax_codes(code, words):
    assert words in checks.tax_code_problem(code)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_check_digit_property(first_nine):
    digit = checks.tax_check_digit(first_nine)
    if digit is None or first_nine[2:] == "0000000":
        return
    assert checks.tax_code_problem(first_nine + digit) is None
    for other in set("0123456789") - {digit}:
        assert "sai chữ số kiểm tra" in checks.tax_code_problem(first_nine + other)


def test_ages_on_the_reference_day():
    assert checks.age_on(dt.date(2005, 7, 1), dt.date(2020, 7, 1)) == 15
    assert checks.age_on(dt.date(2005, 7, 2), dt.date(2020, 7, 1)) == 14
    assert checks.latest_birth_for(2020) == dt.date(2005, 7, 1)
    message = checks.under_age_problem(dt.date(2006, 9, 1), dt.date(2020, 7, 1), what="sổ cung lao động")
    assert "13 tuổi" in message and "từ 15 tuổi trở lên" in message
    assert checks.under_age_problem(dt.date(2000, 1, 1), dt.date(2020, 7, 1), what="x") is None


def test_diploma_numbers():
    assert checks.diploma_number_clean(" a 123 456 ") == "A123456"
    with pytest.raises(checks.LabourRuleError, match="không hợp lệ"):
        checks.diploma_number_clean("số?")
    with pytest.raises(checks.LabourRuleError, match="không được để trống"):
        checks.diploma_number_clean("  ")


def test_campaign_window_is_thirty_days_from_first_july():
    assert checks.campaign_window(2020) == (dt.date(2020, 7, 1), dt.date(2020, 7, 30))


def test_support_ceilings_of_qd46():
    ok = checks.SupportAmounts(learner_group="rural", funding="central", training_cost=2_000_000, study_days=30,
                               meal_amount=900_000, travel_amount=200_000, course_start=dt.date(2020, 3, 1))
    assert checks.support_problems(ok, group_label="LĐNT") == []
    over = checks.SupportAmounts(learner_group="rural", funding="central", training_cost=2_500_000, study_days=10,
                                 meal_amount=400_000, travel_amount=400_000, course_start=dt.date(2020, 3, 1))
    problems = " ".join(checks.support_problems(over, group_label="LĐNT"))
    assert "2.500.000 đồng vượt mức tối đa 2.000.000" in problems
    assert "30.000 đồng × 10 ngày" in problems and "Tiền đi lại 400.000" in problems
    province = checks.SupportAmounts(learner_group="rural", funding="province", training_cost=9_000_000,
                                     study_days=0, meal_amount=0, travel_amount=0, course_start=dt.date(2020, 3, 1))
    assert checks.support_problems(province, group_label="LĐNT") == []  # NQ 56's amounts are not known


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31)), ("2020-H1", dt.date(2020, 1, 1), dt.date(2020, 6, 30)),
    ("2020-h2", dt.date(2020, 7, 1), dt.date(2020, 12, 31)), ("2020-Q2", dt.date(2020, 4, 1), dt.date(2020, 6, 30)),
    ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    ("2020-03-05..2020-04-01", dt.date(2020, 3, 5), dt.date(2020, 4, 1))])
def test_periods(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["", "2020-H3", "2020-13", "abc", "2020-02-30..2020-03-01", "1800", "x" * 5000])
def test_bad_periods_are_refused_in_vietnamese(text):
    with pytest.raises(IndicatorError, match="Kỳ"):
        Period.parse(text)


def test_supply_year_of_a_period():
    assert Period.parse("2020-H1").supply_year == 2019
    assert Period.parse("2020").supply_year == 2020
