"""Parameters: metadata on every node, UNCONFIRMED values refuse to compute, administrator additions."""

import datetime

import polars as pl
import pytest

from ansinh.policy import UnsetParameterError
from ansinh.policy.bridge import (
    ParameterAddition,
    ParameterAdditionError,
    build_tax_benefit_system,
    compute,
    list_parameters,
)
from ansinh.policy.explain import explain

UNCONFIRMED = {
    "tgxh.coefficients.single_poor_parent",
    "tgxh.coefficients.child_under3_poor_difficult_area",
    "tgxh.coefficients.adult_hiv_poor_household",
    "poverty.review_scores.rural.b1_near_poor_max",
    "poverty.nd351_2025.indicators_as_nd07_2021",
}


def _frame(category: str, birth: datetime.date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": ["p"],
            "household_id": ["h"],
            "role": ["head"],
            "tgxh_category": [category],
            "birth_date": [birth],
        }
    )


def test_every_parameter_has_description_reference_and_dated_values():
    infos = list_parameters(build_tax_benefit_system())
    assert len(infos) > 50
    for info in infos:
        assert info.description, info.path
        assert info.reference, info.path
        assert info.values, info.path
        assert all(v.reference for v in info.values), info.path


def test_every_parameter_node_has_a_vietnamese_description_and_reference():
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(build_tax_benefit_system().parameters):
        assert node.description, node.name
        assert node.metadata.get("reference"), node.name


def test_unconfirmed_parameters_are_listed_empty():
    infos = {info.path: info for info in list_parameters(build_tax_benefit_system())}
    for path in UNCONFIRMED:
        assert infos[path].unconfirmed and infos[path].has_empty_value, path
    standard = [v.value for v in infos["tgxh.standard_level"].values]
    assert 540000 not in standard  # 1/7/2026 level is UNCONFIRMED: not declared


@pytest.mark.parametrize(
    ("category", "birth", "parameter"),
    [
        ("single_poor_parent", datetime.date(1990, 1, 1), "tgxh.coefficients.single_poor_parent"),
        ("child_under3_poor_difficult_area", datetime.date(2023, 1, 1), "tgxh.coefficients.child_under3"),
        ("adult_hiv_poor_household", datetime.date(1980, 1, 1), "tgxh.coefficients.adult_hiv_poor_household"),
    ],
)
def test_unconfirmed_coefficient_refuses_to_compute_naming_the_parameter(category, birth, parameter):
    with pytest.raises(UnsetParameterError, match=parameter) as raised:
        compute(_frame(category, birth), None, ["tgxh_monthly_allowance"], "2024-07")
    assert "chưa có giá trị" in str(raised.value)
    with pytest.raises(UnsetParameterError, match=parameter):
        explain("tgxh_monthly_allowance", "2024-07", {"tgxh_category": category, "birth_date": birth})


def test_population_without_unconfirmed_category_still_computes():
    persons_out, _ = compute(
        _frame("disabled_severe", datetime.date(1990, 1, 1)), None, ["tgxh_monthly_allowance"], "2024-07"
    )
    assert persons_out["tgxh_monthly_allowance"].item() == 750000


def test_coefficients_before_nd20_2021_use_nd136_or_are_unconfirmed_not_zero():
    # NĐ 136/2013 coefficient confirmed in POLICY.md §2: 270.000 × 1,0.
    out, _ = compute(
        _frame("elderly_80_no_pension", datetime.date(1930, 1, 1)),
        None,
        ["tgxh_monthly_allowance"],
        "2021-06",
    )
    assert out["tgxh_monthly_allowance"].item() == 270000
    # Not confirmed before 7/2021 (community care) or not existing before NĐ 20/2021 (75–80 in a poor
    # household of an extremely difficult area): empty, never 0.
    for category, birth in (
        ("elderly_community_care", datetime.date(1940, 1, 1)),
        ("elderly_75_80_poor_difficult_area", datetime.date(1944, 1, 1)),
    ):
        with pytest.raises(UnsetParameterError, match=f"tgxh.coefficients.{category}"):
            compute(_frame(category, birth), None, ["tgxh_monthly_allowance"], "2021-06")


def test_deprivation_count_from_indicators_in_2027_needs_the_unconfirmed_indicator_list():
    with pytest.raises(UnsetParameterError, match="poverty.nd351_2025.indicators_as_nd07_2021"):
        explain(
            "poverty_status",
            "2027-01",
            {"household_income_per_capita": 1_000_000, "nd07_deprived_toilet": True},
        )
    given = explain(
        "poverty_status",
        "2027-01",
        {"household_income_per_capita": 1_000_000, "household_deprivation_count": 3},
    )
    assert given.value == "poor"
    confirmed = ParameterAddition(
        "poverty.nd351_2025.indicators_as_nd07_2021",
        datetime.date(2027, 1, 1),
        True,
        "Văn bản xác nhận (thử nghiệm)",
    )
    result = explain(
        "household_deprivation_count", "2027-01", {"nd07_deprived_toilet": True}, additions=[confirmed]
    )
    assert result.value == 1


def test_addition_applies_from_its_date_only():
    addition = ParameterAddition(
        "tgxh.standard_level", datetime.date(2026, 7, 1), 540000, "Văn bản 2026 (thử nghiệm)"
    )
    frame = _frame("elderly_80_no_pension", datetime.date(1940, 1, 1))
    before, _ = compute(frame, None, ["tgxh_monthly_allowance"], "2026-06", additions=[addition])
    after, _ = compute(frame, None, ["tgxh_monthly_allowance"], "2026-07", additions=[addition])
    without, _ = compute(frame, None, ["tgxh_monthly_allowance"], "2026-07")
    assert before["tgxh_monthly_allowance"].item() == 500000
    assert after["tgxh_monthly_allowance"].item() == 540000
    assert without["tgxh_monthly_allowance"].item() == 500000


def test_addition_between_yaml_values_keeps_later_values():
    correction = ParameterAddition("tgxh.standard_level", datetime.date(2023, 1, 1), 400000, "Sửa thử nghiệm")
    tbs = build_tax_benefit_system([correction])
    values = {
        v.start: v.value
        for v in next(i for i in list_parameters(tbs) if i.path == "tgxh.standard_level").values
    }
    assert values[datetime.date(2023, 1, 1)] == 400000
    assert values[datetime.date(2024, 7, 1)] == 500000
    assert values[datetime.date(2021, 7, 1)] == 360000


def test_addition_fills_an_unconfirmed_coefficient_from_its_date():
    addition = ParameterAddition(
        "tgxh.coefficients.single_poor_parent", datetime.date(2025, 1, 1), 1.0, "Thử nghiệm"
    )
    frame = _frame("single_poor_parent", datetime.date(1990, 1, 1))
    out, _ = compute(frame, None, ["tgxh_monthly_allowance"], "2025-01", additions=[addition])
    assert out["tgxh_monthly_allowance"].item() == 500000
    with pytest.raises(UnsetParameterError):
        compute(frame, None, ["tgxh_monthly_allowance"], "2024-12", additions=[addition])
    explanation = explain(
        "tgxh_monthly_allowance",
        "2025-01",
        {"tgxh_category": "single_poor_parent", "birth_date": "1990-01-01"},
        [addition],
    )
    assert "Thử nghiệm" in explanation.to_text()


def test_addition_overlap_rule_stack():
    stack = ParameterAddition(
        "covid.nq42_2020.overlap_rule", datetime.date(2020, 4, 1), "stack", "Hướng dẫn (thử nghiệm)"
    )
    inputs = {"covid_group_ncc": True, "covid_group_poor_household_member": True}
    assert explain("covid_support_total", "2020", inputs).value == 1_500_000
    assert explain("covid_support_total", "2020", inputs, [stack]).value == 2_250_000


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (ParameterAddition("tgxh.standard_levels", datetime.date(2026, 7, 1), 1, "x"), "Không có tham số"),
        (ParameterAddition("tgxh.coefficients", datetime.date(2026, 7, 1), 1, "x"), "nhóm tham số"),
        (ParameterAddition("tgxh.standard_level", datetime.date(2026, 7, 1), "nhiều", "x"), "số không âm"),
        (ParameterAddition("tgxh.standard_level", datetime.date(2026, 7, 1), -5, "x"), "số không âm"),
        (
            ParameterAddition("covid.nq42_2020.overlap_rule", datetime.date(2020, 4, 1), "max", "x"),
            "chỉ nhận",
        ),
        (ParameterAddition("tgxh.standard_level", datetime.date(2026, 7, 1), 540000, " "), "căn cứ pháp lý"),
    ],
)
def test_invalid_additions_are_refused_in_vietnamese(addition, message):
    with pytest.raises(ParameterAdditionError, match=message):
        build_tax_benefit_system([addition])
