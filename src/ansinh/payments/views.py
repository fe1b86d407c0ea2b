"""Thin views of payments: batches (export, results through the shared import lifecycle), reconciliation."""

from __future__ import annotations

import io

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_commune_ids, user_sees_whole_province
from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money, vn_number
from ansinh.core.params import choice_param, int_param, page_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.payments import selectors, services
from ansinh.payments.imports import RESULTS_KIND
from ansinh.payments.models import BatchStatus, Channel, UnpaidReason
from ansinh.payments.permissions import BATCH_WORKFLOW, can_import_results, can_see_payments
from ansinh.payments.reconciliation import (
    REASONS,
    display_rows,
    reconciliation_compute,
    reconciliation_export,
)
from ansinh.programmes.selectors import list_get, programme_get
from ansinh.registry.access_log import access_list

PAGE_SIZE = 100


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    if not can_see_payments(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được các đợt chi trả.")
    status = choice_param(request.GET, "status", BatchStatus.values)
    batches = selectors.batches_for_user(user=request.user, programme_id=int_param(request.GET, "programme"),
                                         status=status).order_by("-created_at", "-pk")
    return render(request, "payments/batch_list.html", {
        "page_obj": Paginator(batches, PAGE_SIZE).get_page(page_param(request.GET)),
        "totals": selectors.batch_totals(batches), "statuses": BatchStatus.choices, "status": status})


@login_required
@require_POST
def batch_create(request: HttpRequest, list_pk: int) -> HttpResponse:
    bl = list_get(user=request.user, pk=list_pk)
    agent_id = int_param(request.POST, "agent")
    agent = next((a for a in selectors.agents_for(user=request.user, commune_id=bl.commune_id) if a.pk == agent_id), None)
    try:
        if agent is None:
            raise DomainError("Chọn tổ chức chi trả.")
        batch = services.batch_create(actor=request.user, beneficiary_list=bl, agent=agent,
                                      channel=request.POST.get("channel", Channel.POST_OFFICE))
        messages.success(request, f"Đã lập {batch}: {vn_number(batch.line_count)} người, "
                                  f"{vn_money(batch.amount_total)}.")
        return redirect("payments:batch_detail", pk=batch.pk)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("programmes:list_detail", pk=list_pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    page_obj = Paginator(selectors.batch_lines(batch), PAGE_SIZE).get_page(page_param(request.GET))
    access_list(actor=request.user, persons=[line.person_id for line in page_obj], obj=batch,
                what=f"Xem danh sách chi trả {batch} (trang {page_obj.number})")
    return render(request, "payments/batch_detail.html", {
        "batch": batch, "page_obj": page_obj,
        "totals": selectors.batch_line_totals(batch), "imports": batch.result_imports.select_related("created_by")[:20],
        "reasons": UnpaidReason.choices, "steps": BATCH_WORKFLOW.available(request.user, batch),
        "can_import": can_import_results(request.user, batch) and batch.status != "reconciled",
        "events": BATCH_WORKFLOW.events(batch)})


@login_required
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    buffer = io.BytesIO()
    services.batch_export(actor=request.user, batch=batch, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-tra-{batch.commune.code}-{batch.pk}.xlsx"'
    return response


@login_required
@require_POST
def results_upload(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chọn tệp kết quả (.xlsx hoặc .csv).")
        return redirect("payments:batch_detail", pk=pk)
    try:
        record = imports.import_receive(kind=RESULTS_KIND, actor=request.user, file=upload, file_name=upload.name,
                                        target={"batch": batch})
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("payments:batch_detail", pk=pk)
    import_views.start_check(record)
    return redirect("payments:results_detail", pk=record.pk)


@login_required
def results_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.result_import_get(user=request.user, pk=pk),
                                      template="payments/results_detail.html")


@login_required
@require_POST
def results_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.result_import_get(user=request.user, pk=pk)
    return import_views.import_action(request, record,
                                      after_commit=lambda r: redirect("payments:batch_detail", pk=r.batch_id))


@login_required
def results_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.result_import_get(user=request.user, pk=pk))


@login_required
@require_POST
def batch_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_reconcile(actor=request.user, batch=batch)
        messages.success(request, "Đã đối soát đợt chi trả.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("payments:batch_detail", pk=pk)


def _scoped(request: HttpRequest, pk: int):
    # The selector decides: a role that reads no programme (a payment agent) gets its 404, as for a programme
    # that does not exist — never a 403 that confirms it exists.
    programme = programme_get(user=request.user, pk=pk)
    user = request.user
    communes = None if user_sees_whole_province(user) else area_commune_ids(user)
    return reconciliation_compute(programme=programme, commune_ids=communes)


@login_required
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _scoped(request, pk)
    total = display_rows(pl.DataFrame([{"unit": "Toàn địa bàn", **rec.total}]), ["unit"])[0]
    return render(request, "payments/reconciliation.html", {
        "rec": rec, "programme": rec.programme, "total_rows": [total], "reasons": [UnpaidReason(r).label for r in REASONS],
        "by_district": display_rows(rec.by_district, ["district"]),
        "by_group": display_rows(rec.by_group.with_columns(
            pl.format("Nhóm {}", "group_code").alias("g")), ["g"]),
        "by_commune": display_rows(rec.by_commune, ["district", "commune"])})


@login_required
def reconciliation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _scoped(request, pk)
    buffer = io.BytesIO()
    reconciliation_export(reconciliation=rec, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="doi-soat-{pk}.xlsx"'
    return response
