"""Set-based writes of many households and people: COPY on PostgreSQL, executemany on SQLite.

Frames carry their own local ids (``household_id``, ``person_id``); this module
allocates database ids in one block under a table lock, so the frames can
reference each other (a household's head, a person's household) before anything
is written. Everything happens in the caller's transaction: an interrupted load
leaves nothing behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.utils import timezone

from ansinh.core.bulk import reserve_ids, write_frame
from ansinh.core.sql import Sql, compose, identifier
from ansinh.registry.models import Household, Membership, Person

logger = logging.getLogger(__name__)
# When a load brings more than this many people, and more than the table already holds, PostgreSQL
# foreign keys and secondary indexes of the registry tables are dropped before COPY and rebuilt after,
# as pg_restore does: one validating join and one index build are far cheaper than a trigger and an
# index update per row. The tables are locked for the duration. Smaller loads into a large registry
# keep the indexes (rebuilding 1.3M rows' indexes would cost more than it saves).
REBUILD_ABOVE = 50_000


@dataclass(frozen=True)
class BulkResult:
    households: int
    persons: int
    memberships: int


def _table(model) -> str:
    return model._meta.db_table


def _write(model, frame: pl.DataFrame, progress: Callable[[int], None] | None = None) -> None:
    write_frame(_table(model), frame, progress)


@dataclass(frozen=True)
class _Deferred:
    """Secondary indexes and foreign keys taken off the registry tables during a large load."""

    indexes: list[str]
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)


def _estimated_rows(model) -> int:
    """PostgreSQL's own row estimate (no count over a million rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [_table(model)])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _take_off_constraints(tables: list[str]) -> _Deferred:
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(*compose("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", table=identifier(name)))
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                 FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""", [tables])
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [tables])
        indexes = cursor.fetchall()
        for name, constraint, _ in foreign_keys:
            cursor.execute(*compose("ALTER TABLE {table} DROP CONSTRAINT {constraint}", table=identifier(name),
                                    constraint=identifier(constraint)))
        for index, _ in indexes:
            cursor.execute(*compose("DROP INDEX {index}", index=identifier(index)))
    return _Deferred(indexes=[definition for _, definition in indexes], foreign_keys=foreign_keys)


def _put_back(deferred: _Deferred) -> None:
    # The definitions are DDL PostgreSQL itself wrote (pg_indexes.indexdef, pg_get_constraintdef) for the
    # indexes and constraints ``_take_off_constraints`` just dropped: replayed as they are.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in deferred.indexes:
            cursor.execute(definition)
        for name, constraint, definition in deferred.foreign_keys:
            cursor.execute(*compose("ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}",
                                    table=identifier(name), constraint=identifier(constraint),
                                    definition=Sql(definition)))


def bulk_insert_registry(*, households: pl.DataFrame, persons: pl.DataFrame,
                         progress: Callable[[str, int, int], None] | None = None) -> BulkResult:
    """Write households, persons and their current memberships.

    households: household_id, code, commune_id, recorded_commune_id, village, address_detail, is_urban,
                head_person_id (a person_id of ``persons``)
    persons: person_id, household_id, relationship, full_name, search_key, sex, birth_date, birth_precision,
             ethnicity_code, pid, cmnd, social_insurance_no, phone, death_date, commune_id, joined_date,
             left_date (optional)
    """
    now = timezone.now()
    household_start = reserve_ids(_table(Household), households.height)
    person_start = reserve_ids(_table(Person), persons.height)
    membership_start = reserve_ids(_table(Membership), persons.height)

    hh_map = households.select(
        pl.col("household_id"), (pl.int_range(pl.len()) + household_start).alias("db_household_id"))
    p_map = persons.select(pl.col("person_id"), (pl.int_range(pl.len()) + person_start).alias("db_person_id"))

    hh = (
        households.join(hh_map, on="household_id", how="left")
        .join(p_map.rename({"person_id": "head_person_id", "db_person_id": "head_id"}), on="head_person_id",
              how="left")
        .select(
            pl.col("db_household_id").alias("id"), "code", "commune_id", "recorded_commune_id",
            pl.col("village").fill_null(""), pl.col("address_detail").fill_null(""), "is_urban", "head_id",
            pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
        )
    )
    if "left_date" not in persons.columns:
        persons = persons.with_columns(pl.lit(None, dtype=pl.Date).alias("left_date"))
    joined = persons.join(p_map, on="person_id", how="left").join(hh_map, on="household_id", how="left")
    ps = joined.select(
        pl.col("db_person_id").alias("id"), "full_name", "search_key", "sex", "birth_date", "birth_precision",
        "ethnicity_code", "pid", "cmnd", "social_insurance_no", pl.col("phone").fill_null(""), "death_date",
        "commune_id",
        pl.when(pl.col("left_date").is_null()).then(pl.col("db_household_id")).otherwise(None).alias("household_id"),
        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
    )
    ms = joined.select(
        (pl.int_range(pl.len()) + membership_start).alias("id"),
        pl.col("db_household_id").alias("household_id"), pl.col("db_person_id").alias("person_id"),
        "relationship", "joined_date", "left_date",
        pl.when(pl.col("left_date").is_not_null() & pl.col("death_date").is_not_null())
        .then(pl.lit("Đã mất")).otherwise(pl.lit("")).alias("left_reason"),
    )
    total = hh.height + ps.height + ms.height

    def step(label: str, base: int):
        def report(rows: int) -> None:
            if progress:
                progress(label, base + rows, total)
        return report

    rebuild = connection.vendor == "postgresql" and ps.height > max(REBUILD_ABOVE, _estimated_rows(Person))
    deferred = _take_off_constraints([_table(Household), _table(Person), _table(Membership)]) if rebuild else None
    _write(Household, hh, step("households", 0))
    _write(Person, ps, step("persons", hh.height))
    _write(Membership, ms, step("memberships", hh.height + ps.height))
    if deferred is not None:
        started = time.perf_counter()
        _put_back(deferred)
        logger.info("indexes and foreign keys rebuilt in %.1f s", time.perf_counter() - started)
    return BulkResult(households=hh.height, persons=ps.height, memberships=ms.height)
