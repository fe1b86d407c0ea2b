"""Pages for importing the registry from Excel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can_import
from ansinh.core.errors import DomainError
from ansinh.core.tabular import write_template
from ansinh.registry import import_services, tasks
from ansinh.registry.forms import ImportUploadForm
from ansinh.registry.imports import REGISTRY_SCHEMA, TEMPLATE_EXAMPLES, TEMPLATE_TITLE
from ansinh.registry.models import ImportStatus, RegistryImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IN_PROGRESS = {ImportStatus.VALIDATING, ImportStatus.QUEUED, ImportStatus.COMMITTING}


def _own_import(request, pk: int) -> RegistryImport:
    if not can_import(request.user):
        raise HttpForbidden
    return get_object_or_404(RegistryImport.objects.select_related("created_by"), pk=pk, created_by=request.user)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập dữ liệu.")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record, inline = import_services.registry_import_start(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as err:
            form.add_error("file", err.message)
        else:
            if inline:
                import_services.registry_import_check(import_id=record.pk)
            else:
                tasks.registry_import_check_task.enqueue(record.pk)
            return redirect("registry:import_detail", pk=record.pk)
    recent = RegistryImport.objects.filter(created_by=request.user)[:10]
    return render(request, "registry/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_import(request, pk)
    percent, label = import_services.progress_get(record.pk)
    context = {"record": record, "percent": percent, "label": label, "in_progress": record.status in IN_PROGRESS,
               "summary": record.summary or {}}
    template = "registry/_import_status.html" if request.htmx else "registry/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_import(request, pk)
    action = request.POST.get("action", "commit")
    try:
        if action == "cancel":
            import_services.registry_import_cancel(actor=request.user, import_id=record.pk)
            messages.info(request, "Đã huỷ lần nhập này; không có dữ liệu nào được ghi.")
            return redirect("registry:import_upload")
        valid_only = request.POST.get("valid_only") == "on"
        record, inline = import_services.registry_import_request_commit(
            actor=request.user, import_id=record.pk, valid_only=valid_only)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("registry:import_detail", pk=pk)
    if inline:
        record = import_services.registry_import_commit(import_id=record.pk)
        if record.status == ImportStatus.COMMITTED:
            messages.success(request, record.message)
        else:
            messages.error(request, record.message)
    else:
        tasks.registry_import_commit_task.enqueue(record.pk)
    return redirect("registry:import_detail", pk=pk)


@login_required
def import_error_report(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_import(request, pk)
    if not record.error_report_path or not Path(record.error_report_path).exists():
        raise Http404("Không có báo cáo lỗi.")
    name = f"{Path(record.file_name).stem}_bao_cao_loi.xlsx"
    return FileResponse(open(record.error_report_path, "rb"), as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise HttpForbidden
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(REGISTRY_SCHEMA, Path(tmp) / "mau.xlsx", title=TEMPLATE_TITLE,
                              example_rows=TEMPLATE_EXAMPLES)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau_danh_sach_ho_nhan_khau.xlsx"'
    return response
