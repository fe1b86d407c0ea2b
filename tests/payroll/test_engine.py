"""The payroll engine (``ansinh.payroll.engine.settle``), no database.

Amounts worked out by hand from the decrees' tables as stored in src/ansinh/policy/parameters
(POLICY.md §2–3):

- thân nhân 1 liệt sĩ: 1.624.000 (NĐ 75/2021, from 2021-07), 2.055.000 (NĐ 55/2023, from 2023-07),
  2.789.000 (NĐ 77/2024, from 2024-07); 2 liệt sĩ from 2024-07: 5.578.000;
- thương binh 61 %: 3.174.000 → 4.016.000 (NĐ 55/2023);
- Bà mẹ VNAH: 4.872.000 + 1.361.000 = 6.233.000 → 6.165.000 + 1.722.000 = 7.887.000 (NĐ 55/2023);
- TGXH người từ đủ 80 tuổi không có lương hưu, hệ số 1,0: 360.000 (NĐ 20/2021) → 500.000 (NĐ 76/2024).

NĐ 55/2023 applies from 1/7/2023 but came into force on 5/9/2023: July and August 2023 were paid at the
2021 amounts, September pays the difference.
"""

from __future__ import annotations

import datetime

import polars as pl
import pytest

from ansinh.payroll import engine
from ansinh.payroll.engine import (
    OUT_COLUMNS,
    PAID_COLUMNS,
    PayrollInputError,
    PayrollRuleError,
    PayrollWarning,
    settle,
    settle_with_report,
)
from ansinh.policy.bridge import ParameterAddition

COLUMNS = engine.BENEFICIARY_COLUMNS


def beneficiaries(*rows: dict) -> pl.DataFrame:
    """B frame as read from a CSV: every cell text, empty cells null."""
    return pl.DataFrame(
        {name: [None if row.get(name) is None else str(row[name]) for row in rows] for name in COLUMNS},
        schema={name: pl.String for name in COLUMNS},
    )


def paid(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        [tuple(str(v) for v in row) for row in rows], schema={n: pl.String for n in PAID_COLUMNS}, orient="row"
    )


NOTHING_PAID = paid()


def lines(frame: pl.DataFrame) -> list[tuple]:
    assert frame.columns == list(OUT_COLUMNS)
    return [tuple(row) for row in frame.iter_rows()]


def martyr(person_id="M1", count=1, start="2023-01", **extra) -> dict:
    return {"person_id": person_id, "register": "ncc", "ncc_category": "martyr_relative",
            "ncc_martyr_count": count, "start_month": start, **extra}


def elderly(person_id="T1", birth="1940-01-15", start="2024-07", **extra) -> dict:
    return {"person_id": person_id, "register": "tgxh", "tgxh_category": "elderly_80_no_pension",
            "birth_date": birth, "start_month": start, **extra}


def months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    result = []
    while f"{year:04d}-{month:02d}" <= last:
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


# --- the hand-worked cases ------------------------------------------------------------------------------


def test_nd55_2023_retroactive_settlement_line_by_line():
    register = beneficiaries(
        martyr("M1", start="2023-01"),
        {"person_id": "W61", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 61,
         "start_month": "2023-07"},
        {"person_id": "HM", "register": "ncc", "ncc_category": "heroic_mother", "start_month": "2023-07"},
    )
    payments = paid(
        *[("M1", "ncc", month, "regular", 1_624_000) for month in months("2023-01", "2023-08")],
        ("W61", "ncc", "2023-07", "regular", 3_174_000),
        ("W61", "ncc", "2023-08", "regular", 3_174_000),
        ("HM", "ncc", "2023-07", "regular", 6_233_000),
        ("HM", "ncc", "2023-08", "regular", 6_233_000),
    )
    assert lines(settle(register, payments, period="2023-09")) == [
        # January–June 2023 were paid at the amount still in force: no line.
        ("M1", "ncc", "2023-07", "arrears", 2_055_000 - 1_624_000),
        ("M1", "ncc", "2023-08", "arrears", 431_000),
        ("M1", "ncc", "2023-09", "regular", 2_055_000),
        ("W61", "ncc", "2023-07", "arrears", 4_016_000 - 3_174_000),
        ("W61", "ncc", "2023-08", "arrears", 842_000),
        ("W61", "ncc", "2023-09", "regular", 4_016_000),
        ("HM", "ncc", "2023-07", "arrears", 7_887_000 - 6_233_000),
        ("HM", "ncc", "2023-08", "arrears", 1_654_000),
        ("HM", "ncc", "2023-09", "regular", 7_887_000),
    ]


def test_late_death_is_recovered_and_the_lump_sum_is_paid_once():
    # Died 10/3/2024, reported in June after April and May had been paid.
    register = beneficiaries(martyr("M1", start="2024-01", death_date="2024-03-10"))
    payments = paid(*[("M1", "ncc", month, "regular", 2_055_000) for month in months("2024-01", "2024-05")])
    assert lines(settle(register, payments, period="2024-06")) == [
        ("M1", "ncc", "2024-03", "death_lump_sum", 3 * 2_055_000),  # paid through the month of death
        ("M1", "ncc", "2024-04", "recovery", -2_055_000),
        ("M1", "ncc", "2024-05", "recovery", -2_055_000),
        # no regular line for June: the death is before the period
    ]


def test_period_already_paid_after_death_is_recovered_in_the_period():
    register = beneficiaries(martyr("M1", start="2024-01", death_date="2024-03-10"))
    payments = paid(*[("M1", "ncc", month, "regular", 2_055_000) for month in months("2024-01", "2024-05")])
    assert lines(settle(register, payments, period="2024-05")) == [
        ("M1", "ncc", "2024-03", "death_lump_sum", 6_165_000),
        ("M1", "ncc", "2024-04", "recovery", -2_055_000),
        ("M1", "ncc", "2024-05", "recovery", -2_055_000),
    ]


def test_tgxh_stops_from_the_month_after_death_and_has_no_lump_sum():
    # The rule variable ignores death_date; the engine pays the month of death and stops after it.
    register = beneficiaries(elderly("T1", start="2024-07", death_date="2024-08-20"))
    payments = paid(*[("T1", "tgxh", month, "regular", 500_000) for month in months("2024-07", "2024-09")])
    assert lines(settle(register, payments, period="2024-10")) == [("T1", "tgxh", "2024-09", "recovery", -500_000)]


def test_ncc_allowance_is_due_in_the_month_of_death():
    register = beneficiaries(martyr("M1", start="2024-07", death_date="2024-08-31"))
    assert lines(settle(register, NOTHING_PAID, period="2024-08")) == [
        ("M1", "ncc", "2024-07", "arrears", 2_789_000),
        ("M1", "ncc", "2024-08", "regular", 2_789_000),
        ("M1", "ncc", "2024-08", "death_lump_sum", 3 * 2_789_000),
    ]


def test_death_lump_sum_counts_the_retroactive_rate():
    # Heroic mother died in August 2023, before NĐ 55/2023 came into force: 3 × the new amount.
    register = beneficiaries({"person_id": "HM", "register": "ncc", "ncc_category": "heroic_mother",
                              "start_month": "2023-07", "death_date": "2023-08-12"})
    payments = paid(("HM", "ncc", "2023-07", "regular", 6_233_000), ("HM", "ncc", "2023-08", "regular", 6_233_000))
    assert lines(settle(register, payments, period="2023-09")) == [
        ("HM", "ncc", "2023-07", "arrears", 1_654_000),
        ("HM", "ncc", "2023-08", "arrears", 1_654_000),
        ("HM", "ncc", "2023-08", "death_lump_sum", 3 * 7_887_000),
    ]


def test_death_lump_sum_already_paid_gives_no_line_and_a_warning_if_the_amount_differs():
    register = beneficiaries({"person_id": "HM", "register": "ncc", "ncc_category": "heroic_mother",
                              "start_month": "2023-07", "death_date": "2023-08-12"})
    payments = paid(
        ("HM", "ncc", "2023-07", "regular", 7_887_000),
        ("HM", "ncc", "2023-08", "regular", 7_887_000),
        ("HM", "ncc", "2023-08", "death_lump_sum", 3 * 6_233_000),  # paid before the decree
    )
    result = settle_with_report(register, payments, period="2023-09")
    assert lines(result.lines) == []
    assert any("death_lump_sum" in w and "18.699.000" in w and "23.661.000" in w for w in result.warnings)


def test_late_decision_pays_the_missed_months_as_arrears():
    # Second martyr recognised by a decision signed in September 2024, effective from July.
    register = beneficiaries(martyr("M2", count=2, start="2024-07"))
    assert lines(settle(register, NOTHING_PAID, period="2024-09")) == [
        ("M2", "ncc", "2024-07", "arrears", 5_578_000),
        ("M2", "ncc", "2024-08", "arrears", 5_578_000),
        ("M2", "ncc", "2024-09", "regular", 5_578_000),
    ]


def test_late_tgxh_decision_from_the_month_of_the_80th_birthday_crosses_the_new_standard_level():
    # 80 on 1/5/2024; the chairman signs in August: May and June at 360.000, July at 500.000.
    register = beneficiaries(elderly("T80", birth="1944-05-01", start="2024-05"))
    assert lines(settle(register, NOTHING_PAID, period="2024-08")) == [
        ("T80", "tgxh", "2024-05", "arrears", 360_000),
        ("T80", "tgxh", "2024-06", "arrears", 360_000),
        ("T80", "tgxh", "2024-07", "arrears", 500_000),
        ("T80", "tgxh", "2024-08", "regular", 500_000),
    ]


def test_tgxh_regular_month_2024():
    register = beneficiaries(elderly("T1", start="2024-07"))
    payments = paid(("T1", "tgxh", "2024-07", "regular", 500_000))
    assert lines(settle(register, payments, period="2024-08")) == [("T1", "tgxh", "2024-08", "regular", 500_000)]


def test_a_person_in_both_registers_is_settled_in_each():
    register = beneficiaries(martyr("P1", start="2024-07"), elderly("P1", start="2024-07"))
    assert lines(settle(register, NOTHING_PAID, period="2024-07")) == [
        ("P1", "ncc", "2024-07", "regular", 2_789_000),
        ("P1", "tgxh", "2024-07", "regular", 500_000),
    ]


def test_payments_are_summed_over_kinds_and_overpayment_before_start_is_recovered():
    register = beneficiaries(martyr("M1", start="2024-07"))
    payments = paid(
        ("M1", "ncc", "2024-06", "regular", 2_055_000),  # paid before the decision month
        ("M1", "ncc", "2024-07", "regular", 2_000_000),
        ("M1", "ncc", "2024-07", "arrears", 789_000),  # together: the July amount
        ("M1", "ncc", "2024-08", "regular", 2_800_000),
    )
    assert lines(settle(register, payments, period="2024-08")) == [
        ("M1", "ncc", "2024-06", "recovery", -2_055_000),
        ("M1", "ncc", "2024-08", "recovery", -11_000),
    ]


def test_idempotent_settling_again_with_the_previous_lines_paid_gives_nothing():
    register = beneficiaries(
        martyr("M1", start="2023-01"),
        martyr("M2", count=3, start="2023-07", death_date="2023-11-02"),
        {"person_id": "W61", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 61,
         "start_month": "2023-07"},
        elderly("T1", birth="1943-08-10", start="2023-08"),
    )
    payments = paid(*[("M1", "ncc", month, "regular", 1_624_000) for month in months("2023-01", "2023-08")],
                    *[("M2", "ncc", month, "regular", 4_872_000) for month in months("2023-07", "2023-12")])
    first = settle(register, payments, period="2023-12")
    assert first.height > 0
    again = settle(register, pl.concat([payments, first.cast(pl.String)]), period="2023-12")
    assert again.is_empty()
    assert again.columns == list(OUT_COLUMNS)
    # the next month: only the regular lines of the living
    following = settle(register, pl.concat([payments, first.cast(pl.String)]), period="2024-01")
    assert lines(following) == [
        ("M1", "ncc", "2024-01", "regular", 2_055_000),
        ("W61", "ncc", "2024-01", "regular", 4_016_000),
        ("T1", "tgxh", "2024-01", "regular", 360_000),
    ]


def test_typed_frames_are_accepted_and_person_id_keeps_its_type():
    register = pl.DataFrame({
        "person_id": [101, 102],
        "register": ["ncc", "tgxh"],
        "ncc_category": ["martyr_relative", None],
        "ncc_martyr_count": [1, None],
        "ncc_injury_rate": [None, None],
        "tgxh_category": [None, "elderly_80_no_pension"],
        "birth_date": [None, datetime.date(1940, 1, 15)],
        "is_urban": [None, True],
        "start_month": ["2024-07", "2024-07"],
        "death_date": pl.Series([None, None], dtype=pl.Date),
    })
    payments = pl.DataFrame({"person_id": [101], "register": ["ncc"], "month": ["2024-07"], "kind": ["regular"],
                             "amount": [2_789_000]})
    out = settle(register, payments, period="2024-08")
    assert out.schema["person_id"] == pl.Int64
    assert lines(out) == [(101, "ncc", "2024-08", "regular", 2_789_000), (102, "tgxh", "2024-07", "arrears", 500_000),
                          (102, "tgxh", "2024-08", "regular", 500_000)]


def test_bridge_compute_is_called_once_per_month_for_the_whole_population(monkeypatch):
    calls = []
    real = engine.compute

    def counting(frame, *args, **kwargs):
        calls.append(frame.height)
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(engine, "compute", counting)
    register = beneficiaries(*[martyr(f"M{i}", start="2023-07") for i in range(300)],
                             *[elderly(f"T{i}", start="2023-07") for i in range(300)])
    out = settle(register, NOTHING_PAID, period="2024-12")
    assert calls == [600] * 18
    assert out.height == 600 * 18


def test_payments_after_the_period_are_ignored_with_a_warning():
    register = beneficiaries(martyr("M1", start="2024-07"))
    payments = paid(("M1", "ncc", "2024-07", "regular", 2_789_000), ("M1", "ncc", "2024-08", "regular", 2_789_000))
    with pytest.warns(PayrollWarning, match="sau kỳ 2024-07"):
        assert lines(settle(register, payments, period="2024-07")) == []


def test_paid_may_be_none_in_the_report_function():
    result = settle_with_report(beneficiaries(martyr("M1", start="2024-07")), None, period="2024-07")
    assert lines(result.lines) == [("M1", "ncc", "2024-07", "regular", 2_789_000)]


# --- empty parameters ------------------------------------------------------------------------------------


def test_empty_nd58_2019_table_refuses_naming_the_parameter_the_months_and_the_person():
    register = beneficiaries(martyr("OLD", start="2021-05"), martyr("NEW", start="2021-07"))
    with pytest.raises(PayrollRuleError) as raised:
        settle(register, NOTHING_PAID, period="2021-08")
    [failure] = raised.value.failures
    assert failure.parameter == "ncc.monthly.martyr_relative.one"
    assert failure.months == ["2021-05", "2021-06"]
    assert failure.person_count == 1 and failure.persons[0].person_id == "OLD" and failure.persons[0].line == 2
    message = str(raised.value)
    assert "ncc.monthly.martyr_relative.one" in message and "2021-05..2021-06" in message
    assert "dòng 2 (mã OLD, ncc)" in message


def test_every_empty_parameter_is_listed_with_its_persons():
    register = beneficiaries(
        {"person_id": "W22", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 22,
         "start_month": "2022-01"},
        {"person_id": "W21", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 21,
         "start_month": "2022-01"},
        {"person_id": "W90", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 90,
         "start_month": "2023-05"},
    )
    with pytest.raises(PayrollRuleError) as raised:
        settle(register, NOTHING_PAID, period="2023-08")
    failures = {f.parameter: f for f in raised.value.failures}
    assert failures["ncc.monthly.war_invalid.by_rate.r22"].months == months("2022-01", "2023-06")
    assert [p.person_id for p in failures["ncc.monthly.war_invalid.by_rate.r22"].persons] == ["W22"]
    assert "ncc.monthly.war_invalid.by_rate.r90" in failures
    assert [p.person_id for p in failures["ncc.monthly.war_invalid.by_rate.r90"].persons] == ["W90"]
    assert "2022-01..2023-06" in str(raised.value)


def test_tgxh_before_nd136_2013_refuses():
    register = beneficiaries(elderly("T1", birth="1930-01-01", start="2013-11"))
    with pytest.raises(PayrollRuleError, match="2013-11..2013-12"):
        settle(register, NOTHING_PAID, period="2014-01")


def test_an_administrator_addition_fills_an_empty_table():
    addition = ParameterAddition("ncc.monthly.martyr_relative.one", datetime.date(2019, 7, 1), 1_624_000,
                                 "Giá trị thử nghiệm (không phải căn cứ pháp lý)")
    register = beneficiaries(martyr("OLD", start="2021-06"))
    assert lines(settle(register, NOTHING_PAID, period="2021-07", additions=[addition])) == [
        ("OLD", "ncc", "2021-06", "arrears", 1_624_000),
        ("OLD", "ncc", "2021-07", "regular", 1_624_000),
    ]


def test_a_wrong_addition_is_an_input_error():
    addition = ParameterAddition("ncc.monthly.no_such_row", datetime.date(2019, 7, 1), 1, "x")
    with pytest.raises(PayrollInputError, match="no_such_row"):
        settle(beneficiaries(martyr()), NOTHING_PAID, period="2023-07", additions=[addition])


# --- bad input ------------------------------------------------------------------------------------------------


def _problems(register: pl.DataFrame, payments: pl.DataFrame = NOTHING_PAID, period: str = "2024-09"):
    with pytest.raises(PayrollInputError) as raised:
        settle(register, payments, period=period)
    return raised.value.problems


BAD_BENEFICIARIES = [
    ({"ncc_category": "thuong_binh"}, "diện người có công «thuong_binh» không có trong danh mục"),
    ({"ncc_category": None}, "thiếu diện người có công"),
    ({"ncc_category": "war_invalid", "ncc_injury_rate": 15}, "tỷ lệ tổn thương 15% ngoài phạm vi"),
    ({"ncc_category": "war_invalid", "ncc_injury_rate": 101}, "từ 21% đến 100%"),
    ({"ncc_category": "sick_soldier", "ncc_injury_rate": 30}, "diện sick_soldier: từ 41% đến 100%"),
    ({"ncc_category": "agent_orange", "ncc_injury_rate": None}, "thiếu tỷ lệ tổn thương"),
    ({"ncc_category": "war_invalid", "ncc_injury_rate": "sáu mươi"}, "không phải số nguyên"),
    ({"ncc_martyr_count": 0}, "cần từ 1 liệt sĩ trở lên"),
    ({"ncc_martyr_count": None}, "thiếu số liệt sĩ"),
    ({"start_month": "2024-05", "death_date": "2024-03-01"}, "sau tháng chết"),
    ({"register": "btxh"}, "register «btxh» không hợp lệ"),
    ({"register": None}, "thiếu register"),
    ({"start_month": "2024-7"}, "«2024-7» không đúng dạng YYYY-MM"),
    ({"start_month": None}, "thiếu tháng bắt đầu hưởng"),
    ({"death_date": "2024-02-30"}, "ngày chết «2024-02-30» không phải ngày có thật"),
    ({"death_date": "15/01/2024"}, "ngày chết «15/01/2024»"),
    ({"birth_date": "1940-13-01"}, "ngày sinh «1940-13-01»"),
    ({"birth_date": "1950-01-01", "death_date": "1949-01-01", "start_month": "1949-01"}, "trước ngày sinh"),
    ({"is_urban": "có"}, "is_urban «có» không hợp lệ"),
    ({"start_month": "2024-10"}, "kỳ quyết toán 2024-09 trước tháng bắt đầu hưởng 2024-10"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_BENEFICIARIES)
def test_bad_beneficiary_row_names_the_line_and_the_person(change, expected):
    register = beneficiaries(martyr("OK", start="2024-07"), martyr("BAD", start="2024-07") | change)
    problems = _problems(register)
    assert [(p.line, p.person_id) for p in problems] == [(3, "BAD")]
    assert expected in problems[0].message
    assert "dòng 3 (mã BAD" in str(problems[0])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"tgxh_category": "nguoi_cao_tuoi"}, "diện trợ giúp xã hội «nguoi_cao_tuoi» không có trong danh mục"),
        ({"tgxh_category": None}, "thiếu diện trợ giúp xã hội"),
        ({"birth_date": None}, "thiếu ngày sinh"),
    ],
)
def test_bad_tgxh_row(change, expected):
    problems = _problems(beneficiaries(elderly("BAD") | change))
    assert [(p.line, p.person_id, p.register) for p in problems] == [(2, "BAD", "tgxh")]
    assert expected in problems[0].message


def test_duplicate_person_and_register_names_both_lines():
    register = beneficiaries(martyr("A", start="2024-07"), elderly("A"), martyr("A", start="2024-08"))
    problems = _problems(register)
    assert [(p.line, p.person_id) for p in problems] == [(4, "A")]
    assert "trùng mã người và register với dòng 2" in problems[0].message


def test_all_wrong_rows_are_reported_at_once():
    register = beneficiaries(martyr("A", count=0, start="2024-07"), martyr("B", start="2024-07"),
                             martyr("C", start="2024-13"))
    problems = _problems(register)
    assert [(p.line, p.person_id) for p in problems] == [(2, "A"), (4, "C")]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("X9", "ncc", "2024-07", "regular", 100), "không có trong danh sách hưởng"),
        (("M1", "tgxh", "2024-07", "regular", 100), "không có trong danh sách hưởng"),
        (("M1", "ncc", "2024/07", "regular", 100), "tháng «2024/07» không đúng dạng YYYY-MM"),
        (("M1", "ncc", "2024-07", "bonus", 100), "loại khoản «bonus» không hợp lệ"),
        (("M1", "ncc", "2024-07", "regular", "1.624.000"), "số tiền «1.624.000» không phải số nguyên"),
        (("M1", "ncc", "2024-07", "regular", ""), "số tiền «» không phải số nguyên"),
        (("M1", "bhxh", "2024-07", "regular", 1), "register «bhxh» không hợp lệ"),
    ],
)
def test_bad_paid_row_is_an_error_naming_the_line(row, expected):
    payments = paid(("M1", "ncc", "2024-07", "regular", 2_789_000), row)
    problems = _problems(beneficiaries(martyr("M1", start="2024-07")), payments)
    assert [(p.source, p.line) for p in problems] == [("danh sách đã chi", 3)]
    assert expected in problems[0].message


def test_tgxh_has_no_death_lump_sum_in_paid():
    payments = paid(("T1", "tgxh", "2024-07", "death_lump_sum", 1))
    problems = _problems(beneficiaries(elderly("T1")), payments)
    assert "không có khoản death_lump_sum" in problems[0].message


@pytest.mark.parametrize("period", ["2024-13", "2024-7", "09/2024", ""])
def test_malformed_period(period):
    with pytest.raises(PayrollInputError, match="không đúng dạng YYYY-MM"):
        settle(beneficiaries(martyr()), NOTHING_PAID, period=period)


def test_missing_columns():
    with pytest.raises(PayrollInputError, match="thiếu cột start_month"):
        settle(beneficiaries(martyr()).drop("start_month"), NOTHING_PAID, period="2024-07")
    with pytest.raises(PayrollInputError, match="thiếu cột amount"):
        settle(beneficiaries(martyr()), NOTHING_PAID.drop("amount"), period="2024-07")


def test_months_of_an_empty_parameter_are_only_those_someone_needs_it():
    register = beneficiaries(
        {"person_id": "W22", "register": "ncc", "ncc_category": "war_invalid", "ncc_injury_rate": 22,
         "start_month": "2022-01", "death_date": "2022-03-05"},
        martyr("M1", start="2021-07"),
    )
    with pytest.raises(PayrollRuleError) as raised:
        settle(register, NOTHING_PAID, period="2022-06")
    [failure] = raised.value.failures
    assert failure.months == ["2022-01", "2022-02", "2022-03"]
