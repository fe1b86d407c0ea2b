"""The registry as a Polars frame for the matching model: one query, no ORM objects.

PostgreSQL streams the rows with ``COPY ... TO STDOUT`` (1.3M people in a few seconds);
SQLite reads them through one cursor in chunks. People merged into another (``Person.merged_into``) are left
out: they are no longer candidates.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from ansinh.core.bulk import copy_out
from ansinh.core.sql import Sql, compose, in_clause, table
from ansinh.geo.models import AdminUnit
from ansinh.registry.models import Person

COLUMNS = ["person_id", "full_name", "sex", "birth_date", "birth_precision", "pid", "cmnd",
           "commune_code", "commune_name", "commune_id"]
SCHEMA = {"person_id": pl.Int64, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date,
          "birth_precision": pl.String, "pid": pl.String, "cmnd": pl.String, "commune_code": pl.String,
          "commune_name": pl.String, "commune_id": pl.Int64}

_SQL = """
SELECT p.id AS person_id, p.full_name, p.sex, p.birth_date, p.birth_precision, p.pid, p.cmnd,
       u.code AS commune_code, u.name AS commune_name, p.commune_id
FROM {people} p JOIN {units} u ON u.id = p.commune_id
WHERE p.merged_into_id IS NULL AND {people_chosen} AND {communes_chosen}
"""


def registry_frame(*, person_ids: list[int] | None = None, commune_ids: list[int] | None = None) -> pl.DataFrame:
    """Every (not merged) person: ``COLUMNS``; only ``person_ids`` / the communes ``commune_ids`` when given."""
    if (person_ids is not None and not person_ids) or (commune_ids is not None and not commune_ids):
        return pl.DataFrame(schema=SCHEMA)
    everyone = Sql("1 = 1")
    query = compose(_SQL, people=table(Person), units=table(AdminUnit),
                    people_chosen=in_clause("p.id", person_ids) if person_ids is not None else everyone,
                    communes_chosen=in_clause("p.commune_id", commune_ids) if commune_ids is not None else everyone)
    if connection.vendor == "postgresql":
        return pl.read_csv(copy_out(*query), schema=SCHEMA)
    with connection.cursor() as cursor:
        cursor.execute(*query)
        chunks = []
        while rows := cursor.fetchmany(200_000):
            frame = pl.DataFrame(rows, schema=COLUMNS, orient="row", infer_schema_length=None)
            if frame.schema["birth_date"] == pl.String:  # SQLite without date conversion
                frame = frame.with_columns(pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False))
            chunks.append(frame.cast(SCHEMA))
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=SCHEMA)
