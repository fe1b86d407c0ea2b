"""Reads of the payments app, scoped by area; a payment agent sees only its own batches (a refused batch is a 404)."""

from __future__ import annotations

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, scope_to_area, user_sees_whole_province
from ansinh.core.bulk import read_frame
from ansinh.core.sql import compose, table
from ansinh.core.todo import TodoItem, present, workflow_todo
from ansinh.payments.models import LineStatus, PaymentBatch, PaymentLine, ResultImport
from ansinh.payments.permissions import (
    BATCH_READERS,
    BATCH_WORKFLOW,
    can_manage_payments,
    can_see_payments,
    is_agent,
)
from ansinh.payments.reconciliation import reconciliation_compute
from ansinh.programmes.models import FROZEN_STATUSES, BeneficiaryGroup, ListRow, ListStatus
from ansinh.programmes.selectors import lists_for_user, programme_get
from ansinh.registry.models import Household, Person


def batches_for_user(*, user: User, programme_id: int | None = None, list_id: int | None = None,
                     status: str = "") -> QuerySet[PaymentBatch]:
    qs = PaymentBatch.objects.select_related("beneficiary_list__group", "commune", "agent", "programme")
    if status:
        qs = qs.filter(status=status)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    if list_id:
        qs = qs.filter(beneficiary_list_id=list_id)
    if not user.is_authenticated:
        return qs.none()
    if is_agent(user):
        return qs.filter(agent=user)
    if user.role not in BATCH_READERS:
        return qs.none()
    return scope_to_area(qs, user)


def batch_visible(user: User, batch: PaymentBatch) -> bool:
    return batches_for_user(user=user).filter(pk=batch.pk).exists()


def batch_get(*, user: User, pk: int) -> PaymentBatch:
    batch = batches_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404("Không tìm thấy đợt chi trả.")
    return batch


def result_import_get(*, user: User, pk: int) -> ResultImport:
    record = ResultImport.objects.select_related("batch", "created_by").filter(
        pk=pk, batch__in=batches_for_user(user=user)).first()
    if record is None:
        raise Http404("Không tìm thấy lần nhập kết quả.")
    return record


def agents_for(*, user: User, commune_id: int) -> list[User]:
    """Payment agents a manager may choose for a batch of ``commune_id``."""
    if not can_manage_payments(user, commune_id):
        return []
    from ansinh.accounts.models import Role

    return list(User.objects.filter(role=Role.PAYMENT_AGENT, is_active=True).order_by("username")[:200])


LINES_SCHEMA = {"id": pl.Int64, "seq": pl.Int64, "amount": pl.Int64, "status": pl.String, "paid_date": pl.Date,
                "paid_amount": pl.Int64, "unpaid_reason": pl.String, "returned_amount": pl.Int64,
                "person_id": pl.Int64, "bank_account": pl.String, "bank_name": pl.String, "full_name": pl.String,
                "birth_date": pl.Date, "birth_precision": pl.String, "identity": pl.String, "village": pl.String,
                "months": pl.Int64, "group_code": pl.String}


LINES_SQL = """
        SELECT pl.id, pl.seq, pl.amount, pl.status, pl.paid_date, pl.paid_amount, pl.unpaid_reason,
               pl.returned_amount, pl.person_id, pl.bank_account, pl.bank_name, p.full_name, p.birth_date,
               p.birth_precision, COALESCE(NULLIF(r.identity_number, ''), p.pid, p.cmnd, '') AS identity,
               h.village, r.months, g.code AS group_code
          FROM {lines} pl JOIN {people} p ON p.id = pl.person_id
          JOIN {rows} r ON r.id = pl.row_id
          JOIN {groups} g ON g.id = pl.group_id
          LEFT JOIN {households} h ON h.id = p.household_id
         WHERE pl.batch_id = %s ORDER BY pl.seq"""


def batch_lines_frame(batch: PaymentBatch) -> pl.DataFrame:
    query = compose(LINES_SQL, batch.pk, lines=table(PaymentLine), people=table(Person), rows=table(ListRow),
                    groups=table(BeneficiaryGroup), households=table(Household))
    return read_frame(*query, schema=LINES_SCHEMA)


def paid_elsewhere(batch: PaymentBatch) -> list[int]:
    """People already paid for the same programme and group in another batch."""
    return list(PaymentLine.objects.filter(programme_id=batch.programme_id, group_id=batch.beneficiary_list.group_id,
                                           status=LineStatus.PAID).exclude(batch=batch)
                .values_list("person_id", flat=True))


def batch_totals(batches: QuerySet[PaymentBatch]) -> dict:
    """Batches, people and amount of a (filtered) set of batches: the footer of the batch list."""
    totals = batches.order_by().aggregate(batches=Count("id"), people=Sum("line_count"), amount=Sum("amount_total"))
    return {k: v or 0 for k, v in totals.items()}


def batch_lines(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.select_related("person").order_by("seq")


def batch_line_totals(batch: PaymentBatch) -> dict:
    """The footer of a batch's lines: people, amount, paid, returned."""
    totals = batch.lines.order_by().aggregate(
        lines=Count("id"), amount=Sum("amount"), paid=Count("id", filter=Q(status=LineStatus.PAID)),
        paid_amount=Sum("paid_amount", filter=Q(status=LineStatus.PAID)), returned=Sum("returned_amount"))
    return {k: v or 0 for k, v in totals.items()}


# -- «Việc cần làm» ------------------------------------------------------------------------------------

TODO_SECTION = "Chi trả theo chương trình"


def todo_items(user: User) -> list[TodoItem]:
    """Payment batches waiting for this user (the payment agent: its batches to pay and whose results it
    returns; the district or province: results to import on the agent's behalf, batches to reconcile, posted
    lists without a batch yet), in their area."""
    if not can_see_payments(user):
        return []

    def link(batch: PaymentBatch) -> str:
        return reverse("payments:batch_detail", args=[batch.pk])

    scoped = batches_for_user(user=user)
    results_label = "Đợt chi trả chờ chi và nhập kết quả" if is_agent(user) else "Đợt chi trả chờ nhập kết quả"
    items = [
        workflow_todo(BATCH_WORKFLOW, user=user, queryset=scoped, step="results", section=TODO_SECTION,
                      label=results_label, url=reverse("payments:batch_list"), link=link),
        workflow_todo(BATCH_WORKFLOW, user=user, queryset=scoped, step="reconcile", section=TODO_SECTION,
                      label="Đợt chi trả đã có kết quả chờ đối soát", url=reverse("payments:batch_list"), link=link),
    ]
    if can_manage_payments(user):
        items.append(_lists_without_batch(user))
    return present(items)


def _lists_without_batch(user: User) -> TodoItem:
    """Lists posted in the user's area that no payment batch pays yet."""
    waiting = lists_for_user(user=user, status=ListStatus.POSTED).filter(payment_batches__isnull=True)
    oldest = waiting.order_by("posted_at", "pk").first()
    url = reverse("programmes:list_detail", args=[oldest.pk]) if oldest else reverse("programmes:programme_list")
    return TodoItem(section=TODO_SECTION, label="Danh sách đã niêm yết chưa lập đợt chi trả", count=waiting.count(),
                    url=url, oldest=oldest.posted_at if oldest else None)


def programme_progress(*, user: User):
    """The most recent programme with approved lists in the user's area, and per commune the amount approved
    and the amount paid (``commune``, ``approved_amount``, ``paid_amount``, largest approved first): the home
    page's progress chart. ``(None, empty)`` when the area has no approved list."""
    latest = (lists_for_user(user=user).filter(status__in=list(FROZEN_STATUSES))
              .order_by("-programme__window_start", "-programme_id").values_list("programme_id", flat=True).first())
    if latest is None:
        return None, pl.DataFrame(schema={"commune": pl.String, "approved_amount": pl.Int64, "paid_amount": pl.Int64})
    programme = programme_get(user=user, pk=latest)
    communes = None if user_sees_whole_province(user) else area_commune_ids(user)
    by_commune = reconciliation_compute(programme=programme, commune_ids=communes).by_commune
    return programme, (by_commune.filter(pl.col("approved_amount") > 0)
                       .select("commune", "approved_amount", "paid_amount")
                       .sort(["approved_amount", "commune"], descending=[True, False]))


def agent_progress(*, user: User) -> list[dict]:
    """The payment agent's own batches by commune: amount to pay and amount paid (its home page's chart)."""
    if not is_agent(user):
        return []
    rows = (PaymentLine.objects.filter(batch__agent=user).values("batch__commune__name")
            .annotate(amount=Sum("amount"), paid=Sum("paid_amount", filter=Q(status=LineStatus.PAID)))
            .order_by("-amount", "batch__commune__name"))
    return [{"commune": r["batch__commune__name"], "amount": r["amount"] or 0, "paid": r["paid"] or 0} for r in rows]
