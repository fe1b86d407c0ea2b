"""The access log of personal data on the pages (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, NĐ 356/2025/NĐ-CP):
every page that shows a person, every look-up by a complete identity number and every file of people leaves one
``PersonAccess`` row (who, when, what, the stated purpose) with its people as ``PersonAccessItem`` rows.

It lives in the registry, the lowest app that knows ``Person``, so that every app that shows people (programmes,
payroll, payments, poverty, labour, api…) writes it without importing an app to its right. The calls::

    access_view(actor=request.user, persons=[person], what="Xem hồ sơ nhân khẩu", obj=person,
                identity_shown=can_see_identity(request.user))
    access_export(actor=request.user, what=f"Tải tệp danh sách chi trả {sheet}", obj=sheet,
                  persons=payees["person_id"])                     # a polars Series: COPY / executemany
    access_export(actor=request.user, what="Tải tệp danh sách niêm yết", obj=bl,
                  persons=rows.values("person_id"))                # a queryset: one INSERT … SELECT
    access_list(actor=request.user, what=f"Xem danh sách {bl} (trang 2)", obj=bl,
                persons=[row.person_id for row in page_obj])       # the people of the page on screen

A file of a hundred thousand people is one access row and one set-based write of its people: ``INSERT … SELECT``
from the queryset that made the file, or ``core.bulk.write_frame`` of a frame of ids — never a loop of saves.
Each call is its own savepoint: a page keeps working inside the caller's transaction, and a failure to log
raises (a page is never shown unlogged)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.utils import timezone

from ansinh.core.bulk import write_frame
from ansinh.core.sql import Sql, compose, identifier
from ansinh.registry.models import AccessKind, PersonAccess, PersonAccessItem

PersonIds = models.QuerySet | pl.Series | pl.DataFrame | Iterable[int]


def _clean(text: str, limit: int = 300) -> str:
    return " ".join((text or "").replace("\x00", "").split())[:limit]


def _items_from_queryset(access_id: int, queryset: models.QuerySet) -> int:
    """``INSERT INTO items (access_id, person_id) SELECT DISTINCT access, pid FROM (queryset)``: the people of the
    file go from the query that made it straight into the log, in the database."""
    fields = [*queryset.query.values_select, *queryset.query.annotation_select]
    if len(fields) != 1:
        raise ValueError("access_export: the queryset must give one column of person ids (values('person_id'))")
    inner = (queryset.order_by().annotate(logged_pid=models.F(fields[0])).values_list("logged_pid", flat=True)
             .distinct())
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (an empty area, ``none()``)
        return 0
    statement = compose("INSERT INTO {table} (access_id, person_id) SELECT %s, sub.logged_pid FROM ({query}) sub "
                        "WHERE sub.logged_pid IS NOT NULL", access_id,
                        table=identifier(PersonAccessItem._meta.db_table), query=Sql(sql, tuple(params)))
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return max(cursor.rowcount, 0)


def _items_from_ids(access_id: int, persons) -> int:
    if isinstance(persons, pl.DataFrame):
        persons = persons.to_series(0)
    series = persons if isinstance(persons, pl.Series) else pl.Series(list(persons), dtype=pl.Int64)
    ids = series.cast(pl.Int64).drop_nulls().unique()
    frame = pl.DataFrame({"access_id": pl.Series([access_id] * ids.len(), dtype=pl.Int64), "person_id": ids})
    return write_frame(PersonAccessItem._meta.db_table, frame)


def access_record(*, actor, kind: str, what: str, persons: PersonIds, obj: models.Model | None = None,
                  purpose: str = "", identity_shown: bool = False) -> PersonAccess | None:
    """One access and its people; nothing for an anonymous actor or when no person was shown."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    if isinstance(persons, models.Model):
        persons = [persons.pk]
    elif isinstance(persons, list | tuple | set | frozenset) and persons and isinstance(next(iter(persons)),
                                                                                          models.Model):
        persons = [p.pk for p in persons]
    with transaction.atomic():
        access = PersonAccess.objects.create(
            at=timezone.now(), actor=actor, kind=kind, what=_clean(what), purpose=_clean(purpose),
            identity_shown=identity_shown, object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "")
        if isinstance(persons, models.QuerySet):
            count = _items_from_queryset(access.pk, persons)
        else:
            count = _items_from_ids(access.pk, persons)
        if not count:
            access.delete()  # nothing of anyone was shown (an empty list, a file with no row)
            return None
        PersonAccess.objects.filter(pk=access.pk).update(person_count=count)
        access.person_count = count
    return access


def access_view(*, actor, persons: PersonIds, what: str, obj: models.Model | None = None,
                identity_shown: bool = False) -> PersonAccess | None:
    """A page that shows one person (or a household's members)."""
    return access_record(actor=actor, kind=AccessKind.VIEW, what=what, persons=persons, obj=obj,
                         identity_shown=identity_shown)


def access_list(*, actor, persons: PersonIds, what: str, obj: models.Model | None = None,
                identity_shown: bool = False) -> PersonAccess | None:
    """A page of a list that shows people with their data (a beneficiary list's rows, a payment batch's or a payroll
    sheet's payees, a poverty review's households): the people of the page shown, not the whole list."""
    return access_record(actor=actor, kind=AccessKind.LIST, what=what, persons=persons, obj=obj,
                         identity_shown=identity_shown)


def access_identity_lookup(*, actor, persons: PersonIds, what: str = "Tra cứu theo số định danh",
                           identity_shown: bool = True) -> PersonAccess | None:
    """A search by a complete identity number that found someone (the number revealed who it is)."""
    return access_record(actor=actor, kind=AccessKind.IDENTITY, what=what, persons=persons,
                         identity_shown=identity_shown)


def access_export(*, actor, persons: PersonIds, what: str, obj: models.Model | None = None, purpose: str = "",
                  identity_shown: bool = False) -> PersonAccess | None:
    """A file holding people (a list, a payroll sheet, a payment batch, everything about one person)."""
    return access_record(actor=actor, kind=AccessKind.EXPORT, what=what, persons=persons, obj=obj, purpose=purpose,
                         identity_shown=identity_shown)


__all__ = ["access_export", "access_identity_lookup", "access_record", "access_view"]
