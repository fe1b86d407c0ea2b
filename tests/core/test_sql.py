"""``core.sql``: values only as parameters, identifiers only quoted, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import connection

from ansinh.core.bulk import read_frame
from ansinh.core.sql import Sql, column, compose, identifier, identifiers, in_clause, join, table, value
from ansinh.geo.models import AdminUnit
from ansinh.programmes.models import ListRow


def test_identifier_quotes_plain_names_and_refuses_anything_else():
    assert identifier("programmes_listrow").text == connection.ops.quote_name("programmes_listrow")
    assert table(ListRow).text == connection.ops.quote_name("programmes_listrow")
    assert column(ListRow, "beneficiary_list").text == connection.ops.quote_name("beneficiary_list_id")
    assert identifiers(["a", "b"]).text == ", ".join(connection.ops.quote_name(n) for n in ("a", "b"))
    for hostile in ['x"; DROP TABLE y; --', "a b", "", "1a", "a.b", 'a"']:
        with pytest.raises(ValueError):
            identifier(hostile)


def test_compose_keeps_parameters_in_the_order_of_the_placeholders():
    query = compose("SELECT {cols} FROM {t} WHERE a = %s AND {b} AND c = %s AND d LIKE '%%x'", 1, 3,
                    cols=identifiers(["a"]), t=identifier("t"), b=compose("b = {v}", v=value(2)))
    text, params = query
    assert params == [1, 2, 3]
    assert text.count("%s") == 3
    assert join(" OR ", [value("x"), Sql("TRUE"), value("y")]).params == ("x", "y")


def test_compose_refuses_values_and_miscounts():
    with pytest.raises(TypeError):
        compose("SELECT * FROM t WHERE id = {id}", id="1 OR 1=1")  # a value is never text of the statement
    with pytest.raises(ValueError):
        compose("SELECT * FROM t WHERE a = %s AND b = %s", 1)
    with pytest.raises(ValueError):
        compose("SELECT * FROM t WHERE a = %s", 1, 2)
    with pytest.raises(ValueError):
        compose("SELECT {missing}")
    with pytest.raises(ValueError):
        in_clause("id) OR (1=1", [1])


def test_in_clause_binds_one_parameter_whatever_the_number():
    assert in_clause("l.commune_id", []).text == "1 = 0"
    clause = in_clause("l.commune_id", list(range(5000)))
    assert len(clause.params) == 1
    assert "0, 1" not in clause.text


@pytest.mark.database
def test_in_clause_and_read_frame_with_parameters(units):
    ids = list(AdminUnit.objects.filter(level="commune").values_list("pk", flat=True)[:3])
    codes = list(AdminUnit.objects.filter(pk__in=ids).values_list("code", flat=True))
    hostile = "x') OR 1=1; --"
    query = compose("SELECT u.id, u.code, u.valid_from FROM {units} u WHERE {ids} AND u.code <> %s AND {codes} "
                    "ORDER BY u.id", hostile, units=table(AdminUnit), ids=in_clause("u.id", ids),
                    codes=in_clause("u.code", [*codes, hostile]))
    frame = read_frame(*query, schema={"id": pl.Int64, "code": pl.String, "valid_from": pl.Date})
    assert frame["id"].to_list() == sorted(ids)
    nothing = read_frame(*compose("SELECT u.id FROM {units} u WHERE {ids}", units=table(AdminUnit),
                                  ids=in_clause("u.id", [])), schema={"id": pl.Int64})
    assert nothing.is_empty()
    by_date = read_frame(*compose("SELECT COUNT(*) AS n FROM {units} u WHERE {days}", units=table(AdminUnit),
                                  days=in_clause("u.valid_from", [dt.date(1900, 1, 1), dt.date(2025, 7, 1)])),
                         schema={"n": pl.Int64})
    assert by_date["n"][0] >= 0
