"""The checks before appraisal, as pure functions over frames (no database): the caller
(``services.checks.lists_check``) reads the programme's rows, calls ``flags_compute`` and writes the flags.

Kinds (``FlagKind``): the same person twice in a list (two registry records with the same folded name
and birth date); in another list or group of the programme (the overlap rule decides the amount that
is left); already in an approved (or paid) list of the same group; dead before the programme's cut-off;
identity number inconsistent with the registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ansinh.core.formatting import vn_money
from ansinh.core.identity import pid_messages
from ansinh.programmes.models import FROZEN_STATUSES, FlagKind, ListStatus, OverlapRule

PAID_STATUSES = (ListStatus.PAID, ListStatus.RECONCILED, ListStatus.CLOSED)


def status_labels() -> dict[str, str]:
    return {k: str(v) for k, v in ListStatus.choices}


@dataclass(frozen=True)
class CheckSummary:
    rows: int
    flags: dict[str, int]
    amounts_changed: int

    @property
    def flagged(self) -> int:
        return sum(self.flags.values())


def overlap_amounts(rows: pl.DataFrame, rule: str) -> pl.DataFrame:
    """Amount each non-excluded row keeps under ``rule`` (row_id, amount_left, winner_row_id).

    ``highest_only`` (as ``covid_support_amount``): per person, the row of an approved list first (it
    cannot change any more), then the highest group amount, then the group order, then the oldest
    list keeps its group amount; the other rows keep 0. ``stack``: every row keeps its group amount.
    """
    live = rows.filter(~pl.col("excluded"))
    if rule == OverlapRule.STACK:
        return live.select("row_id", pl.col("group_amount").alias("amount_left"), pl.col("row_id").alias("winner_row_id"))
    ranked = live.with_columns(
        pl.col("list_status").is_in([str(s) for s in FROZEN_STATUSES]).alias("_frozen")
    ).sort(["person_id", "_frozen", "group_amount", "group_order", "list_id"],
           descending=[False, True, True, False, False])
    winners = ranked.group_by("person_id", maintain_order=True).agg(pl.col("row_id").first().alias("winner_row_id"))
    return ranked.join(winners, on="person_id").select(
        "row_id",
        pl.when(pl.col("row_id") == pl.col("winner_row_id")).then(pl.col("group_amount")).otherwise(0)
        .alias("amount_left"),
        "winner_row_id",
    )


def _place(prefix: str = "") -> pl.Expr:
    return pl.format("nhóm {} – {} ({})", pl.col(f"{prefix}group_code"), pl.col(f"{prefix}commune_name"),
                     pl.col(f"{prefix}status_label"))


def _flags_duplicates(target: pl.DataFrame) -> pl.DataFrame:
    key = ["list_id", "search_key", "birth_date"]
    dup = target.with_columns(pl.col("person_id").n_unique().over(key).alias("_n")).filter(pl.col("_n") > 1)
    return dup.select(
        "row_id", pl.lit(FlagKind.DUPLICATE_IN_LIST.value).alias("kind"),
        pl.format("Có {} người cùng họ tên «{}» và ngày sinh {} trong danh sách này: có thể là một người đăng ký hai lần.",
                  pl.col("_n"), pl.col("full_name"), pl.col("birth_date").dt.strftime("%d/%m/%Y")).alias("message"),
        pl.lit(None, dtype=pl.Int64).alias("amount_left"))


def _flags_other_lists(target: pl.DataFrame, everything: pl.DataFrame, overlap: pl.DataFrame,
                       rule: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    others = everything.filter(~pl.col("excluded")).select(
        pl.col("person_id"), pl.col("row_id").alias("o_row_id"), pl.col("list_id").alias("o_list_id"),
        pl.col("group_id").alias("o_group_id"), pl.col("group_code").alias("o_group_code"),
        pl.col("commune_name").alias("o_commune_name"), pl.col("decision_number").alias("o_decision"),
        pl.col("list_status").is_in([str(s) for s in FROZEN_STATUSES]).alias("o_frozen"),
        pl.col("list_status").is_in([str(s) for s in PAID_STATUSES]).alias("o_paid"),
        pl.col("list_status").replace_strict(status_labels(), default="").alias("o_status_label"))
    pairs = target.join(others, on="person_id").filter(pl.col("o_list_id") != pl.col("list_id"))
    approved_same = pairs.filter(pl.col("o_frozen") & (pl.col("o_group_id") == pl.col("group_id")))
    already = approved_same.group_by("row_id", maintain_order=True).agg(
        pl.when(pl.col("o_paid"))
        .then(pl.format("Đã được chi trả nhóm {} của chương trình ở danh sách {} (quyết định số {}): không hỗ trợ "
                        "hai lần cho cùng một nhóm.", pl.col("o_group_code"), _place("o_"), pl.col("o_decision")))
        .otherwise(pl.format("Đã có trong danh sách {} đã phê duyệt (quyết định số {}): không hỗ trợ hai lần cho "
                             "cùng một nhóm.", _place("o_"), pl.col("o_decision")))
        .sort_by(pl.col("o_paid"), descending=True).first().alias("message"))
    already = already.select("row_id", pl.lit(FlagKind.ALREADY_APPROVED.value).alias("kind"), "message",
                             pl.lit(0, dtype=pl.Int64).alias("amount_left"))
    other = pairs.filter(~(pl.col("o_frozen") & (pl.col("o_group_id") == pl.col("group_id"))))
    other = other.group_by("row_id", maintain_order=True).agg(
        pl.format("{}", _place("o_")).str.join("; ").alias("places"))
    other = other.join(overlap.select("row_id", "amount_left"), on="row_id", how="left")
    rule_label = str(dict(OverlapRule.choices).get(rule, rule))
    other = other.select(
        "row_id", pl.lit(FlagKind.OTHER_LIST.value).alias("kind"),
        pl.format("Cũng có trong danh sách {}. Theo quy tắc «{}», dòng này còn {}.", pl.col("places"),
                  pl.lit(rule_label), pl.col("amount_left").map_elements(vn_money, return_dtype=pl.String))
        .str.slice(0, 500).alias("message"),
        pl.col("amount_left").cast(pl.Int64))
    return other, already


def _flags_dead(target: pl.DataFrame, cutoff: dt.date) -> pl.DataFrame:
    dead = target.filter(pl.col("death_date").is_not_null() & (pl.col("death_date") < cutoff))
    return dead.select("row_id", pl.lit(FlagKind.DEAD.value).alias("kind"),
                       pl.format("Đã mất ngày {}, trước ngày {}: không thuộc diện hỗ trợ.",
                                 pl.col("death_date").dt.strftime("%d/%m/%Y"), pl.lit(cutoff.strftime("%d/%m/%Y")))
                       .alias("message"), pl.lit(0, dtype=pl.Int64).alias("amount_left"))


def _flags_identity(target: pl.DataFrame) -> pl.DataFrame:
    given = pl.col("identity_number")
    differs = (given != "") & (given != pl.col("pid")) & (given != pl.col("cmnd"))
    mismatch = target.filter(differs).select(
        "row_id", pl.lit(FlagKind.IDENTITY.value).alias("kind"),
        pl.format("Số định danh trên danh sách «{}» khác số trong cơ sở dữ liệu «{}».", given,
                  pl.when(pl.col("pid") != "").then(pl.col("pid")).when(pl.col("cmnd") != "").then(pl.col("cmnd"))
                  .otherwise(pl.lit("chưa có"))).alias("message"),
        pl.lit(None, dtype=pl.Int64).alias("amount_left"))
    reasons = pid_messages(target.filter(~differs & (pl.col("pid") != "")), key="row_id", pid="pid", sex="sex",
                           birth="birth_date")
    messages = [(row_id, text[:500]) for row_id, text in reasons.items()]
    inconsistent = pl.DataFrame(messages, schema={"row_id": pl.Int64, "message": pl.String}, orient="row").select(
        "row_id", pl.lit(FlagKind.IDENTITY.value).alias("kind"), "message",
        pl.lit(None, dtype=pl.Int64).alias("amount_left"))
    return pl.concat([mismatch, inconsistent])


def flags_compute(*, everything: pl.DataFrame, list_ids: list[int], rule: str,
                  death_cutoff: dt.date) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(target rows, their flags, the overlap amounts) for the draft lists ``list_ids``, from every row of the
    programme that concerns their people (``selectors.programme_rows``)."""
    everything = everything.with_columns(
        pl.col("list_status").replace_strict(status_labels(), default="").alias("status_label"))
    target = everything.filter(pl.col("list_id").is_in(list_ids) & ~pl.col("excluded")
                               & (pl.col("list_status") == ListStatus.DRAFT))
    overlap = overlap_amounts(everything, rule)
    other, already = _flags_other_lists(target, everything, overlap, rule)
    flags = pl.concat([
        _flags_duplicates(target), other, already, _flags_dead(target, death_cutoff), _flags_identity(target),
    ], how="vertical_relaxed").unique(subset=["row_id", "kind"], keep="first", maintain_order=True)
    return target, flags, overlap


def amounts_to_change(target: pl.DataFrame, overlap: pl.DataFrame) -> pl.DataFrame:
    """(row id, new amount) of the target rows whose amount the overlap rule changes."""
    return (target.join(overlap.select("row_id", "amount_left"), on="row_id", how="left")
            .with_columns(pl.col("amount_left").fill_null(pl.col("group_amount")))
            .filter(pl.col("amount_left") != pl.col("amount")).select("row_id", "amount_left"))
