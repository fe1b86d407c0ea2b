"""NCC tables, Hà Tĩnh top-up and one-off amounts: what the YAML tests cannot say (refusals, additions,
vectorised population). The amounts themselves are in src/ansinh/policy/tests/ncc_*.yaml."""

import datetime

import numpy as np
import polars as pl
import pytest

from ansinh.policy import UnsetParameterError
from ansinh.policy.bridge import (
    BridgeInputError,
    ParameterAddition,
    build_tax_benefit_system,
    compute,
    list_parameters,
)
from ansinh.policy.explain import explain
from ansinh.policy.variables.common import InvalidInputError


def _frame(**columns) -> pl.DataFrame:
    size = len(next(iter(columns.values())))
    return pl.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(size)],
            "household_id": [f"h{i}" for i in range(size)],
            "role": ["head"] * size,
            **columns,
        }
    )


def _allowance(period: str, **columns) -> list[int]:
    out, _ = compute(_frame(**columns), None, ["ncc_monthly_allowance"], period)
    return out["ncc_monthly_allowance"].to_list()


# --- table boundaries where the earlier value is empty -------------------------------------------------


@pytest.mark.parametrize(
    ("category", "extra", "parameter"),
    [
        ("war_invalid", {"ncc_injury_rate": [21]}, "ncc.monthly.war_invalid.by_rate.r21"),
        ("heroic_mother", {}, "ncc.monthly.heroic_mother.allowance"),
        ("martyr_relative", {"ncc_martyr_count": [1]}, "ncc.monthly.martyr_relative.one"),
        ("sick_soldier", {"ncc_injury_rate": [45]}, "ncc.monthly.sick_soldier.by_band.r41_50"),
        ("agent_orange", {"ncc_injury_rate": [30]}, "ncc.monthly.agent_orange.by_band.r21_40"),
        ("imprisoned", {}, "ncc.monthly.imprisoned"),
    ],
)
def test_nd58_2019_tables_are_empty_2021_06_refuses_and_2021_07_computes(category, extra, parameter):
    columns = {"ncc_category": [category], **extra}
    with pytest.raises(UnsetParameterError, match=parameter) as raised:
        _allowance("2021-06", **columns)
    assert "chưa có giá trị" in str(raised.value)
    assert _allowance("2021-07", **columns)[0] > 0


def test_before_the_first_table_refuses():
    with pytest.raises(UnsetParameterError, match="ncc.monthly.war_invalid.by_rate.r21"):
        _allowance("2019-06", ncc_category=["war_invalid"], ncc_injury_rate=[21])


@pytest.mark.parametrize(
    ("columns", "parameter"),
    [
        ({"ncc_category": ["war_invalid"], "ncc_injury_rate": [22]}, "ncc.monthly.war_invalid.by_rate.r22"),
        ({"ncc_category": ["war_invalid"], "ncc_injury_rate": [81]}, "ncc.monthly.war_invalid.supplement_81"),
        (
            {"ncc_category": ["war_invalid_b"], "ncc_injury_rate": [30]},
            "ncc.monthly.war_invalid_b.by_rate.r30",
        ),
        (
            {"ncc_category": ["sick_soldier"], "ncc_injury_rate": [55]},
            "ncc.monthly.sick_soldier.by_band.r51_60",
        ),
        (
            {"ncc_category": ["agent_orange"], "ncc_injury_rate": [90]},
            "ncc.monthly.agent_orange.supplement_81",
        ),
        ({"ncc_category": ["caregiver"]}, "ncc.monthly.caregiver.standard"),
        ({"ncc_category": ["resistance_medal"]}, "ncc.monthly.resistance_medal.allowance"),
        (
            {"ncc_category": ["martyr_relative"], "ncc_martyr_count": [1], "ncc_living_alone": [True]},
            "ncc.monthly.martyr_relative.living_alone",
        ),
    ],
)
def test_nd75_2021_rows_not_in_policy_are_empty(columns, parameter):
    for period in ("2021-07", "2023-06"):
        with pytest.raises(UnsetParameterError, match=parameter):
            _allowance(period, **columns)
    assert _allowance("2023-07", **columns)[0] > 0


def test_population_without_ncc_computes_before_any_table():
    assert _allowance("2020-03", ncc_category=["none", "none"]) == [0, 0]


def test_an_administrator_addition_fills_a_2020_row_from_its_date_only():
    addition = ParameterAddition(
        "ncc.monthly.war_invalid.by_rate.r21",
        datetime.date(2019, 7, 1),
        1000000,
        "Giá trị minh họa cho kiểm thử — không phải căn cứ pháp lý",
    )
    frame = _frame(ncc_category=["war_invalid"], ncc_injury_rate=[21])
    out, _ = compute(frame, None, ["ncc_monthly_allowance"], "2020-03", additions=[addition])
    assert out["ncc_monthly_allowance"].item() == 1000000
    out, _ = compute(frame, None, ["ncc_monthly_allowance"], "2021-07", additions=[addition])
    assert out["ncc_monthly_allowance"].item() == 1094000  # NĐ 75/2021 still replaces it
    text = explain(
        "ncc_monthly_allowance", "2020-03", {"ncc_category": "war_invalid", "ncc_injury_rate": 21}, [addition]
    ).to_text()
    assert "ncc.monthly.war_invalid.by_rate.r21" in text and "minh họa" in text


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "rate"),
    [
        ("war_invalid", 20),
        ("war_invalid", 0),
        ("war_invalid", 101),
        ("war_invalid_b", 5),
        ("sick_soldier", 40),
        ("sick_soldier", 21),
        ("agent_orange", 15),
        ("agent_orange", 120),
    ],
)
def test_injury_rate_outside_the_annex_is_refused_never_a_number(category, rate):
    with pytest.raises(InvalidInputError, match="ncc_injury_rate") as raised:
        _allowance("2024-07", ncc_category=["war_invalid", category], ncc_injury_rate=[50, rate])
    assert raised.value.ids == ["p1"] and raised.value.count == 1
    assert "không hợp lệ" in str(raised.value) and "p1" in str(raised.value)


@pytest.mark.parametrize("count", [0, -1])
def test_martyr_relative_without_a_martyr_is_refused(count):
    with pytest.raises(InvalidInputError, match="ncc_martyr_count"):
        _allowance("2024-07", ncc_category=["martyr_relative"], ncc_martyr_count=[count])


def test_negative_seniority_is_refused():
    with pytest.raises(InvalidInputError, match="ncc_seniority_years"):
        _allowance("2024-07", ncc_category=["pre_1945_cadre"], ncc_seniority_years=[-1])


def test_rates_and_counts_of_other_categories_are_not_checked():
    assert _allowance(
        "2024-07", ncc_category=["none", "heroic_mother"], ncc_injury_rate=[0, 250], ncc_martyr_count=[0, 0]
    ) == [0, 10704000]


def test_unknown_category_cannot_be_entered():
    with pytest.raises(BridgeInputError, match="ncc_category"):
        _allowance("2024-07", ncc_category=["war_hero"])


def test_invalid_input_refuses_in_explanations_too():
    with pytest.raises(InvalidInputError):
        explain("ncc_monthly_allowance", "2024-07", {"ncc_category": "war_invalid", "ncc_injury_rate": 10})


# --- one-off amounts before their legal basis ----------------------------------------------------------


def test_funeral_amounts_before_their_basis_refuse():
    died = _frame(
        ncc_category=["martyr_relative"], ncc_martyr_count=[1], death_date=[datetime.date(2021, 12, 15)]
    )
    with pytest.raises(UnsetParameterError, match="ncc.one_off.funeral_multiplier"):
        compute(died, None, ["ncc_funeral_support"], "2021-12")
    tgxh = _frame(
        tgxh_category=["elderly_80_no_pension"],
        birth_date=[datetime.date(1930, 1, 1)],
        death_date=[datetime.date(2021, 6, 15)],
    )
    with pytest.raises(UnsetParameterError, match="tgxh.funeral.minimum_multiplier"):
        compute(tgxh, None, ["tgxh_funeral_support"], "2021-06")


def test_death_lump_sum_before_the_2020_ordinance_refuses():
    died = _frame(ncc_category=["imprisoned"], death_date=[datetime.date(2021, 6, 15)])
    addition = ParameterAddition(
        "ncc.monthly.imprisoned", datetime.date(2019, 7, 1), 1, "Minh họa (kiểm thử)"
    )
    with pytest.raises(UnsetParameterError, match="ncc.one_off.death_lump_sum_months"):
        compute(died, None, ["ncc_death_lump_sum"], "2021-06", additions=[addition])


def test_province_funeral_level_below_the_legal_minimum_does_not_lower_it_and_above_raises_it():
    frame = _frame(
        tgxh_category=["elderly_80_no_pension"],
        birth_date=[datetime.date(1930, 1, 1)],
        death_date=[datetime.date(2024, 7, 15)],
    )
    for multiplier, expected in ((15, 10000000), (30, 15000000)):
        addition = ParameterAddition(
            "hatinh.tgxh_funeral_multiplier",
            datetime.date(2024, 1, 1),
            multiplier,
            "Quyết định của tỉnh (thử)",
        )
        out, _ = compute(frame, None, ["tgxh_funeral_support"], "2024-07", additions=[addition])
        assert out["tgxh_funeral_support"].item() == expected


# --- parameters and vectorised computation ----------------------------------------------------------


def test_war_invalid_table_has_one_row_per_rate_with_dated_references():
    infos = {info.path: info for info in list_parameters(build_tax_benefit_system())}
    rows = [infos[f"ncc.monthly.war_invalid.by_rate.r{rate}"] for rate in range(21, 101)]
    for info in rows:
        by_start = {value.start: value for value in info.values}
        assert by_start[datetime.date(2019, 7, 1)].value is None  # NĐ 58/2019: not found
        assert by_start[datetime.date(2023, 7, 1)].value > 0 and by_start[datetime.date(2024, 7, 1)].value > 0
        assert "NĐ 77/2024" in by_start[datetime.date(2024, 7, 1)].reference
    values_2024 = [{v.start: v.value for v in info.values}[datetime.date(2024, 7, 1)] for info in rows]
    assert values_2024 == sorted(values_2024) and len(set(values_2024)) == 80


def test_large_mixed_population_matches_a_row_by_row_lookup():
    rng = np.random.default_rng(12)
    size = 50_000
    categories = np.array(
        ["none", "war_invalid", "sick_soldier", "agent_orange", "martyr_relative", "heroic_mother"]
    )
    category = categories[rng.integers(0, len(categories), size)]
    rate = np.where(category == "sick_soldier", rng.integers(41, 101, size), rng.integers(21, 101, size))
    count = rng.integers(1, 5, size)
    result = _allowance(
        "2024-07",
        ncc_category=category.tolist(),
        ncc_injury_rate=rate.tolist(),
        ncc_martyr_count=count.tolist(),
    )
    tbs = build_tax_benefit_system()
    p = tbs.parameters("2024-07-01").ncc.monthly
    sick = [
        (41, 50, "r41_50"),
        (51, 60, "r51_60"),
        (61, 70, "r61_70"),
        (71, 80, "r71_80"),
        (81, 90, "r81_90"),
        (91, 100, "r91_100"),
    ]
    orange = [(21, 40, "r21_40"), (41, 60, "r41_60"), (61, 80, "r61_80"), (81, 100, "r81_100")]

    def band(bands, r):
        return next(key for low, high, key in bands if low <= r <= high)

    def expected(c, r, n):
        if c == "none":
            return 0
        if c == "war_invalid":
            return p.war_invalid.by_rate[f"r{r}"] + (p.war_invalid.supplement_81 if r >= 81 else 0)
        if c == "sick_soldier":
            return p.sick_soldier.by_band[band(sick, r)] + (p.sick_soldier.supplement_81 if r >= 81 else 0)
        if c == "agent_orange":
            return p.agent_orange.by_band[band(orange, r)] + (p.agent_orange.supplement_81 if r >= 81 else 0)
        if c == "martyr_relative":
            return [p.martyr_relative.one, p.martyr_relative.two, p.martyr_relative.three_or_more][
                min(n, 3) - 1
            ]
        return p.heroic_mother.allowance + p.heroic_mother.supplement

    sample = rng.choice(size, 2000, replace=False)
    for i in sample:
        assert result[i] == expected(category[i], int(rate[i]), int(count[i])), (
            category[i],
            rate[i],
            count[i],
        )
