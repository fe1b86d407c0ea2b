"""Set-based writes of ``HouseholdReview`` rows in the caller's transaction: insert a frame (ids reserved in one
block, ``COPY`` on PostgreSQL), update columns of the rows of a frame (a temporary table and one ``UPDATE`` on
PostgreSQL, ``executemany`` on SQLite). Column names come from the model; values are bound, never in the text."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
from django.db import connection
from django.utils import timezone

from ansinh.core.bulk import reserve_ids, write_frame
from ansinh.core.sql import Sql, compose, identifier, identifiers, join, placeholders, table
from ansinh.poverty.models import HouseholdReview
from ansinh.poverty.standards import INDICATOR_COLUMNS

REVIEW_TABLE = HouseholdReview._meta.db_table
UTC = dt.UTC

# Every column of the table with its type, for a frame written as new rows (defaults for the absent ones).
REVIEW_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64, "review_round_id": pl.Int64, "household_id": pl.Int64, "commune_id": pl.Int64,
    "source": pl.String, "screening": pl.String, "exit_reason": pl.String, "surveyed_on": pl.Date,
    "surveyor": pl.String, "is_urban": pl.Boolean, "income_per_capita": pl.Int64,
    **{c: pl.Boolean for c in INDICATOR_COLUMNS},
    "b1_score": pl.Int64, "b2_score": pl.Int64, "note": pl.String, "rules_status": pl.String,
    "deprivation_count": pl.Int64, "poverty_line": pl.Int64, "near_poor_line": pl.Int64,
    "classified_at": pl.Datetime("us", "UTC"), "meeting_status": pl.String, "meeting_reason": pl.String,
    "final_status": pl.String, "survey_import_id": pl.Int64, "recorded_by_id": pl.Int64,
    "updated_at": pl.Datetime("us", "UTC"),
}
_TEXT_DEFAULTS = {"source", "screening", "exit_reason", "surveyor", "note", "rules_status", "meeting_status",
                  "meeting_reason", "final_status"}
_SQL_TYPES = {pl.Int64: "bigint", pl.String: "text", pl.Boolean: "boolean", pl.Date: "date"}


def _default(name: str, dtype: pl.DataType, now: dt.datetime) -> pl.Expr:
    if name == "updated_at":
        return pl.lit(now, dtype=dtype)
    if name in _TEXT_DEFAULTS:
        return pl.lit("", dtype=pl.String)
    if dtype == pl.Boolean:
        return pl.lit(False)
    return pl.lit(None, dtype=dtype)


def reviews_insert(frame: pl.DataFrame) -> int:
    """New rows from ``frame`` (any subset of ``REVIEW_COLUMNS`` but ``id``)."""
    if frame.is_empty():
        return 0
    now = timezone.now().astimezone(UTC)
    start = reserve_ids(REVIEW_TABLE, frame.height)
    full = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + start).alias("id"))
    full = full.select([
        (pl.col(name).cast(dtype) if name in full.columns else _default(name, dtype, now)).alias(name)
        for name, dtype in REVIEW_COLUMNS.items()])
    full = full.with_columns([pl.col(c).fill_null("") for c in _TEXT_DEFAULTS]
                             + [pl.col(c).fill_null(False) for c in REVIEW_COLUMNS if REVIEW_COLUMNS[c] == pl.Boolean])
    return write_frame(REVIEW_TABLE, full)


def reviews_update(frame: pl.DataFrame, columns: list[str], *, constants: dict | None = None) -> int:
    """Set ``columns`` of the rows whose ``id`` is in ``frame``, and ``constants`` (the same value for every row,
    bound once: a timestamp) with ``updated_at``."""
    if frame.is_empty():
        return 0
    now = timezone.now().astimezone(UTC)
    constants = {"updated_at": now, **(constants or {})}
    data = frame.select("id", *[pl.col(c).cast(REVIEW_COLUMNS[c]) for c in columns])
    if connection.vendor == "postgresql":
        return _update_postgres(data, columns, constants)
    each = placeholders(1)
    assignments = join(", ", (compose("{c} = {each}", c=identifier(c), each=each) for c in [*columns, *constants]))
    statement = compose("UPDATE {t} SET {assignments} WHERE id = {each}", t=table(HouseholdReview),
                        assignments=assignments, each=each).text
    fixed = tuple(constants.values())
    with connection.cursor() as cursor:
        cursor.executemany(statement, [(*values, *fixed, row_id)
                                       for row_id, *values in data.select("id", *columns).iter_rows()])
    return data.height


def _sql_type(dtype: pl.DataType) -> Sql:
    if isinstance(dtype, pl.Datetime):
        return Sql("timestamptz")
    return Sql(_SQL_TYPES[dtype])


def _update_postgres(data: pl.DataFrame, columns: list[str], constants: dict) -> int:
    staging = identifier("_review_update")
    definitions = join(", ", (compose("{c} {t}", c=identifier(c), t=_sql_type(REVIEW_COLUMNS[c])) for c in columns))
    assignments = join(", ", [compose("{c} = u.{c}", c=identifier(c)) for c in columns]
                       + [compose("{c} = %s", value, c=identifier(c)) for c, value in constants.items()])
    buffer = io.BytesIO()
    data.select("id", *columns).write_csv(buffer, include_header=False, null_value="\\N",
                                          datetime_format="%Y-%m-%dT%H:%M:%S%.f%z")
    with connection.cursor() as cursor:
        cursor.execute(*compose("CREATE TEMPORARY TABLE {s} (id bigint, {d}) ON COMMIT DROP", s=staging,
                                d=definitions))
        with cursor.cursor.copy(compose("COPY {s} (id, {c}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", s=staging,
                                        c=identifiers(columns)).text) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(*compose("UPDATE {t} r SET {a} FROM {s} u WHERE r.id = u.id", t=table(HouseholdReview),
                                a=assignments, s=staging))
        updated = cursor.rowcount
        cursor.execute(*compose("DROP TABLE {s}", s=staging))
    return updated
