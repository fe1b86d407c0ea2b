"""Bulk computation over frames, and its agreement with the one-person explanation."""

import datetime

import polars as pl
import pytest

from ansinh.policy.bridge import BridgeInputError, compute
from ansinh.policy.explain import explain

PERSONS = pl.DataFrame(
    {
        "person_id": ["a", "b", "c", "d", "e", "f"],
        "household_id": ["h1", "h1", "h2", "h2", "h3", "h3"],
        "role": ["head", "member", "head", "member", "member", "head"],
        "tgxh_category": [
            "elderly_80_no_pension",
            "none",
            "disabled_severe",
            "child_no_carer",
            "elderly_poor_no_carer",
            "disabled_especially_severe",
        ],
        "birth_date": [
            datetime.date(1940, 5, 1),
            datetime.date(1990, 1, 1),
            datetime.date(2010, 3, 3),
            datetime.date(2021, 8, 1),
            datetime.date(1944, 7, 31),
            datetime.date(1980, 1, 1),
        ],
    }
)
HOUSEHOLDS = pl.DataFrame(
    {
        "household_id": ["h1", "h2", "h3"],
        "household_income_per_capita": [1_400_000.0, 2_000_000.0, 1_000_000.0],
        "household_is_urban": [False, True, False],
        "household_deprivation_count": [3, 2, 0],
    }
)


@pytest.mark.parametrize("period", ["2024-06", "2024-07", "2021-07"])
def test_bridge_matches_explain_person_by_person(period):
    persons_out, households_out = compute(
        PERSONS, HOUSEHOLDS, ["tgxh_monthly_allowance", "tgxh_coefficient", "poverty_status"], period
    )
    for row in PERSONS.iter_rows(named=True):
        inputs = {"tgxh_category": row["tgxh_category"], "birth_date": row["birth_date"]}
        expected = explain("tgxh_monthly_allowance", period, inputs).value
        got = persons_out.filter(pl.col("person_id") == row["person_id"])["tgxh_monthly_allowance"].item()
        assert got == expected, row
    for row in HOUSEHOLDS.iter_rows(named=True):
        inputs = {k: v for k, v in row.items() if k != "household_id"}
        expected = explain("poverty_status", period, inputs).value
        got = households_out.filter(pl.col("household_id") == row["household_id"])["poverty_status"].item()
        assert got == expected, row


def test_bridge_returns_known_values_in_input_order():
    persons_out, households_out = compute(PERSONS, HOUSEHOLDS, ["tgxh_monthly_allowance"], "2024-07")
    assert persons_out["person_id"].to_list() == PERSONS["person_id"].to_list()
    # 500000 × (1.0, 0, 2.0 child, 2.5 under 4, 2.0 at 80 in July, 2.0 adult)
    assert persons_out["tgxh_monthly_allowance"].to_list() == [500000, 0, 1000000, 1250000, 1000000, 1000000]
    assert households_out is None


def test_household_status_for_a_year_gives_one_column_per_month():
    _, households_out = compute(PERSONS, HOUSEHOLDS, ["poverty_status"], "2024")
    assert households_out.columns == ["household_id"] + [f"poverty_status_2024-{m:02d}" for m in range(1, 13)]
    assert households_out.row(0)[1:] == ("poor",) * 12


def test_monthly_amount_asked_for_a_year_is_summed():
    persons_out, _ = compute(PERSONS.head(1), None, ["tgxh_monthly_allowance"], "2024")
    assert persons_out["tgxh_monthly_allowance"].item() == 6 * 360000 + 6 * 500000


def test_households_frame_is_optional_and_covid_year_total():
    persons = pl.DataFrame(
        {
            "person_id": [1, 2],
            "household_id": [10, 10],
            "role": ["head", "member"],
            "covid_group_ncc": [True, False],
            "covid_group_poor_household_member": [True, True],
        }
    )
    persons_out, _ = compute(persons, None, ["covid_support_amount"], "2020")
    assert persons_out["covid_support_amount"].to_list() == [1_500_000, 750_000]


@pytest.mark.parametrize(
    ("persons", "message"),
    [
        (PERSONS.with_columns(person_id=pl.lit("x")), "mã trùng"),
        (PERSONS.with_columns(role=pl.lit("boss")), "role"),
        (PERSONS.with_columns(role=pl.lit("head")), "nhiều hơn một chủ hộ"),
        (PERSONS.with_columns(tgxh_category=pl.lit("elderly")), "không hợp lệ"),
        (PERSONS.with_columns(household_id=pl.lit("h9")), "không có trong bảng hộ"),
        (PERSONS.with_columns(unknown_column=pl.lit(1)), "không phải là biến"),
        (PERSONS.with_columns(household_is_urban=pl.lit(True)), "thuộc đối tượng household"),
        (PERSONS.drop("role"), "Thiếu cột «role»"),
    ],
)
def test_invalid_frames_are_refused_with_a_clear_message(persons, message):
    with pytest.raises(BridgeInputError, match=message):
        compute(persons, HOUSEHOLDS, ["tgxh_monthly_allowance"], "2024-07")


def test_unknown_variable_is_refused():
    with pytest.raises(BridgeInputError, match="Biến không tồn tại"):
        compute(PERSONS, HOUSEHOLDS, ["allowance"], "2024-07")
