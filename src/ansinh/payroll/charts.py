"""The chart of a register's last payroll months (server-rendered SVG through ``core.charts``): the amount in the
lists (light) with the amount paid (solid) per month, the persons paid as a line."""

from __future__ import annotations

import polars as pl

from ansinh.core.charts import Column, columns
from ansinh.core.formatting import vn_billions, vn_number


def months_columns(series: pl.DataFrame) -> list[Column]:
    """``series``: month, persons, amount, paid (one row per payroll month)."""
    out = []
    for r in series.to_dicts():
        amount, paid, persons = int(r["amount"] or 0), int(r["paid"] or 0), int(r["persons"] or 0)
        month = r["month"]
        out.append(Column(label=f"{month:%m/%y}", whole=amount, part=paid, line=persons or None,  # no payroll: no point
                          tip=f"{month:%m/%Y}: {vn_number(persons)} người, {vn_number(amount)} đ trong danh sách, "
                              f"{vn_number(paid)} đ đã chi"))
    return out


def months_chart(series: pl.DataFrame, *, title: str, testid: str = "months-chart", width: int = 720) -> str:
    cols = months_columns(series)
    people = max((c.line or 0 for c in cols), default=0)
    return columns(cols, title=title, testid=testid, width=width, top_text=lambda v: vn_billions(v, 2),
                   legend=f"■ nhạt: trong danh sách · ■ đậm: đã chi · — số người (cao nhất {vn_number(people)})",
                   empty="Chưa có dữ liệu.")
