"""Raw SQL built safely: values only as bound parameters, identifiers only quoted from code.

The set-based paths (``core.bulk``, lists, payments, matching) write SQL by hand. This module is the one way
they put something variable into it:

* a **value** (an id, a date, a code, a status, a register name) is never part of the text: it is a ``%s``
  placeholder with the value in the parameters (``value(x)``; lists through ``in_clause``);
* an **identifier** (a table or column name) comes from model metadata or a module constant, is checked to be
  a plain name and quoted by the backend (``table(Model)``, ``column(Model, "field")``, ``identifier(name)``);
* a statement is ``compose``-d from a literal template and such parts; the parameters come out in the order of
  the placeholders.

``Sql`` unpacks as ``(text, params)``, so ``cursor.execute(*query)`` and ``read_frame(*query, schema=...)``::

    query = compose("SELECT r.id FROM {rows} r WHERE r.amount > %s AND {lists}", 0,
                    rows=table(ListRow), lists=in_clause("r.beneficiary_list_id", list_ids))
    cursor.execute(*query)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COLUMN_EXPRESSION = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"%%|%s")
_FORMATTER = string.Formatter()


@dataclass(frozen=True, slots=True)
class Sql:
    """SQL text written in code (keywords, quoted identifiers, ``%s`` placeholders) and its parameters."""

    text: str
    params: tuple = ()

    def __iter__(self) -> Iterator:
        """``(text, params)``, for ``cursor.execute(*query)``."""
        return iter((self.text, list(self.params)))

    def __str__(self) -> str:
        return self.text


def identifier(name: str) -> Sql:
    """A table or column name from code, quoted by the backend; anything but a plain name is refused
    (Django's ``quote_name`` does not escape quotes, so nothing else may reach it)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return Sql(connection.ops.quote_name(name))


def table(model) -> Sql:
    """The quoted table of a model."""
    return identifier(model._meta.db_table)


def column(model, field: str) -> Sql:
    """The quoted column of a model's field (``column(ListRow, "beneficiary_list")`` → ``"beneficiary_list_id"``)."""
    return identifier(model._meta.get_field(field).column)


def identifiers(names: Iterable[str]) -> Sql:
    """``"a", "b", "c"``: a column list."""
    return join(", ", (identifier(n) for n in names))


def value(item: Any) -> Sql:
    """One bound parameter."""
    return Sql("%s", (item,))


def placeholders(count: int) -> Sql:
    """``%s, %s, %s``: the placeholders of one row (``executemany``)."""
    return Sql(", ".join(["%s"] * count))


def join(separator: str, parts: Iterable[Sql]) -> Sql:
    """Parts joined by a literal separator (``", "``, ``" AND "``), their parameters in order."""
    parts = [_part(p, "join") for p in parts]
    return Sql(separator.join(p.text for p in parts), tuple(x for p in parts for x in p.params))


def in_clause(column_sql: Sql | str, values: Iterable[Any]) -> Sql:
    """``column`` is one of ``values``, bound as one parameter whatever their number.

    PostgreSQL: ``column = ANY(%s)`` with the list (an array; integers as ``bigint[]``); SQLite: ``column IN (SELECT value FROM
    json_each(%s))`` with the list as JSON (no limit on the number of variables). No values: ``1 = 0``.
    ``column_sql`` is a column expression written in code (``"l.commune_id"``) or a quoted ``column(...)``.
    """
    target = _column_sql(column_sql)
    items = list(values)
    if not items:
        return Sql("1 = 0")
    if connection.vendor == "postgresql":
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            # ids are bigint: psycopg would send a small-int array (``'{1,2}'::int4[]``), a cross-type comparison
            # the planner estimates worse (an index scan over a whole registry instead of a sequential scan)
            return compose("{column} = ANY(%s::bigint[])", items, column=target)
        return compose("{column} = ANY(%s)", items, column=target)
    return compose("{column} IN (SELECT value FROM json_each(%s))", json.dumps([_json_value(v) for v in items]),
                   column=target)


def compose(template: str, *params: Any, **parts: Sql) -> Sql:
    """Fill ``{name}`` fields of a literal template with ``Sql`` parts; ``%s`` in the template itself take
    ``params`` in order. The result's parameters follow the placeholders' order in the text."""
    out: list[str] = []
    bound: list[Any] = []
    remaining = list(params)
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        wanted = sum(1 for m in _PLACEHOLDER.finditer(literal) if m.group() == "%s")
        if wanted > len(remaining):
            raise ValueError("the template has more %s placeholders than parameters")
        out.append(literal)
        bound.extend(remaining[:wanted])
        del remaining[:wanted]
        if field is None:
            continue
        if field not in parts or spec or conversion:
            raise ValueError(f"template field {{{field}}} needs a plain Sql part")
        part = _part(parts[field], field)
        out.append(part.text)
        bound.extend(part.params)
    if remaining:
        raise ValueError("more parameters than %s placeholders in the template")
    return Sql("".join(out), tuple(bound))


def _part(part: Sql, name: str) -> Sql:
    if not isinstance(part, Sql):
        raise TypeError(f"{name}: SQL parts must be Sql (identifier(), value(), in_clause()…), not "
                        f"{type(part).__name__}: values go in as parameters")
    return part


def _column_sql(column_sql: Sql | str) -> Sql:
    if isinstance(column_sql, Sql):
        if column_sql.params:
            raise ValueError("a column expression carries no parameters")
        return column_sql
    if not isinstance(column_sql, str) or not _COLUMN_EXPRESSION.fullmatch(column_sql):
        raise ValueError(f"not a column expression: {column_sql!r}")
    return Sql(column_sql)


def _json_value(item: Any) -> Any:
    if isinstance(item, dt.date):  # SQLite stores dates as ISO text
        return item.isoformat()
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        return item
    raise TypeError(f"in_clause: unsupported value type {type(item).__name__}")
