"""Set-based reads and writes of frames: COPY on PostgreSQL, executemany on SQLite (registry, lists, payments).

Runs in the caller's transaction. Ids are reserved in one block (table locked on PostgreSQL) so that
frames can reference each other before anything is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from django.db import connection

CHUNK_ROWS = 50_000


def reserve_ids(table: str, count: int) -> int:
    """First id of a block of ``count`` fresh ids of ``table``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
        if connection.vendor == "postgresql" and count:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start + count - 1])
    return start


def write_frame(table: str, frame: pl.DataFrame, progress: Callable[[int], None] | None = None) -> int:
    """Insert every row of ``frame`` (columns named as the table's) into ``table``; ``progress`` gets the
    number of rows written after each chunk."""
    if frame.is_empty():
        return 0
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with connection.cursor() as cursor:
        for offset in range(0, frame.height, CHUNK_ROWS):
            chunk = frame.slice(offset, CHUNK_ROWS)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="\\N",
                                datetime_format="%Y-%m-%dT%H:%M:%S%.f%z")
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                    copy.write(buffer.getvalue())
            else:
                placeholders = ", ".join(["%s"] * len(frame.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", chunk.rows())
            if progress:
                progress(min(offset + CHUNK_ROWS, frame.height))
        if connection.vendor == "postgresql" and frame.height > 10_000:
            cursor.execute(f"ANALYZE {table}")  # fresh statistics, or the next joins plan as if it were empty
    return frame.height


def read_frame(sql: str, params: list | tuple = (), schema: dict | None = None) -> pl.DataFrame:
    """Run a query and return its rows as a frame (column names from the cursor).

    On PostgreSQL a query without parameters is streamed with ``COPY ... TO STDOUT`` (CSV), which is
    several times faster than fetching Python tuples at 10⁶ rows.
    """
    if connection.vendor == "postgresql" and not params:
        buffer = io.BytesIO()
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        overrides = {n: (pl.String if t == pl.Boolean else t) for n, t in (schema or {}).items()}
        # Dates are typed through the schema: ``try_parse_dates`` over whole text columns costs ~20x the read.
        frame = pl.read_csv(buffer, try_parse_dates=not schema, schema_overrides=overrides)
        booleans = [n for n, t in (schema or {}).items() if t == pl.Boolean and n in frame.columns]
        return frame.with_columns(pl.col(n) == "t" for n in booleans)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    for name, dtype in (schema or {}).items():
        if name not in frame.columns:
            continue
        column = frame[name]
        if dtype == pl.Date and column.dtype == pl.String:
            column = column.str.slice(0, 10).str.to_date()
        elif dtype == pl.Boolean and column.dtype == pl.String:
            column = column.is_in(["1", "t", "true"])
        frame = frame.with_columns(column.cast(dtype).alias(name))
    return frame


def id_list_sql(ids: list[int]) -> str:
    """An inline ``(1, 2, 3)`` for integer ids (never user text)."""
    return "(" + ", ".join(str(int(i)) for i in ids) + ")" if ids else "(NULL)"
