"""Serialising writers that could clash: a transaction-scoped lock on a name.

PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of the name, released at commit or rollback.
SQLite: every write transaction is already exclusive (``transaction_mode = IMMEDIATE`` in the
settings), so two writers never overlap and nothing more is needed.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def advisory_lock(name: str) -> None:
    """Wait for, then hold until the end of the current transaction, the lock called ``name``."""
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock must be taken inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])


__all__ = ["advisory_lock", "lock_key"]


def next_in_sequence(queryset, field: str, *, lock: str) -> int:
    """The next number of a numbered series (``max(field) + 1`` over ``queryset``, 1 for the first), under the
    advisory lock ``lock`` held to the end of the transaction: two writers at once wait for each other. A unique
    constraint on the series remains the database's guarantee."""
    from django.db.models import Max

    advisory_lock(lock)
    return (queryset.aggregate(top=Max(field))["top"] or 0) + 1
