"""Reads of the payroll app, scoped by the user's area (a sheet, a person or a ledger outside it is a 404); a
payment agent sees only the sheets sent to it. Figures are SQL aggregates (frames), formatted by the pages."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, scope_to_area, user_sees_whole_province
from ansinh.core.bulk import read_frame
from ansinh.core.sql import compose, in_clause, join, table
from ansinh.core.todo import TodoItem, present, workflow_todo
from ansinh.geo.models import AdminUnit
from ansinh.payroll.models import (
    REGISTERS,
    LineResult,
    PayrollLine,
    PayrollMonth,
    PayrollSheet,
    RecoveryEntry,
    ResultsImport,
    SheetStatus,
)
from ansinh.payroll.permissions import SHEET_WORKFLOW, can_read_payroll, can_see_payroll, is_agent
from ansinh.programmes.models import PAYROLL_REGISTERS, Enrolment
from ansinh.registry.models import Household, Person

MONTHS_IN_CHART = 12


def small_frame(query, schema: dict) -> pl.DataFrame:
    """A query of a few thousand rows (one sheet, one person) fetched directly: a COPY round trip costs more
    than the rows themselves at that size."""
    text, params = query
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    casts = []
    for name, dtype in schema.items():
        column = frame[name]
        if dtype == pl.Date and column.dtype == pl.String:  # SQLite: ISO text
            casts.append(column.str.slice(0, 10).str.to_date().alias(name))
        elif dtype == pl.Boolean and column.dtype != pl.Boolean:
            casts.append(column.cast(pl.Int64).cast(pl.Boolean).alias(name))
        else:
            casts.append(column.cast(dtype).alias(name))
    return frame.with_columns(casts) if casts else frame


def _communes(user: User) -> list[int] | None:
    """None: the whole province (no filter)."""
    return None if user_sees_whole_province(user) else area_commune_ids(user)


def months_for_user(*, user: User, register: str = "") -> QuerySet[PayrollMonth]:
    if not can_read_payroll(user):
        return PayrollMonth.objects.none()
    qs = PayrollMonth.objects.select_related("generated_by")
    return qs.filter(register=register) if register else qs


def month_get(*, user: User, register: str, month: dt.date) -> PayrollMonth:
    found = months_for_user(user=user, register=register).filter(month=month).first() if register in REGISTERS else None
    if found is None:
        raise Http404("Không tìm thấy bảng chi trả tháng này.")
    return found


def sheets_for_user(*, user: User, payroll_month: PayrollMonth | None = None, status: str = "") -> QuerySet[PayrollSheet]:
    qs = PayrollSheet.objects.select_related("commune", "payroll_month", "agent")
    if payroll_month is not None:
        qs = qs.filter(payroll_month=payroll_month)
    if status:
        qs = qs.filter(status=status)
    if not user.is_authenticated:
        return qs.none()
    if is_agent(user):
        return qs.filter(agent=user)
    if not can_read_payroll(user):
        return qs.none()
    return scope_to_area(qs, user)


def sheet_get(*, user: User, pk: int) -> PayrollSheet:
    sheet = sheets_for_user(user=user).select_related("prepared_by", "submitted_by", "appraised_by", "approved_by",
                                                      "sent_by", "reconciled_by").filter(pk=pk).first()
    if sheet is None:
        raise Http404("Không tìm thấy bảng chi trả.")
    return sheet


def results_import_get(*, user: User, pk: int) -> ResultsImport:
    record = ResultsImport.objects.select_related("sheet", "created_by").filter(
        pk=pk, sheet__in=sheets_for_user(user=user)).first()
    if record is None:
        raise Http404("Không tìm thấy lần nhập kết quả.")
    return record


def person_get(*, user: User, pk: int) -> Person:
    """A person the user may see the payments of (readers in the area; the person's commune today)."""
    if not can_read_payroll(user):
        raise Http404("Không tìm thấy người này.")
    person = scope_to_area(Person.objects.select_related("commune", "household"), user).filter(pk=pk).first()
    if person is None:
        raise Http404("Không tìm thấy người này.")
    return person


def enrolment_get(*, user: User, pk: int) -> Enrolment:
    if not can_read_payroll(user):
        raise Http404("Không tìm thấy hồ sơ.")
    enrolment = (scope_to_area(Enrolment.objects.select_related("person", "commune", "person__household"), user)
                 .filter(pk=pk, register__in=[r.value for r in PAYROLL_REGISTERS]).first())
    if enrolment is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return enrolment


# --- a sheet's payees -----------------------------------------------------------------------------------------

LINE_SCHEMA = {"id": pl.Int64, "seq": pl.Int64, "person_id": pl.Int64, "kind": pl.String, "carried": pl.Boolean,
               "entitlement_month": pl.Date, "amount": pl.Int64, "full_name": pl.String, "birth_date": pl.Date,
               "birth_precision": pl.String, "identity": pl.String, "village": pl.String, "result": pl.String,
               "paid_date": pl.Date, "reason": pl.String}
MONEY_COLUMNS = ("regular", "arrears", "carried", "death_lump_sum", "funeral_support")


def sheet_lines_frame(sheet: PayrollSheet) -> pl.DataFrame:
    query = compose(
        """SELECT l.id, l.seq, l.person_id, l.kind, l.carried, l.entitlement_month, l.amount, p.full_name,
                  p.birth_date, p.birth_precision, COALESCE(p.pid, p.cmnd, '') AS identity,
                  COALESCE(h.village, '') AS village, r.status AS result, r.paid_date, r.reason
             FROM {lines} l JOIN {persons} p ON p.id = l.person_id
             LEFT JOIN {households} h ON h.id = p.household_id
             LEFT JOIN {results} r ON r.line_id = l.id
            WHERE l.sheet_id = %s ORDER BY l.seq, l.entitlement_month, l.kind""", sheet.pk,
        lines=table(PayrollLine), persons=table(Person), households=table(Household), results=table(LineResult))
    return small_frame(query, LINE_SCHEMA)


def payees_frame(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per person paid in the sheet: the amounts by column of the agent's list and the total."""
    positive = lines.filter(pl.col("amount") > 0)
    kind = pl.col("kind")
    carried = pl.col("carried")
    return positive.group_by("seq", "person_id").agg(
        pl.col("full_name").first(), pl.col("birth_date").first(), pl.col("birth_precision").first(),
        pl.col("identity").first(), pl.col("village").first(),
        pl.col("amount").filter((kind == "regular") & ~carried).sum().alias("regular"),
        pl.col("amount").filter((kind == "arrears") & ~carried).sum().alias("arrears"),
        pl.col("amount").filter(carried).sum().alias("carried"),
        pl.col("amount").filter((kind == "death_lump_sum") & ~carried).sum().alias("death_lump_sum"),
        pl.col("amount").filter((kind == "funeral_support") & ~carried).sum().alias("funeral_support"),
        pl.col("amount").sum().alias("total"),
        pl.col("result").drop_nulls().first().alias("result"),
        pl.col("paid_date").drop_nulls().first().alias("paid_date"),
        pl.col("reason").drop_nulls().first().alias("reason"),
        pl.col("result").null_count().alias("pending"),
    ).sort("seq")


def recoveries_frame(lines: pl.DataFrame) -> pl.DataFrame:
    return lines.filter(pl.col("amount") < 0).sort("seq", "entitlement_month")


def previous_sheet(sheet: PayrollSheet) -> PayrollSheet | None:
    previous = (sheet.month - dt.timedelta(days=1)).replace(day=1)
    return PayrollSheet.objects.filter(register=sheet.register, month=previous, commune_id=sheet.commune_id).first()


def increases_decreases(sheet: PayrollSheet, payees: pl.DataFrame) -> tuple[set[int], pl.DataFrame]:
    """(persons paid now and not in last month's lists of the register; persons of the commune's list last month
    not paid this month, with the reason the events give)."""
    previous = (sheet.month - dt.timedelta(days=1)).replace(day=1)
    earlier = PayrollSheet.objects.filter(register=sheet.register, month=previous).values_list("pk", flat=True)
    if not PayrollMonth.objects.filter(register=sheet.register, month=previous).exists():
        return set(), pl.DataFrame(schema={"person_id": pl.Int64, "full_name": pl.String, "reason": pl.String})
    now = payees["person_id"].to_list()
    paid_before = set(PayrollLine.objects.filter(register=sheet.register, person_id__in=now, month=previous,
                                                 amount__gt=0).values_list("person_id", flat=True))
    increases = set(now) - paid_before
    commune_before = set(PayrollLine.objects.filter(sheet__in=list(earlier), commune_id=sheet.commune_id,
                                                    amount__gt=0).values_list("person_id", flat=True))
    ids = sorted(commune_before - set(now))
    if not ids:
        return increases, pl.DataFrame(schema={"person_id": pl.Int64, "full_name": pl.String, "reason": pl.String})
    reasons = _decrease_reasons(sheet, ids)
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    return increases, pl.DataFrame([{"person_id": i, "full_name": names.get(i, ""), "reason": reasons.get(i, "")}
                                    for i in ids], schema={"person_id": pl.Int64, "full_name": pl.String,
                                                           "reason": pl.String})


def _decrease_reasons(sheet: PayrollSheet, person_ids: list[int]) -> dict[int, str]:
    from ansinh.programmes.models import EnrolmentEvent

    events = (EnrolmentEvent.objects.filter(enrolment__register=sheet.register, enrolment__person_id__in=person_ids,
                                            effective_month__lte=sheet.month)
              .exclude(kind="increase").order_by("effective_month", "pk")
              .values_list("enrolment__person_id", "kind", "source", "effective_month"))
    labels = {"death": "Chết", "decrease": "Thôi hưởng", "suspension": "Tạm dừng hưởng", "move": "Chuyển xã/phường"}
    reasons: dict[int, str] = {}
    for person_id, kind, source, month in events:
        if kind in labels:
            text = "Tạm dừng chi trả (3 tháng liên tiếp không nhận)" if source == "agent_results" else labels[kind]
            reasons[person_id] = f"{text} từ {month:%m/%Y}"
    return {pid: reasons.get(pid, "Không còn khoản phải chi") for pid in person_ids}


# --- overview figures ---------------------------------------------------------------------------------------------

TOTALS_SCHEMA = {"month": pl.Date, "persons": pl.Int64, "lines": pl.Int64, "amount": pl.Int64, "paid": pl.Int64}


def month_kind_totals(*, user: User, payroll_month: PayrollMonth) -> pl.DataFrame:
    """Lines, persons and amounts of the month by kind (carried apart), in the user's area."""
    communes = _communes(user)
    scope = in_clause("l.commune_id", communes) if communes is not None else compose("1 = 1")
    query = compose(
        """SELECT l.kind, l.carried, COUNT(*) AS lines, COUNT(DISTINCT l.person_id) AS persons,
                  SUM(l.amount) AS amount
             FROM {lines} l WHERE l.payroll_month_id = %s AND {scope}
            GROUP BY l.kind, l.carried ORDER BY l.kind, l.carried""", payroll_month.pk,
        lines=table(PayrollLine), scope=scope)
    return read_frame(*query, schema={"kind": pl.String, "carried": pl.Boolean, "lines": pl.Int64,
                                      "persons": pl.Int64, "amount": pl.Int64})


def month_series(*, user: User, register: str, until: dt.date, months: int = MONTHS_IN_CHART) -> pl.DataFrame:
    """Per payroll month (the last ``months`` up to ``until``): persons with a payment, amount in the lists,
    amount paid (results «paid»)."""
    communes = _communes(user)
    scope = in_clause("l.commune_id", communes) if communes is not None else compose("1 = 1")
    last = until.year * 12 + until.month - 1
    first = dt.date((last - months + 1) // 12, (last - months + 1) % 12 + 1, 1)
    query = compose(
        """SELECT l.month, COUNT(DISTINCT l.person_id) AS persons, COUNT(*) AS lines, SUM(l.amount) AS amount,
                  SUM(CASE WHEN r.status = %s THEN l.amount ELSE 0 END) AS paid
             FROM {lines} l LEFT JOIN {results} r ON r.line_id = l.id
            WHERE l.register = %s AND l.month >= %s AND l.month <= %s AND l.amount > 0 AND {scope}
            GROUP BY l.month ORDER BY l.month""", "paid", register, first, until,
        lines=table(PayrollLine), results=table(LineResult), scope=scope)
    return read_frame(*query, schema=TOTALS_SCHEMA)


def payments_series(*, user: User, until: dt.date | None = None, months: int = MONTHS_IN_CHART) -> pl.DataFrame:
    """The monthly payrolls of every register in the user's area (a payment agent: the sheets sent to it), per
    month for the last ``months`` up to ``until`` (default: the latest payroll month): persons, amount in the lists, amount paid. For the
    home page's chart; kept five minutes per area (a province's year is about a million lines)."""
    from django.core.cache import cache
    from django.utils import timezone

    if not can_see_payroll(user):
        return pl.DataFrame(schema=TOTALS_SCHEMA)
    if until is None:  # the latest payroll month up to today (a province that stopped a while ago still sees it)
        today = timezone.localdate()
        until = (PayrollMonth.objects.filter(month__lte=today).order_by("-month").values_list("month", flat=True)
                 .first() or today)
    until = until.replace(day=1)
    last = until.year * 12 + until.month - 1
    first = dt.date((last - months + 1) // 12, (last - months + 1) % 12 + 1, 1)
    if is_agent(user):
        key, scope = f"agent-{user.pk}", compose(
            "l.sheet_id IN (SELECT id FROM {sheets} WHERE agent_id = %s)", user.pk, sheets=table(PayrollSheet))
    else:
        communes = _communes(user)
        key = f"area-{user.area_id}"
        scope = in_clause("l.commune_id", communes) if communes is not None else compose("1 = 1")
    cache_key = f"payroll-series-{key}-{first:%Y%m}-{until:%Y%m}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    query = compose(
        """SELECT l.month, COUNT(DISTINCT l.person_id) AS persons, COUNT(*) AS lines, SUM(l.amount) AS amount,
                  SUM(CASE WHEN r.status = %s THEN l.amount ELSE 0 END) AS paid
             FROM {lines} l LEFT JOIN {results} r ON r.line_id = l.id
            WHERE l.month >= %s AND l.month <= %s AND l.amount > 0 AND {scope}
            GROUP BY l.month ORDER BY l.month""", "paid", first, until,
        lines=table(PayrollLine), results=table(LineResult), scope=scope)
    found = read_frame(*query, schema=TOTALS_SCHEMA)
    every = pl.DataFrame({"month": [dt.date((last - i) // 12, (last - i) % 12 + 1, 1) for i in reversed(range(months))]})
    frame = every.join(found, on="month", how="left").with_columns(pl.col(c).fill_null(0) for c in TOTALS_SCHEMA
                                                                    if c != "month")
    if found.is_empty():
        frame = found  # nothing paid in the year: the chart says so
    cache.set(cache_key, frame, 300)
    return frame


def month_changes(*, user: User, payroll_month: PayrollMonth) -> dict[str, int]:
    """Persons paid this month and not last month (increases), and the reverse (decreases), in the area."""
    communes = _communes(user)
    scope = in_clause("l.commune_id", communes) if communes is not None else compose("1 = 1")
    previous = (payroll_month.month - dt.timedelta(days=1)).replace(day=1)
    query = compose(
        """SELECT l.person_id, MAX(CASE WHEN l.month = %s THEN 1 ELSE 0 END) AS now,
                  MAX(CASE WHEN l.month = %s THEN 1 ELSE 0 END) AS before
             FROM {lines} l WHERE l.register = %s AND l.month IN (%s, %s) AND l.amount > 0 AND {scope}
            GROUP BY l.person_id""", payroll_month.month, previous, payroll_month.register, payroll_month.month,
        previous, lines=table(PayrollLine), scope=scope)
    frame = read_frame(*query, schema={"person_id": pl.Int64, "now": pl.Int64, "before": pl.Int64})
    if frame.is_empty():
        return {"increases": 0, "decreases": 0, "had_previous": False}
    had_previous = PayrollMonth.objects.filter(register=payroll_month.register, month=previous).exists()
    return {"increases": frame.filter((pl.col("now") == 1) & (pl.col("before") == 0)).height if had_previous else 0,
            "decreases": frame.filter((pl.col("now") == 0) & (pl.col("before") == 1)).height,
            "had_previous": had_previous}


# --- a person's history and the ledger -------------------------------------------------------------------------

HISTORY_SCHEMA = {"id": pl.Int64, "register": pl.String, "month": pl.Date, "entitlement_month": pl.Date,
                  "kind": pl.String, "carried": pl.Boolean, "amount": pl.Int64, "facts": pl.String,
                  "sheet_id": pl.Int64, "sheet_status": pl.String, "commune": pl.String, "result": pl.String,
                  "paid_date": pl.Date, "reason": pl.String}


def person_history(*, person: Person) -> pl.DataFrame:
    query = compose(
        """SELECT l.id, l.register, l.month, l.entitlement_month, l.kind, l.carried, l.amount,
                  CAST(l.facts AS TEXT) AS facts, l.sheet_id, s.status AS sheet_status, c.name AS commune,
                  r.status AS result, r.paid_date, r.reason
             FROM {lines} l JOIN {sheets} s ON s.id = l.sheet_id JOIN {units} c ON c.id = l.commune_id
             LEFT JOIN {results} r ON r.line_id = l.id
            WHERE l.person_id = %s ORDER BY l.month DESC, l.register, l.entitlement_month DESC, l.kind""", person.pk,
        lines=table(PayrollLine), sheets=table(PayrollSheet), results=table(LineResult),
        units=table(AdminUnit))
    return small_frame(query, HISTORY_SCHEMA)


def ledger_entries(*, person: Person) -> QuerySet[RecoveryEntry]:
    return RecoveryEntry.objects.filter(person=person).select_related("recorded_by", "line").order_by(
        "register", "recorded_at", "pk")


OWED_SCHEMA = {"commune_id": pl.Int64, "commune": pl.String, "district": pl.String, "origin": pl.String,
               "persons": pl.Int64, "debts": pl.Int64, "repaid": pl.Int64}


def owed_by_commune(*, user: User, origin: str = "", register: str = "") -> pl.DataFrame:
    """Still owed by commune (and origin of the debts): what the «truy thu» follow-up needs."""
    communes = _communes(user)
    scope = in_clause("e.commune_id", communes) if communes is not None else compose("1 = 1")
    filters = [scope]
    if register:
        filters.append(compose("e.register = %s", register))
    where = join(" AND ", filters)
    query = compose(
        """WITH person_origin AS (
               SELECT e.person_id, e.register, MIN(e.commune_id) AS commune_id,
                      MAX(CASE WHEN e.kind = 'debt' THEN e.origin ELSE '' END) AS origin,
                      SUM(CASE WHEN e.kind = 'debt' THEN e.amount ELSE 0 END) AS debts,
                      SUM(CASE WHEN e.kind = 'repayment' THEN e.amount ELSE 0 END) AS repaid
                 FROM {entries} e WHERE {where}
                GROUP BY e.person_id, e.register)
           SELECT po.commune_id, c.name AS commune, COALESCE(d.name, pd.name, '') AS district, po.origin,
                  COUNT(*) AS persons, SUM(po.debts) AS debts, SUM(po.repaid) AS repaid
             FROM person_origin po JOIN {units} c ON c.id = po.commune_id
             LEFT JOIN {units} d ON d.id = c.legacy_district_id
             LEFT JOIN {units} pd ON pd.id = c.parent_id AND pd.level = 'district'
            GROUP BY po.commune_id, c.name, d.name, pd.name, po.origin ORDER BY c.name, po.origin""",
        entries=table(RecoveryEntry), where=where, units=table(AdminUnit))
    frame = read_frame(*query, schema=OWED_SCHEMA).with_columns((pl.col("debts") - pl.col("repaid")).alias("owed"))
    if origin:
        frame = frame.filter(pl.col("origin") == origin)
    return frame


def persons_owing(*, user: User, origin: str = "", commune_id: int | None = None, limit: int = 500) -> pl.DataFrame:
    communes = _communes(user)
    filters = [in_clause("e.commune_id", communes) if communes is not None else compose("1 = 1")]
    if commune_id:
        filters.append(compose("e.commune_id = %s", commune_id))
    where = join(" AND ", filters)
    query = compose(
        """SELECT e.person_id, p.full_name, e.register, c.name AS commune,
                  MAX(CASE WHEN e.kind = 'debt' THEN e.origin ELSE '' END) AS origin,
                  MAX(e.document_number) AS document_number,
                  SUM(CASE WHEN e.kind = 'debt' THEN e.amount ELSE -e.amount END) AS owed
             FROM {entries} e JOIN {persons} p ON p.id = e.person_id JOIN {units} c ON c.id = e.commune_id
            WHERE {where}
            GROUP BY e.person_id, p.full_name, e.register, c.name ORDER BY c.name, p.full_name""",
        entries=table(RecoveryEntry), persons=table(Person), where=where, units=table(AdminUnit))
    frame = read_frame(*query, schema={"person_id": pl.Int64, "full_name": pl.String, "register": pl.String,
                                       "commune": pl.String, "origin": pl.String, "document_number": pl.String,
                                       "owed": pl.Int64})
    if origin:
        frame = frame.filter(pl.col("origin") == origin)
    return frame.filter(pl.col("owed") > 0).head(limit)


def waiting_sheets(*, payroll_month: PayrollMonth) -> dict[str, int]:
    """How many sheets of the month are in each status."""
    counts = {s: 0 for s in SheetStatus.values}
    for status in PayrollSheet.objects.filter(payroll_month=payroll_month).values_list("status", flat=True):
        counts[status] += 1
    return counts


def enrolments_of(*, user: User, person: Person) -> QuerySet[Enrolment]:
    return (scope_to_area(Enrolment.objects.filter(person=person, register__in=[r.value for r in PAYROLL_REGISTERS]),
                          user).select_related("commune").prefetch_related("events").order_by("register", "start_date"))


# -- «Việc cần làm» ------------------------------------------------------------------------------------

TODO_SECTION = "Chi trả hằng tháng"
TODO_STEPS = (
    ("submit", "Bảng chi trả của xã chờ trình thẩm định"),
    ("appraise", "Bảng chi trả chờ thẩm định"),
    ("approve", "Bảng chi trả chờ phê duyệt"),
    ("send", "Bảng chi trả đã duyệt chờ gửi tổ chức chi trả"),
    ("results", "Bảng chi trả chờ nhập kết quả chi trả"),
    ("reconcile", "Bảng chi trả chờ đối soát"),
)


def todo_items(user: User) -> list[TodoItem]:
    """The commune sheets of the monthly payrolls waiting for this user's step (a payment agent: the sheets sent
    to it, whose results are to be imported), linked to the month of the oldest one (its sheet when it is the
    agent's)."""
    if not can_see_payroll(user):
        return []

    def link(sheet: PayrollSheet) -> str:
        if is_agent(user):
            return reverse("payroll:sheet_detail", args=[sheet.pk])
        return reverse("payroll:month", args=[sheet.register, sheet.month.year, sheet.month.month])

    scoped = sheets_for_user(user=user)
    return present(workflow_todo(SHEET_WORKFLOW, user=user, queryset=scoped, step=step, section=TODO_SECTION,
                                 label=label, url=reverse("payroll:index"), link=link)
                   for step, label in TODO_STEPS)
