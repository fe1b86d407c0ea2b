"""What the database payroll asks of the engine beyond the command's default: rows in segments (a rate change, a
suspension and its resumption), the Hà Tĩnh top-up register (NQ 151/2019) and the funeral support one-off.

Amounts by hand from the stored tables (POLICY.md §2–3): thân nhân 1 / 2 liệt sĩ from 2024-07: 2.789.000 /
5.578.000; TGXH mức chuẩn 270.000 (NĐ 136/2013) until 2021-06 and 500.000 from 2024-07 (NĐ 76/2024), hệ số 1,0 for
an 80+ without pension; NQ 151/2019: 750.000 rural / 950.000 urban including the TGXH received; funeral support
NCC 10 × mức lương cơ sở 2.340.000 (from 2024-07), TGXH 20 × mức chuẩn.
"""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.payroll.engine import ALL_REGISTERS, PayrollInputError, settle

COLUMNS = ("person_id", "register", "ncc_category", "ncc_martyr_count", "ncc_injury_rate", "tgxh_category",
           "birth_date", "is_urban", "start_month", "death_date", "end_month", "from_month")


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame({c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in COLUMNS},
                        schema={c: pl.String for c in COLUMNS})


def paid(*rows) -> pl.DataFrame:
    return pl.DataFrame([tuple(str(v) for v in r) for r in rows],
                        schema={n: pl.String for n in ("person_id", "register", "month", "kind", "amount")},
                        orient="row")


def lines(out: pl.DataFrame) -> list[tuple]:
    return [tuple(r) for r in out.iter_rows()]


def test_a_second_martyr_recognised_from_september_is_a_new_segment():
    register = frame({"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative", "ncc_martyr_count": 1,
                      "start_month": "2024-07", "end_month": "2024-08"},
                     {"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative", "ncc_martyr_count": 2,
                      "start_month": "2024-09"})
    assert lines(settle(register, paid(("M", "ncc", "2024-07", "regular", 2_789_000)), period="2024-09")) == [
        ("M", "ncc", "2024-08", "arrears", 2_789_000),
        ("M", "ncc", "2024-09", "regular", 5_578_000),
    ]


def test_a_month_paid_during_a_suspension_is_recovered_and_overlapping_rows_are_refused():
    suspended = frame({"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative", "ncc_martyr_count": 1,
                       "start_month": "2024-07", "end_month": "2024-07"},
                      {"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative", "ncc_martyr_count": 1,
                       "start_month": "2024-09"})
    payments = paid(("M", "ncc", "2024-07", "regular", 2_789_000), ("M", "ncc", "2024-08", "regular", 2_789_000))
    assert lines(settle(suspended, payments, period="2024-09")) == [
        ("M", "ncc", "2024-08", "recovery", -2_789_000),
        ("M", "ncc", "2024-09", "regular", 2_789_000),
    ]
    overlapping = frame({"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative",
                         "ncc_martyr_count": 1, "start_month": "2024-07", "end_month": "2024-09"},
                        {"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative",
                         "ncc_martyr_count": 2, "start_month": "2024-09"})
    with pytest.raises(PayrollInputError) as raised:
        settle(overlapping, paid(), period="2024-09")
    assert [(p.line, p.message) for p in raised.value.problems] == [(3, "trùng mã người và register với dòng 2.")]


def test_the_top_up_is_the_level_less_the_social_assistance_received():
    register = frame(
        {"person_id": "R", "register": "topup", "tgxh_category": "elderly_80_no_pension", "birth_date": "1935-02-01",
         "is_urban": "false", "start_month": "2020-01"},
        {"person_id": "U", "register": "topup", "is_urban": "true", "start_month": "2020-02"},
    )
    assert lines(settle(register, paid(), period="2020-02", registers=ALL_REGISTERS)) == [
        ("R", "topup", "2020-01", "arrears", 750_000 - 270_000),
        ("R", "topup", "2020-02", "regular", 480_000),
        ("U", "topup", "2020-02", "regular", 950_000),
    ]


def test_the_top_up_register_is_refused_by_the_command_default():
    register = frame({"person_id": "U", "register": "topup", "start_month": "2020-02"})
    with pytest.raises(PayrollInputError, match="chỉ nhận ncc hoặc tgxh"):
        settle(register, paid(), period="2020-02")


def test_funeral_support_in_the_month_of_death_once():
    register = frame(
        {"person_id": "M", "register": "ncc", "ncc_category": "martyr_relative", "ncc_martyr_count": 1,
         "start_month": "2024-07", "death_date": "2024-08-20"},
        {"person_id": "T", "register": "tgxh", "tgxh_category": "elderly_80_no_pension", "birth_date": "1935-02-01",
         "start_month": "2024-07", "death_date": "2024-08-03"},
    )
    payments = paid(("M", "ncc", "2024-07", "regular", 2_789_000), ("M", "ncc", "2024-08", "regular", 2_789_000),
                    ("T", "tgxh", "2024-07", "regular", 500_000), ("T", "tgxh", "2024-08", "regular", 500_000))
    out = settle(register, payments, period="2024-09", one_offs=("funeral_support",))
    assert lines(out) == [
        ("M", "ncc", "2024-08", "death_lump_sum", 3 * 2_789_000),
        ("M", "ncc", "2024-08", "funeral_support", 10 * 2_340_000),
        ("T", "tgxh", "2024-08", "funeral_support", 20 * 500_000),
    ]
    again = settle(register, pl.concat([payments, out.cast(pl.String)]), period="2024-09",
                   one_offs=("funeral_support",))
    assert again.is_empty()
    # the command's default never settles funeral support
    assert [k for k in settle(register, payments, period="2024-09")["kind"]] == ["death_lump_sum"]


def test_months_before_from_month_are_settled_elsewhere():
    """An enrolment of 2015 taken over in January 2020: no arrears for the years before; a death reported late
    that happened before the take-over still recovers what was paid after it."""
    register = frame(
        {"person_id": "A", "register": "tgxh", "tgxh_category": "elderly_80_no_pension", "birth_date": "1930-01-01",
         "start_month": "2015-01", "from_month": "2020-01"},
        {"person_id": "D", "register": "tgxh", "tgxh_category": "elderly_80_no_pension", "birth_date": "1930-01-01",
         "start_month": "2015-01", "from_month": "2020-01", "death_date": "2019-11-20"},
    )
    payments = paid(("A", "tgxh", "2019-12", "regular", 1), ("A", "tgxh", "2020-01", "regular", 270_000),
                    ("D", "tgxh", "2020-01", "regular", 270_000))
    assert lines(settle(register, payments, period="2020-02")) == [
        ("A", "tgxh", "2020-02", "regular", 270_000),
        ("D", "tgxh", "2020-01", "recovery", -270_000),
    ]
