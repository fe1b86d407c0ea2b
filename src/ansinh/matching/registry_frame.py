"""The registry as a Polars frame for the matching model: one query, no ORM objects.

PostgreSQL streams the rows with ``COPY ... TO STDOUT`` (1.3M people in a few seconds);
SQLite reads them through one cursor in chunks. People merged into another (an active
``PersonMerge``) are left out: they are no longer candidates.
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection

COLUMNS = ["person_id", "full_name", "sex", "birth_date", "birth_precision", "pid", "cmnd",
           "commune_code", "commune_name", "commune_id"]
SCHEMA = {"person_id": pl.Int64, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date,
          "birth_precision": pl.String, "pid": pl.String, "cmnd": pl.String, "commune_code": pl.String,
          "commune_name": pl.String, "commune_id": pl.Int64}

_SQL = """
SELECT p.id AS person_id, p.full_name, p.sex, p.birth_date, p.birth_precision, p.pid, p.cmnd,
       u.code AS commune_code, u.name AS commune_name, p.commune_id
FROM registry_person p JOIN geo_adminunit u ON u.id = p.commune_id
WHERE NOT EXISTS (SELECT 1 FROM matching_personmerge m WHERE m.merged_id = p.id AND m.undone_at IS NULL)
"""


def registry_frame(*, person_ids: list[int] | None = None) -> pl.DataFrame:
    """Every (not merged) person: ``COLUMNS``; only ``person_ids`` when given."""
    sql = _SQL
    params: list = []
    if person_ids is not None:
        if not person_ids:
            return pl.DataFrame(schema=SCHEMA)
        sql += " AND p.id IN (" + ",".join(str(int(i)) for i in person_ids) + ")"
    if connection.vendor == "postgresql":
        return _copy_postgres(sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        chunks = []
        while rows := cursor.fetchmany(200_000):
            frame = pl.DataFrame(rows, schema=COLUMNS, orient="row", infer_schema_length=None)
            if frame.schema["birth_date"] == pl.String:  # SQLite without date conversion
                frame = frame.with_columns(pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False))
            chunks.append(frame.cast(SCHEMA))
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=SCHEMA)


def _copy_postgres(sql: str) -> pl.DataFrame:
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, \
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return pl.read_csv(buffer, schema=SCHEMA)
