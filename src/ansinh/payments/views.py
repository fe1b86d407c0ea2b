"""Thin views of payments: batches (export, results import), reconciliation page and export."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.errors import DomainError
from ansinh.core.tabular import ImportFileError
from ansinh.payments import selectors, services
from ansinh.payments.models import Channel, UnpaidReason
from ansinh.payments.reconciliation import (
    REASONS,
    display_rows,
    reconciliation_compute,
    reconciliation_export,
)
from ansinh.programmes.models import Programme
from ansinh.programmes.permissions import can_read_programmes
from ansinh.programmes.selectors import list_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    programme = request.GET.get("programme", "")
    batches = selectors.batches_for_user(user=request.user, programme_id=int(programme) if programme.isdigit() else None)
    return render(request, "payments/batch_list.html", {"batches": batches[:500]})


@login_required
@require_POST
def batch_create(request: HttpRequest, list_pk: int) -> HttpResponse:
    bl = list_get(user=request.user, pk=list_pk)
    agent = User.objects.filter(pk=request.POST.get("agent") or 0, role=Role.PAYMENT_AGENT).first()
    try:
        if agent is None:
            raise DomainError("Chọn tổ chức chi trả.")
        batch = services.batch_create(actor=request.user, beneficiary_list=bl, agent=agent,
                                      channel=request.POST.get("channel", Channel.POST_OFFICE))
        return redirect("payments:batch_detail", pk=batch.pk)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("programmes:list_detail", pk=list_pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    lines = batch.lines.select_related("person").order_by("seq")[:200]
    return render(request, "payments/batch_detail.html", {
        "batch": batch, "lines": lines, "imports": batch.result_imports.all()[:20], "reasons": UnpaidReason.choices})


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
    suffix = Path(upload.name).suffix.lower() or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        summary = services.results_import(actor=request.user, batch=batch, path=handle.name, file_name=upload.name)
        level = messages.warning if summary.errors else messages.success
        level(request, f"Đã ghi nhận {summary.applied} dòng, {summary.unchanged} dòng không đổi, "
                       f"{summary.errors} dòng lỗi{' (tải báo cáo lỗi bên dưới)' if summary.errors else ''}.")
    except (ImportFileError, DomainError) as err:
        messages.error(request, str(err))
    finally:
        Path(handle.name).unlink(missing_ok=True)
    return redirect("payments:batch_detail", pk=pk)


@login_required
def results_report(request: HttpRequest, pk: int, import_pk: int) -> FileResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    result = get_object_or_404(batch.result_imports, pk=import_pk)
    if not result.error_report_path:
        raise HttpForbidden("Lần nhập này không có lỗi.")
    return FileResponse(open(result.error_report_path, "rb"), as_attachment=True,  # noqa: SIM115
                        filename=f"loi-ket-qua-{batch.pk}.xlsx")


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
    if not can_read_programmes(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được báo cáo đối soát.")
    programme = get_object_or_404(Programme, pk=pk)
    user = request.user
    communes = None if user.area and user.area.level == "province" else area_commune_ids(user)
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
