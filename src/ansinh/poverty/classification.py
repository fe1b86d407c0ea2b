"""The review's link to the rules: every surveyed household is classified by ``poverty_status`` of the standard in
force for the round (``standards.period_for``), through ``ansinh.policy.bridge.compute`` — one implementation,
vectorised (a whole province in one call), with the administrator's approved values. Also which line applied and
the explanation link of one household.

A standard whose parameters are not all set (an UNCONFIRMED value, e.g. the NĐ 351/2025 indicator list) refuses
with the rules' own Vietnamese message; nothing is classified, nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ansinh.core.errors import DomainError, UserError
from ansinh.policy.bridge import ParameterAddition, compute, parameter_at
from ansinh.policy.links import explanation_url
from ansinh.policy.selectors import approved_additions
from ansinh.poverty.standards import (
    FIRST_YEAR,
    ND07_2021,
    PROCEDURE_LABELS,
    QD59_2015,
    STANDARD_LABELS,
    indicators_for,
    period_for,
    standard_for,
)

CLASSIFIED_SCHEMA = {"key": pl.Int64, "rules_status": pl.String, "deprivation_count": pl.Int64,
                     "poverty_line": pl.Int64, "near_poor_line": pl.Int64}


@dataclass(frozen=True)
class Lines:
    """The income lines of the standard for the round (đồng/người/tháng); ``near_*`` only for QĐ 59/2015."""

    poor_rural: int
    poor_urban: int
    near_rural: int | None
    near_urban: int | None
    threshold: int


def year_checked(year: int) -> int:
    if not isinstance(year, int) or year < FIRST_YEAR or year > 2100:
        raise DomainError(f"Năm rà soát {year} không hợp lệ: hệ thống mô hình hoá chuẩn nghèo từ kỳ rà soát năm "
                          f"{FIRST_YEAR} (QĐ 59/2015/QĐ-TTg).", field="year")
    return year


def _start(year: int) -> dt.date:
    return dt.date.fromisoformat(f"{period_for(year)}-01")


def lines_for(year: int, additions: tuple[ParameterAddition, ...] | None = None) -> Lines:
    """The lines in force for the round of ``year`` (those the rules read); a refusal names an empty one."""
    additions = approved_additions() if additions is None else additions
    on = _start(year)

    def value(path: str) -> int:
        found = parameter_at(path, on, additions)
        if found is None:
            raise DomainError(f"Tham số «{path}» chưa có giá trị tại ngày {on:%d/%m/%Y}.")
        return int(found)

    if standard_for(year) == QD59_2015:
        return Lines(value("poverty.qd59_2015.income_line_poor.rural"), value("poverty.qd59_2015.income_line_poor.urban"),
                     value("poverty.qd59_2015.income_line_near_poor.rural"),
                     value("poverty.qd59_2015.income_line_near_poor.urban"),
                     value("poverty.qd59_2015.deprivation_threshold"))
    return Lines(value("poverty.nd07_2021.income_line.rural"), value("poverty.nd07_2021.income_line.urban"), None, None,
                 value("poverty.nd07_2021.deprivation_threshold"))


def _households_frame(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    indicators = indicators_for(year)
    return frame.select(
        pl.col("key").cast(pl.Int64).alias("household_id"),
        pl.col("income_per_capita").cast(pl.Float64).alias("household_income_per_capita"),
        pl.col("is_urban").cast(pl.Boolean).fill_null(False).alias("household_is_urban"),
        *[pl.col(i.column).cast(pl.Boolean).fill_null(False).alias(i.variable) for i in indicators])


def classify(frame: pl.DataFrame, *, year: int, additions: tuple[ParameterAddition, ...] | None = None) -> pl.DataFrame:
    """``frame``: ``key`` (unique), ``is_urban``, ``income_per_capita`` and the ``d_*`` columns of the standard.
    Returns ``key, rules_status, deprivation_count, poverty_line, near_poor_line`` in the same order.

    Raises ``DomainError`` (Vietnamese) when the standard cannot be computed for the year."""
    year_checked(year)
    if frame.is_empty():
        return pl.DataFrame(schema=CLASSIFIED_SCHEMA)
    additions = approved_additions() if additions is None else additions
    households = _households_frame(frame, year)
    persons = households.select(pl.col("household_id").alias("person_id"), "household_id",
                                pl.lit("head").alias("role"))
    try:
        _, out = compute(persons, households, ["poverty_status", "household_deprivation_count"], period_for(year),
                         additions=additions)
    except UserError as err:
        raise DomainError(_refusal(year, err)) from err
    lines = lines_for(year, additions)
    urban = households["household_is_urban"]
    return pl.DataFrame({
        "key": households["household_id"],
        "rules_status": out["poverty_status"],
        "deprivation_count": out["household_deprivation_count"].cast(pl.Int64),
        "poverty_line": pl.select(pl.when(urban).then(lines.poor_urban).otherwise(lines.poor_rural)).to_series(),
        "near_poor_line": (pl.select(pl.when(urban).then(lines.near_urban).otherwise(lines.near_rural)).to_series()
                           if lines.near_rural is not None else pl.Series([None] * len(urban), dtype=pl.Int64)),
    }, schema=CLASSIFIED_SCHEMA)


def _refusal(year: int, err: Exception) -> str:
    standard = standard_for(year)
    return (f"Chưa phân loại được hộ nghèo, hộ cận nghèo kỳ rà soát năm {year} theo {STANDARD_LABELS[standard]} "
            f"(kỳ tính {period_for(year)}): {err} Không có dữ liệu nào được ghi.")


def standard_ready(year: int, additions: tuple[ParameterAddition, ...] | None = None) -> None:
    """Refuse (DomainError) before anything is read or written when the year's standard cannot classify."""
    probe = pl.DataFrame({"key": [1], "is_urban": [False], "income_per_capita": [0]})
    probe = probe.with_columns(*[pl.lit(False).alias(i.column) for i in indicators_for(year)])
    classify(probe, year=year, additions=additions)


def explanation_link(review, year: int) -> str:
    """The explanation page of one household's classification (which indicators were deprived, which line)."""
    inputs = {"household_income_per_capita": review.income_per_capita or 0,
              "household_is_urban": bool(review.is_urban)}
    inputs.update({i.variable: bool(getattr(review, i.column)) for i in indicators_for(year)})
    return explanation_url("poverty_status", period_for(year), inputs)


def standard_description(year: int) -> dict[str, str]:
    standard = standard_for(year)
    return {"standard": standard, "label": STANDARD_LABELS[standard], "procedure": PROCEDURE_LABELS[standard],
            "period": period_for(year), "has_near_line": standard == QD59_2015,
            "nd07": standard == ND07_2021}
