"""Pages for importing the registry from Excel: the upload form here, the rest is the shared lifecycle's."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.tabular import write_template
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.registry import selectors
from ansinh.registry.forms import ImportUploadForm
from ansinh.registry.imports import REGISTRY_KIND, REGISTRY_SCHEMA, TEMPLATE_EXAMPLES, TEMPLATE_TITLE
from ansinh.registry.permissions import can_import


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập dữ liệu.")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = imports.import_receive(kind=REGISTRY_KIND, actor=request.user, file=upload, file_name=upload.name)
        except DomainError as err:
            form.add_error("file", err.message)
        else:
            import_views.start_check(record)
            return redirect("registry:import_detail", pk=record.pk)
    recent = selectors.registry_imports_for_user(user=request.user).filter(created_by=request.user)[:10]
    return render(request, "registry/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.registry_import_get(user=request.user, pk=pk))


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, selectors.registry_import_get(user=request.user, pk=pk))


@login_required
def import_error_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.registry_import_get(user=request.user, pk=pk))


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
