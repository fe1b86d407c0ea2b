"""The programme's link to the rules: additions to pass to ``bridge.compute`` and explanation links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ansinh.policy.bridge import ParameterAddition, build_tax_benefit_system, compute
from ansinh.policy.links import explanation_url
from ansinh.policy.selectors import approved_additions
from ansinh.programmes.models import Programme


def programme_additions(programme: Programme) -> tuple[ParameterAddition, ...]:
    """Approved values (policy app), then the programme's overlap rule on its own parameter (dated at the
    window start). A database error propagates: amounts are never computed without the approved values."""
    additions = tuple(approved_additions())
    if programme.overlap_parameter:
        additions += (ParameterAddition(
            parameter=programme.overlap_parameter, start=programme.window_start, value=programme.overlap_rule,
            reference=f"Quy tắc trùng nhóm của chương trình «{programme.name}» (mã {programme.code})"),)
    return additions


def window_months(programme: Programme) -> list[str]:
    """The months of the programme window: ['2020-04', '2020-05', '2020-06']."""
    months, year, month = [], programme.window_start.year, programme.window_start.month
    while (year, month) <= (programme.window_end.year, programme.window_end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute_amounts(programme: Programme, persons: pl.DataFrame, variables: list[str],
                    households: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Monthly amounts summed over the programme window (``bridge.compute`` once per month, with the
    programme's additions). Computing month by month rather than for the year keeps the rules from
    being asked for months outside the window, where some parameters are empty on purpose."""
    additions = programme_additions(programme)
    totals: tuple[pl.DataFrame, pl.DataFrame | None] | None = None
    for month in window_months(programme):
        persons_out, households_out = compute(persons, households, variables, month, additions=additions)
        if totals is None:
            totals = (persons_out, households_out)
            continue
        totals = (_add(totals[0], persons_out, "person_id"),
                  None if households_out is None else _add(totals[1], households_out, "household_id"))
    if totals is None:
        raise ValueError(f"Programme {programme.code} has an empty window")
    return totals


def _add(left: pl.DataFrame, right: pl.DataFrame, key: str) -> pl.DataFrame:
    return left.select(key, *[(pl.col(c).cast(pl.Int64) + right[c].cast(pl.Int64)).alias(c)
                              for c in left.columns if c != key])


def explanation_link(variable: str, period: str, inputs: dict[str, Any]) -> str:
    """URL of the explanation page for one amount."""
    clean = {k: (dt.date.fromisoformat(v) if isinstance(v, str) and k.endswith("_date") else v)
             for k, v in inputs.items()}
    return explanation_url(variable, period, clean)


def rules_amount_variables() -> dict[str, str]:
    """The rules' monthly amounts of a person (đồng) a group can be paid by: name → Vietnamese label."""
    tbs = build_tax_benefit_system()
    return {name: v.label for name, v in sorted(tbs.variables.items())
            if v.value_type is int and v.definition_period == "month" and v.entity.key == "person" and v.formulas
            and "đồng" in (v.label or "")}


def rules_condition_variables() -> dict[str, str]:
    """The rules' yes/no inputs of a person a group sets true for its members: name → Vietnamese label."""
    tbs = build_tax_benefit_system()
    return {name: v.label for name, v in sorted(tbs.variables.items())
            if v.value_type is bool and not v.formulas and v.entity.key == "person"}
