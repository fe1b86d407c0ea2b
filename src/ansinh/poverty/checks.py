"""The review's rules that need no database, as pure functions over values and frames: the transitions against the
list being managed, the posting period, the dates of a decision, the survey rows of a file.

Transitions of one round (``transitions_compute``), from the list in force on the round's reference date (the
previous list), the round's result and the household's history before that date:

=================  =============================================================================
``new_poor``       not poor before the round (none or near-poor), poor now, never poor before (phát sinh)
``back_poor``      same, but poor at some time before the reference date (tái nghèo)
``stays_poor``     poor before and now
``poor_to_near``   poor before, near-poor now
``out_poor``       poor before, neither now (thoát nghèo)
``new_near``       on no list before, near-poor now, never near-poor before
``back_near``      same, near-poor at some time before (tái cận nghèo)
``stays_near``     near-poor before and now
``out_near``       near-poor before, neither now (thoát cận nghèo)
``moved``          on the list before, moved away (marked, or the registry says it lives elsewhere)
``dissolved``      on the list before, the household is no more (marked, or no current member)
``not_reviewed``   on the list before, not surveyed in the round (yet)
``none``           on no list before or now
=================  =============================================================================

A near-poor household that becomes poor is ``new_poor`` or ``back_poor`` with ``from_near`` set. «Out of poverty»
in the summaries is ``out_poor`` + ``poor_to_near`` (the households that left the poor list).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ansinh.core.calendar import working_days_count

TRANSITIONS = {
    "new_poor": "Hộ nghèo phát sinh",
    "back_poor": "Hộ tái nghèo",
    "stays_poor": "Hộ nghèo tiếp tục",
    "poor_to_near": "Hộ nghèo chuyển sang cận nghèo",
    "out_poor": "Hộ thoát nghèo (ra khỏi danh sách)",
    "new_near": "Hộ cận nghèo phát sinh",
    "back_near": "Hộ tái cận nghèo",
    "stays_near": "Hộ cận nghèo tiếp tục",
    "out_near": "Hộ thoát cận nghèo",
    "moved": "Chuyển đi nơi khác",
    "dissolved": "Hộ không còn",
    "not_reviewed": "Thuộc danh sách nhưng chưa rà soát",
    "none": "Không thuộc hộ nghèo, cận nghèo",
}
CHANGES = [k for k in TRANSITIONS if k not in ("none", "stays_poor", "stays_near")]
POOR, NEAR = "poor", "near_poor"

ROWS_SCHEMA = {"round_id": pl.Int64, "household_id": pl.Int64, "final_status": pl.String, "exit_reason": pl.String,
               "surveyed": pl.Boolean}
PREVIOUS_SCHEMA = {"round_id": pl.Int64, "household_id": pl.Int64, "previous": pl.String, "moved_hint": pl.Boolean,
                   "dissolved_hint": pl.Boolean}
EVER_SCHEMA = {"round_id": pl.Int64, "household_id": pl.Int64, "ever_poor": pl.Boolean, "ever_near": pl.Boolean}


def transitions_compute(rows: pl.DataFrame, previous: pl.DataFrame, ever: pl.DataFrame) -> pl.DataFrame:
    """One row per household of the rounds or of their previous lists: ``round_id, household_id, previous,
    final_status, category, from_near``."""
    previous = (previous.sort("previous", descending=True)  # "poor" before "near_poor": a household on both is poor
                .unique(subset=["round_id", "household_id"], keep="first", maintain_order=True))
    joined = (rows.join(previous, on=["round_id", "household_id"], how="full", coalesce=True)
              .join(ever, on=["round_id", "household_id"], how="left"))
    prev, final = pl.col("previous").fill_null(""), pl.col("final_status").fill_null("")
    ever_poor, ever_near = pl.col("ever_poor").fill_null(False), pl.col("ever_near").fill_null(False)
    exit_reason = pl.col("exit_reason").fill_null("")
    on_list = prev != ""
    unreviewed = final == ""
    category = (
        pl.when(on_list & unreviewed & ((exit_reason == "moved") | (pl.col("moved_hint").fill_null(False)
                                                                      & (exit_reason == ""))))
        .then(pl.lit("moved"))
        .when(on_list & unreviewed & ((exit_reason == "dissolved") | pl.col("dissolved_hint").fill_null(False)))
        .then(pl.lit("dissolved"))
        .when(on_list & unreviewed).then(pl.lit("not_reviewed"))
        .when((prev == POOR) & (final == POOR)).then(pl.lit("stays_poor"))
        .when((prev == POOR) & (final == NEAR)).then(pl.lit("poor_to_near"))
        .when(prev == POOR).then(pl.lit("out_poor"))
        .when((final == POOR) & ever_poor).then(pl.lit("back_poor"))
        .when(final == POOR).then(pl.lit("new_poor"))
        .when((prev == NEAR) & (final == NEAR)).then(pl.lit("stays_near"))
        .when(prev == NEAR).then(pl.lit("out_near"))
        .when((final == NEAR) & ever_near).then(pl.lit("back_near"))
        .when(final == NEAR).then(pl.lit("new_near"))
        .otherwise(pl.lit("none"))
    )
    return joined.select("round_id", "household_id", prev.alias("previous"), final.alias("final_status"),
                         category.alias("category"), ((prev == NEAR) & (final == POOR)).alias("from_near"))


def working_days(start: dt.date, end: dt.date, holidays: frozenset[dt.date] = frozenset()) -> int:
    """Monday to Friday from ``start`` to ``end`` inclusive, without the public ``holidays``."""
    return working_days_count(start, end, holidays)


def posting_problems(start: dt.date | None, end: dt.date | None, *, required_working_days: int | None,
                     holidays: frozenset[dt.date] = frozenset()) -> list[str]:
    """Why a posting period cannot be recorded (empty: it can). ``holidays``: the public holidays in the period."""
    if start is None or end is None:
        return ["Nhập ngày bắt đầu và ngày kết thúc niêm yết công khai."]
    if end < start:
        return [f"Ngày kết thúc niêm yết {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}."]
    counted = working_days(start, end, holidays)
    if required_working_days is not None and counted < required_working_days:
        off = [day for day in sorted(holidays) if start <= day <= end and day.weekday() < 5]
        without = f" (không tính ngày nghỉ lễ {', '.join(f'{d:%d/%m}' for d in off)})" if off else ""
        return [f"Thời gian niêm yết từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} chỉ có {counted} ngày "
                f"làm việc{without}; quy trình yêu cầu ít nhất {required_working_days} ngày làm việc."]
    return []


def decision_problems(*, decision_date: dt.date | None, effective_date: dt.date | None, posting_end: dt.date | None,
                      reference_date: dt.date, today: dt.date) -> list[str]:
    """Why the commune chairman's decision cannot be recorded with these dates (empty: it can)."""
    if decision_date is None:
        return ["Nhập ngày ký quyết định công nhận."]
    problems = []
    if decision_date > today:
        problems.append(f"Ngày quyết định {decision_date:%d/%m/%Y} sau hôm nay.")
    if posting_end is None:
        problems.append("Kỳ rà soát chưa niêm yết công khai kết quả.")
    elif decision_date <= posting_end:
        problems.append(f"Quyết định ngày {decision_date:%d/%m/%Y} ký trước khi kết thúc niêm yết công khai (niêm yết "
                        f"đến hết ngày {posting_end:%d/%m/%Y}): chỉ công nhận sau thời gian niêm yết.")
    if effective_date is None:
        problems.append("Nhập ngày danh sách bắt đầu áp dụng.")
    elif effective_date < decision_date:
        problems.append(f"Ngày áp dụng {effective_date:%d/%m/%Y} trước ngày ký quyết định {decision_date:%d/%m/%Y}.")
    elif effective_date <= reference_date:
        problems.append(f"Ngày áp dụng {effective_date:%d/%m/%Y} phải sau ngày chốt danh sách đang quản lý "
                        f"{reference_date:%d/%m/%Y} của kỳ rà soát.")
    return problems


def meeting_problems(*, attendees: int | None, agreeing: int | None, required_percent: int | None) -> list[str]:
    if attendees is None or agreeing is None or attendees <= 0:
        return ["Nhập số người dự họp và số người thống nhất kết quả."]
    if agreeing > attendees:
        return ["Số người thống nhất không thể lớn hơn số người dự họp."]
    if required_percent is not None and agreeing * 100 < attendees * required_percent:
        return [f"Chỉ {agreeing}/{attendees} người dự họp thống nhất (dưới {required_percent}%): rà soát lại các hộ "
                "và tổ chức họp dân lại (QĐ 24/2021/QĐ-TTg Điều 4)."]
    return []


def default_reference_date(year: int, *, window_start: tuple[int, int] | None, today: dt.date) -> dt.date:
    """The day the list being managed is read for an annual round: the start of the periodic review when the
    procedure's window is known (QĐ 24/2021: 01/9), otherwise today, and never after the end of the year."""
    if window_start is not None:
        return dt.date(year, window_start[0], window_start[1])
    return min(today, dt.date(year, 12, 31))
