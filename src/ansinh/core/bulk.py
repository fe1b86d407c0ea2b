"""Set-based reads and writes of frames: COPY on PostgreSQL, executemany on SQLite (registry, lists, payments).

Runs in the caller's transaction. Ids are reserved in one block (table locked on PostgreSQL) so that
frames can reference each other before anything is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import polars as pl
from django.db import connection

from ansinh.core.sql import Sql, compose, identifier, identifiers, placeholders

CHUNK_ROWS = 50_000


def reserve_ids(table: str, count: int) -> int:
    """First id of a block of ``count`` fresh ids of ``table`` (a table name from model metadata)."""
    name = identifier(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(*compose("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", table=name))
        cursor.execute(*compose("SELECT COALESCE(MAX(id), 0) FROM {table}", table=name))
        start = cursor.fetchone()[0] + 1
        if connection.vendor == "postgresql" and count:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start + count - 1])
    return start


def write_frame(table: str, frame: pl.DataFrame, progress: Callable[[int], None] | None = None) -> int:
    """Insert every row of ``frame`` (columns named as the table's) into ``table``; ``progress`` gets the
    number of rows written after each chunk."""
    if frame.is_empty():
        return 0
    name, columns = identifier(table), identifiers(frame.columns)
    if connection.vendor == "postgresql":
        statement = compose("COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                            table=name, columns=columns)
    else:
        statement = compose("INSERT INTO {table} ({columns}) VALUES ({values})", table=name, columns=columns,
                            values=placeholders(len(frame.columns)))
    with connection.cursor() as cursor:
        for offset in range(0, frame.height, CHUNK_ROWS):
            chunk = frame.slice(offset, CHUNK_ROWS)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="\\N",
                                datetime_format="%Y-%m-%dT%H:%M:%S%.f%z")
                with cursor.cursor.copy(statement.text) as copy:
                    copy.write(buffer.getvalue())
            else:
                cursor.executemany(statement.text, chunk.rows())
            if progress:
                progress(min(offset + CHUNK_ROWS, frame.height))
        if connection.vendor == "postgresql" and frame.height > 10_000:
            # fresh statistics, or the next joins plan as if the table were empty
            cursor.execute(*compose("ANALYZE {table}", table=name))
    return frame.height


def copy_out(sql: str, params: Sequence | None = None) -> io.BytesIO:
    """PostgreSQL: the query's rows as CSV with a header, streamed with ``COPY (...) TO STDOUT``.

    COPY has no server-side parameters: psycopg (>= 3.1) merges ``params`` into the statement client-side,
    with the same adaptation and quoting as a client-side-binding cursor. Without ``params`` the text is sent
    as it is (a ``%`` needs no doubling), as ``cursor.execute(sql)`` does."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(
            compose("COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)", query=Sql(sql)).text,
            list(params) if params else None) as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return buffer


def read_frame(sql: str, params: Sequence | None = None, schema: dict | None = None) -> pl.DataFrame:
    """Run a query and return its rows as a frame (column names from the cursor).

    On PostgreSQL the rows are streamed with ``COPY ... TO STDOUT`` (CSV), with ``params`` bound client-side
    (``copy_out``): several times faster than fetching Python tuples at 10⁶ rows. Build ``sql``/``params``
    with ``core.sql`` (``read_frame(*compose(...), schema=...)``).
    """
    if connection.vendor == "postgresql":
        return _frame_from_csv(copy_out(sql, params), schema)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params) if params else None)
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    return _typed(pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None), schema)


def _frame_from_csv(buffer: io.BytesIO, schema: dict | None) -> pl.DataFrame:
    overrides = {n: (pl.String if t == pl.Boolean else t) for n, t in (schema or {}).items()}
    # Dates are typed through the schema: ``try_parse_dates`` over whole text columns costs ~20x the read.
    frame = pl.read_csv(buffer, try_parse_dates=not schema, schema_overrides=overrides)
    booleans = [n for n, t in (schema or {}).items() if t == pl.Boolean and n in frame.columns]
    return frame.with_columns(pl.col(n) == "t" for n in booleans)


def _typed(frame: pl.DataFrame, schema: dict | None) -> pl.DataFrame:
    """Fetched rows cast to ``schema`` (SQLite returns dates and booleans as text or integers)."""
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
