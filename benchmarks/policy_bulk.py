"""Benchmark of the bulk rules bridge on a province-sized synthetic population.

1.300.000 people in 370.000 households (numpy, seeded). Through ``ansinh.policy.bridge.compute``
(frames → OpenFisca simulation → frames):

- ``tgxh_monthly_allowance`` for one month (2024-07);
- ``poverty_status`` for the year 2024: the household inputs are given once for the year (OpenFisca
  applies them to each month) and the status is computed for each of the 12 months (12 columns), since
  the standard in force and the lines are monthly facts and an annual review is read month by month.

Baseline, measured in the same run: a plain Python loop over the same rows computing the same results
with the same parameter values; the results are checked equal. Run:

    .venv/bin/python benchmarks/policy_bulk.py [--persons N] [--households M]
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import time

import numpy as np
import polars as pl

from ansinh.policy.bridge import build_tax_benefit_system, compute
from ansinh.policy.variables.enums import TgxhCategory

SEED = 20240701
MONTH = "2024-07"
YEAR = "2024"
CATEGORIES = [
    c.name
    for c in TgxhCategory
    if c.name not in {"single_poor_parent", "child_under3_poor_difficult_area", "adult_hiv_poor_household"}
]


def synthesise(n_persons: int, n_households: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(SEED)
    household_of_person = np.concatenate(
        [np.arange(n_households), rng.integers(0, n_households, n_persons - n_households)]
    )
    role = np.where(np.arange(n_persons) < n_households, "head", "member")
    # 88 % not a beneficiary, the rest spread over the confirmed categories
    weights = np.array([0.88] + [0.12 / (len(CATEGORIES) - 1)] * (len(CATEGORIES) - 1))
    category = rng.choice(np.array(CATEGORIES), size=n_persons, p=weights)
    birth = np.datetime64("1920-01-01") + rng.integers(0, 365 * 104, n_persons).astype("timedelta64[D]")
    persons = pl.DataFrame(
        {
            "person_id": np.arange(n_persons, dtype=np.int64),
            "household_id": household_of_person.astype(np.int64),
            "role": role,
            "tgxh_category": category,
            "birth_date": birth,
        }
    )
    households = pl.DataFrame(
        {
            "household_id": np.arange(n_households, dtype=np.int64),
            "household_income_per_capita": np.round(rng.lognormal(14.3, 0.6, n_households), -3),
            "household_is_urban": rng.random(n_households) < 0.3,
            "household_deprivation_count": rng.binomial(12, 0.15, n_households).astype(np.int64),
        }
    )
    return persons, households


# --- plain Python baseline --------------------------------------------------------------------------


def _coefficient_table(tbs, instant: str) -> dict:
    c = tbs.parameters(instant).tgxh.coefficients
    return {
        "child_no_carer": (c.child_no_carer.under_4, c.child_no_carer.from_4),
        "student": c.student_16_22_former_child_no_carer,
        "child_hiv": (c.child_hiv_poor_household.under_4, c.child_hiv_poor_household.from_4),
        "elderly_poor": (c.elderly_poor_no_carer.from_60, c.elderly_poor_no_carer.from_80),
        "elderly_75": c.elderly_75_80_poor_difficult_area,
        "elderly_80": c.elderly_80_no_pension,
        "community": c.elderly_community_care,
        "esp": (c.disabled_especially_severe.adult, c.disabled_especially_severe.child_or_elderly),
        "sev": (c.disabled_severe.adult, c.disabled_severe.child_or_elderly),
    }


# The table, row by row: category -> coefficient at an age (``t`` from ``_coefficient_table``).
_PYTHON_RULES = {
    "child_no_carer": lambda age, t: t["child_no_carer"][0] if age < 4 else (t["child_no_carer"][1] if age < 16 else 0.0),
    "student_16_22_former_child_no_carer": lambda age, t: t["student"] if 16 <= age <= 22 else 0.0,
    "child_hiv_poor_household": lambda age, t: t["child_hiv"][0] if age < 4 else (t["child_hiv"][1] if age < 16 else 0.0),
    "elderly_poor_no_carer": lambda age, t: t["elderly_poor"][1] if age >= 80 else (
        t["elderly_poor"][0] if age >= 60 else 0.0),
    "elderly_75_80_poor_difficult_area": lambda age, t: t["elderly_75"] if 75 <= age < 80 else 0.0,
    "elderly_80_no_pension": lambda age, t: t["elderly_80"] if age >= 80 else 0.0,
    "elderly_community_care": lambda age, t: t["community"] if age >= 60 else 0.0,
    "disabled_especially_severe": lambda age, t: t["esp"][0] if 16 <= age < 60 else t["esp"][1],
    "disabled_severe": lambda age, t: t["sev"][0] if 16 <= age < 60 else t["sev"][1],
}


def _python_coefficient(category: str, age: int, t: dict) -> float:
    rule = _PYTHON_RULES.get(category)
    return rule(age, t) if rule else 0.0


def python_allowances(persons: pl.DataFrame, tbs) -> list[int]:
    year, month = (int(x) for x in MONTH.split("-"))
    last_day = calendar.monthrange(year, month)[1]
    table = _coefficient_table(tbs, f"{MONTH}-01")
    standard = tbs.parameters(f"{MONTH}-01").tgxh.standard_level
    result = []
    for category, birth in zip(
        persons["tgxh_category"].to_list(), persons["birth_date"].to_list(), strict=True
    ):
        age = year - birth.year - ((birth.month, birth.day) > (month, last_day))
        coefficient = _python_coefficient(category, age, table)
        result.append(round(standard * coefficient) if coefficient else 0)
    return result


def python_poverty(households: pl.DataFrame, tbs) -> dict[str, list[str]]:
    columns = {}
    rows = list(
        zip(
            households["household_income_per_capita"].to_list(),
            households["household_is_urban"].to_list(),
            households["household_deprivation_count"].to_list(),
            strict=True,
        )
    )
    for month in range(1, 13):
        p = tbs.parameters(f"{YEAR}-{month:02d}-01").poverty.nd07_2021
        rural, urban, threshold = p.income_line.rural, p.income_line.urban, p.deprivation_threshold
        statuses = []
        for income, is_urban, deprivations in rows:
            if income <= (urban if is_urban else rural):
                statuses.append("poor" if deprivations >= threshold else "near_poor")
            else:
                statuses.append("not_poor")
        columns[f"poverty_status_{YEAR}-{month:02d}"] = statuses
    return columns


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_300_000)
    parser.add_argument("--households", type=int, default=370_000)
    args = parser.parse_args()

    started = time.perf_counter()
    tbs = build_tax_benefit_system()
    load_seconds = time.perf_counter() - started
    persons, households = synthesise(args.persons, args.households)
    print(f"Dân số tổng hợp: {persons.height:,} người, {households.height:,} hộ (seed {SEED})")
    print(f"Nạp hệ thống quy tắc (YAML + biến, một lần, có cache): {load_seconds:.2f} s")

    started = time.perf_counter()
    persons_out, _ = compute(persons, None, ["tgxh_monthly_allowance"], MONTH)
    allowance_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _, households_out = compute(
        persons.select("person_id", "household_id", "role"), households, ["poverty_status"], YEAR
    )
    poverty_seconds = time.perf_counter() - started
    bridge_seconds = allowance_seconds + poverty_seconds

    started = time.perf_counter()
    expected_allowances = python_allowances(persons, tbs)
    python_allowance_seconds = time.perf_counter() - started
    started = time.perf_counter()
    expected_poverty = python_poverty(households, tbs)
    python_poverty_seconds = time.perf_counter() - started
    python_seconds = python_allowance_seconds + python_poverty_seconds

    assert persons_out["tgxh_monthly_allowance"].to_list() == expected_allowances, "allowances differ"
    for name, values in expected_poverty.items():
        assert households_out[name].to_list() == values, f"{name} differs"
    paid = sum(1 for a in expected_allowances if a)
    poor = sum(1 for s in expected_poverty[f"poverty_status_{YEAR}-01"] if s == "poor")

    print(f"Kết quả giống vòng lặp Python: có ({paid:,} người có trợ cấp; {poor:,} hộ nghèo tháng 01)")
    print()
    print(f"{'':44}{'bridge.compute':>16}{'vòng lặp Python':>18}{'tỉ lệ':>9}")
    for label, ours, theirs in (
        (
            f"tgxh_monthly_allowance {MONTH} ({persons.height:,} người)",
            allowance_seconds,
            python_allowance_seconds,
        ),
        (
            f"poverty_status {YEAR}, 12 tháng ({households.height:,} hộ)",
            poverty_seconds,
            python_poverty_seconds,
        ),
        ("Tổng", bridge_seconds, python_seconds),
    ):
        print(f"{label:44}{ours:>14.2f} s{theirs:>16.2f} s{theirs / ours:>8.1f}×")
    verdict = "ĐẠT" if bridge_seconds < 5 else "CHƯA ĐẠT"
    print(f"\nMục tiêu < 5 s cho bridge.compute (chuyển khung dữ liệu → mô phỏng → khung dữ liệu): {verdict}")
    print(f"(ngày chạy {datetime.datetime.now().astimezone().date().isoformat()})")  # the machine's local date


if __name__ == "__main__":
    main()
