"""Checks before appraisal, set-based over the whole programme (Polars over one query), flags per row.

Kinds (``FlagKind``): the same person twice in a list (two registry records with the same folded name
and birth date); in another list or group of the programme (the overlap rule decides the amount that
is left); already in an approved list of the same group, or already paid; dead before the programme's
cut-off; identity number inconsistent with the registry. Re-running the checks keeps the resolved
flags (with who resolved them and why) and replaces the unresolved ones.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.utils import timezone

from ansinh.core.bulk import id_list_sql, read_frame, reserve_ids, write_frame
from ansinh.core.formatting import vn_money
from ansinh.core.identity import IdentityError, check_pid
from ansinh.programmes.models import (
    FROZEN_STATUSES,
    FlagKind,
    ListRow,
    ListStatus,
    OverlapRule,
    Programme,
    RowFlag,
)

FLAG_TABLE = RowFlag._meta.db_table
ROW_TABLE = ListRow._meta.db_table


def _status_labels() -> dict[str, str]:
    return {k: str(v) for k, v in ListStatus.choices}

ROWS_SQL = """
SELECT r.id AS row_id, r.beneficiary_list_id AS list_id, r.person_id, r.excluded, r.group_amount, r.amount,
       r.identity_number, l.status AS list_status, l.decision_number, g.id AS group_id, g.code AS group_code,
       g."order" AS group_order, c.name AS commune_name,
       p.full_name, p.search_key, p.birth_date, p.sex, p.pid, p.cmnd, p.death_date
  FROM programmes_listrow r
  JOIN programmes_beneficiarylist l ON l.id = r.beneficiary_list_id
  JOIN programmes_beneficiarygroup g ON g.id = l.group_id
  JOIN geo_adminunit c ON c.id = l.commune_id
  JOIN registry_person p ON p.id = r.person_id
 WHERE l.programme_id = {programme_id}{people}
"""
ROWS_SCHEMA = {
    "row_id": pl.Int64, "list_id": pl.Int64, "person_id": pl.Int64, "excluded": pl.Boolean,
    "group_amount": pl.Int64, "amount": pl.Int64, "identity_number": pl.String, "list_status": pl.String,
    "decision_number": pl.String, "group_id": pl.Int64, "group_code": pl.String, "group_order": pl.Int64,
    "commune_name": pl.String, "full_name": pl.String, "search_key": pl.String, "birth_date": pl.Date,
    "sex": pl.String, "pid": pl.String, "cmnd": pl.String, "death_date": pl.Date,
}


@dataclass(frozen=True)
class CheckSummary:
    rows: int
    flags: dict[str, int]
    amounts_changed: int

    @property
    def flagged(self) -> int:
        return sum(self.flags.values())


def programme_rows(programme: Programme, list_ids: list[int] | None = None) -> pl.DataFrame:
    """Rows of the programme; with ``list_ids``, only the rows of the people who appear in those lists
    (all a check of those lists needs: the cost follows the lists checked, not the whole programme)."""
    people = ""
    if list_ids is not None and len(list_ids) <= 50:
        people = (" AND r.person_id IN (SELECT person_id FROM programmes_listrow WHERE beneficiary_list_id IN "
                  f"{id_list_sql(list_ids)})")
    return read_frame(ROWS_SQL.format(programme_id=int(programme.pk), people=people), schema=ROWS_SCHEMA).with_columns(pl.col(c).fill_null("") for c in ("identity_number", "pid", "cmnd", "decision_number"))


def _paid(programme: Programme) -> pl.DataFrame:
    return read_frame(
        f"SELECT person_id, group_id FROM payments_paymentline WHERE programme_id = {int(programme.pk)} "
        "AND status = 'paid'", schema={"person_id": pl.Int64, "group_id": pl.Int64})


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
        pl.col("list_status").replace_strict(_status_labels(), default="").alias("o_status_label"))
    pairs = target.join(others, on="person_id").filter(pl.col("o_list_id") != pl.col("list_id"))
    approved_same = pairs.filter(pl.col("o_frozen") & (pl.col("o_group_id") == pl.col("group_id")))
    already = approved_same.group_by("row_id", maintain_order=True).agg(
        pl.format("Đã có trong danh sách {} đã phê duyệt (quyết định số {}): không hỗ trợ hai lần cho cùng một nhóm.",
                  _place("o_"), pl.col("o_decision")).first().alias("message"))
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


def _flags_paid(target: pl.DataFrame, paid: pl.DataFrame) -> pl.DataFrame:
    hit = target.join(paid, on=["person_id", "group_id"], how="semi")
    return hit.select("row_id", pl.lit(FlagKind.ALREADY_APPROVED.value).alias("kind"),
                      pl.format("Đã được chi trả nhóm {} của chương trình này.", pl.col("group_code")).alias("message"),
                      pl.lit(0, dtype=pl.Int64).alias("amount_left"))


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
    pid = pl.col("pid")
    digit4 = pid.str.slice(3, 1).cast(pl.Int32, strict=False)
    pid_year = 1900 + (digit4 // 2) * 100 + pid.str.slice(4, 2).cast(pl.Int32, strict=False)
    pid_sex = pl.when(digit4 % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F"))
    suspicious = target.filter(~differs & (pid != "") & (
        (digit4 > 5) | (pid_sex != pl.col("sex")) | (pid_year != pl.col("birth_date").dt.year())))
    messages = []
    for row_id, value, sex, birth in suspicious.select("row_id", "pid", "sex", "birth_date").iter_rows():
        try:
            check_pid(value, sex=sex, birth_year=birth.year if birth else None)
        except IdentityError as err:
            messages.append((row_id, str(err)[:500]))
    inconsistent = pl.DataFrame(messages, schema={"row_id": pl.Int64, "message": pl.String}, orient="row").select(
        "row_id", pl.lit(FlagKind.IDENTITY.value).alias("kind"), "message",
        pl.lit(None, dtype=pl.Int64).alias("amount_left"))
    return pl.concat([mismatch, inconsistent])


def lists_check(*, programme: Programme, list_ids: list[int], rule: str | None = None) -> CheckSummary:
    """Run every check on the draft lists ``list_ids`` (in the caller's transaction)."""
    rule = rule or programme.overlap_rule
    everything = programme_rows(programme, list_ids).with_columns(
        pl.col("list_status").replace_strict(_status_labels(), default="").alias("status_label"))
    target = everything.filter(pl.col("list_id").is_in(list_ids) & ~pl.col("excluded")
                               & (pl.col("list_status") == ListStatus.DRAFT))
    overlap = overlap_amounts(everything, rule)
    other, already = _flags_other_lists(target, everything, overlap, rule)
    flags = pl.concat([
        _flags_duplicates(target), other, already, _flags_paid(target, _paid(programme)),
        _flags_dead(target, programme.death_cutoff), _flags_identity(target),
    ], how="vertical_relaxed").unique(subset=["row_id", "kind"], keep="first", maintain_order=True)
    changed = _apply_amounts(target, overlap)
    _replace_flags(list_ids, flags)
    _refresh_totals(list_ids)
    counts = dict(flags.group_by("kind").len().iter_rows())
    return CheckSummary(rows=target.height, flags=counts, amounts_changed=changed)


def _apply_amounts(target: pl.DataFrame, overlap: pl.DataFrame) -> int:
    changed = (target.join(overlap.select("row_id", "amount_left"), on="row_id", how="left")
               .with_columns(pl.col("amount_left").fill_null(pl.col("group_amount")))
               .filter(pl.col("amount_left") != pl.col("amount")).select("row_id", "amount_left"))
    rows_update(changed.rename({"row_id": "id", "amount_left": "amount"}), ["amount"])
    return changed.height


def rows_update(frame: pl.DataFrame, columns: list[str]) -> None:
    """Set ``columns`` of the list rows whose ``id`` is in ``frame`` (temporary table + one UPDATE on PostgreSQL)."""
    if frame.is_empty():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = {"amount": "bigint", "excluded": "boolean", "return_reason": "text"}
            cursor.execute("CREATE TEMPORARY TABLE _row_update (id bigint, "
                           + ", ".join(f"{c} {types[c]}" for c in columns) + ") ON COMMIT DROP")
            buffer = io.BytesIO()
            frame.select("id", *columns).write_csv(buffer, include_header=False)
            with cursor.cursor.copy(f"COPY _row_update (id, {', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
            cursor.execute(f"UPDATE {ROW_TABLE} r SET " + ", ".join(f"{c} = u.{c}" for c in columns)
                           + " FROM _row_update u WHERE r.id = u.id")
            cursor.execute("DROP TABLE _row_update")
        else:
            cursor.executemany(f"UPDATE {ROW_TABLE} SET " + ", ".join(f"{c} = %s" for c in columns) + " WHERE id = %s",
                               [(*values, row_id) for row_id, *values in frame.select("id", *columns).iter_rows()])


def _replace_flags(list_ids: list[int], flags: pl.DataFrame) -> None:
    ids = id_list_sql(list_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FLAG_TABLE} WHERE resolution = '' AND row_id IN "
                       f"(SELECT id FROM {ROW_TABLE} WHERE beneficiary_list_id IN {ids})")
    kept = read_frame(f"SELECT f.row_id, f.kind FROM {FLAG_TABLE} f JOIN {ROW_TABLE} r ON r.id = f.row_id "
                      f"WHERE r.beneficiary_list_id IN {ids}", schema={"row_id": pl.Int64, "kind": pl.String})
    new = flags.join(kept, on=["row_id", "kind"], how="anti")
    start = reserve_ids(FLAG_TABLE, new.height)
    write_frame(FLAG_TABLE, new.select(
        (pl.int_range(pl.len()) + start).alias("id"), "row_id", "kind", pl.col("message").str.slice(0, 500),
        "amount_left", pl.lit("").alias("resolution"), pl.lit("").alias("justification"),
        pl.lit(None, dtype=pl.Int64).alias("resolved_by_id"), pl.lit(None, dtype=pl.Datetime("us", "UTC"))
        .alias("resolved_at")))


def _refresh_totals(list_ids: list[int], *, checked: bool = True) -> None:
    ids = id_list_sql(list_ids)
    now = timezone.now()
    checked_sql = "checked_at = %s," if checked else ""
    params = [now, now] if checked else [now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE programmes_beneficiarylist SET
                  row_count = (SELECT COUNT(*) FROM {ROW_TABLE} r
                                WHERE r.beneficiary_list_id = programmes_beneficiarylist.id AND NOT r.excluded),
                  amount_total = (SELECT COALESCE(SUM(r.amount), 0) FROM {ROW_TABLE} r
                                   WHERE r.beneficiary_list_id = programmes_beneficiarylist.id AND NOT r.excluded),
                  {checked_sql} updated_at = %s
                WHERE id IN {ids}""", params)


def refresh_totals(list_ids: list[int]) -> None:
    """Recount people and amounts of the lists (after rows were excluded or kept)."""
    _refresh_totals(list_ids, checked=False)
