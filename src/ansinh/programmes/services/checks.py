"""Running the checks on draft lists: read the programme's rows (``selectors.programme_rows``), compute the
flags (``checks.flags_compute``, pure), write amounts and flags set-based, recount the lists. In the caller's
transaction (the workflow services lock the lists first). Re-running keeps the resolved flags (with who
resolved them and why) and replaces the unresolved ones.
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection
from django.utils import timezone

from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.sql import Sql, compose, identifier, identifiers, in_clause, join, placeholders, table
from ansinh.programmes.checks import CheckSummary, amounts_to_change, flags_compute
from ansinh.programmes.models import BeneficiaryList, ListRow, Programme, RowFlag
from ansinh.programmes.selectors import programme_rows

FLAG_TABLE = RowFlag._meta.db_table


def lists_check(*, programme: Programme, list_ids: list[int], rule: str | None = None) -> CheckSummary:
    """Run every check on the draft lists ``list_ids`` (in the caller's transaction)."""
    rule = rule or programme.overlap_rule
    target, flags, overlap = flags_compute(everything=programme_rows(programme, list_ids), list_ids=list_ids,
                                           rule=rule, death_cutoff=programme.death_cutoff)
    changed = amounts_to_change(target, overlap)
    rows_update(changed.rename({"row_id": "id", "amount_left": "amount"}), ["amount"])
    _replace_flags(list_ids, flags)
    _refresh_totals(list_ids)
    counts = dict(flags.group_by("kind").len().iter_rows())
    return CheckSummary(rows=target.height, flags=counts, amounts_changed=changed.height)


ROW_UPDATE_TYPES = {"amount": Sql("bigint"), "excluded": Sql("boolean"), "return_reason": Sql("text")}


def rows_update(frame: pl.DataFrame, columns: list[str]) -> None:
    """Set ``columns`` of the list rows whose ``id`` is in ``frame`` (temporary table + one UPDATE on PostgreSQL)."""
    if frame.is_empty():
        return
    if connection.vendor == "postgresql":
        _rows_update_postgres(frame, columns)
        return
    each = placeholders(1)  # one per row of ``executemany``
    assignments = join(", ", (compose("{c} = {each}", c=identifier(c), each=each) for c in columns))
    with connection.cursor() as cursor:
        cursor.executemany(compose("UPDATE {rows} SET {assignments} WHERE id = {each}", rows=table(ListRow),
                                   assignments=assignments, each=each).text,
                           [(*values, row_id) for row_id, *values in frame.select("id", *columns).iter_rows()])


def _rows_update_postgres(frame: pl.DataFrame, columns: list[str]) -> None:
    staging = identifier("_row_update")
    definitions = join(", ", (compose("{c} {type}", c=identifier(c), type=ROW_UPDATE_TYPES[c]) for c in columns))
    assignments = join(", ", (compose("{c} = u.{c}", c=identifier(c)) for c in columns))
    buffer = io.BytesIO()
    frame.select("id", *columns).write_csv(buffer, include_header=False)
    with connection.cursor() as cursor:
        cursor.execute(*compose("CREATE TEMPORARY TABLE {staging} (id bigint, {definitions}) ON COMMIT DROP",
                                staging=staging, definitions=definitions))
        with cursor.cursor.copy(compose("COPY {staging} (id, {columns}) FROM STDIN WITH (FORMAT csv)",
                                        staging=staging, columns=identifiers(columns)).text) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(*compose("UPDATE {rows} r SET {assignments} FROM {staging} u WHERE r.id = u.id",
                                rows=table(ListRow), assignments=assignments, staging=staging))
        cursor.execute(*compose("DROP TABLE {staging}", staging=staging))


def _replace_flags(list_ids: list[int], flags: pl.DataFrame) -> None:
    with connection.cursor() as cursor:
        cursor.execute(*compose(
            "DELETE FROM {flags} WHERE resolution = %s AND row_id IN (SELECT id FROM {rows} WHERE {lists})", "",
            flags=table(RowFlag), rows=table(ListRow), lists=in_clause("beneficiary_list_id", list_ids)))
    kept = read_frame(*compose(
        "SELECT f.row_id, f.kind FROM {flags} f JOIN {rows} r ON r.id = f.row_id WHERE {lists}",
        flags=table(RowFlag), rows=table(ListRow), lists=in_clause("r.beneficiary_list_id", list_ids)),
        schema={"row_id": pl.Int64, "kind": pl.String})
    new = flags.join(kept, on=["row_id", "kind"], how="anti")
    start = reserve_ids(FLAG_TABLE, new.height)
    write_frame(FLAG_TABLE, new.select(
        (pl.int_range(pl.len()) + start).alias("id"), "row_id", "kind", pl.col("message").str.slice(0, 500),
        "amount_left", pl.lit("").alias("resolution"), pl.lit("").alias("justification"),
        pl.lit(None, dtype=pl.Int64).alias("resolved_by_id"), pl.lit(None, dtype=pl.Datetime("us", "UTC"))
        .alias("resolved_at")))


def _refresh_totals(list_ids: list[int], *, checked: bool = True) -> None:
    now = timezone.now()
    stamps = compose("checked_at = %s, updated_at = %s", now, now) if checked else compose("updated_at = %s", now)
    with connection.cursor() as cursor:
        cursor.execute(*compose(
            """UPDATE {lists} SET
                  row_count = (SELECT COUNT(*) FROM {rows} r WHERE r.beneficiary_list_id = {lists}.id AND NOT r.excluded),
                  amount_total = (SELECT COALESCE(SUM(r.amount), 0) FROM {rows} r
                                   WHERE r.beneficiary_list_id = {lists}.id AND NOT r.excluded),
                  {stamps}
                WHERE {chosen}""",
            lists=table(BeneficiaryList), rows=table(ListRow), stamps=stamps, chosen=in_clause("id", list_ids)))


def refresh_totals(list_ids: list[int]) -> None:
    """Recount people and amounts of the lists (after rows were excluded or kept)."""
    _refresh_totals(list_ids, checked=False)
