"""The pages of the shared import lifecycle: one status page (with polling, the column mapping step and the
commit form), one commit/cancel/map action, one error-report download. Apps wire them in their urls with
their own selector, which decides who may see the record (a refused record is a 404)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ansinh.core import imports
from ansinh.core.errors import DomainError
from ansinh.core.models import ImportRecord, ImportStatus
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX


def start_check(record: ImportRecord) -> None:
    """Check now (small file) or in the background worker (the page polls for progress)."""
    from ansinh.core.tasks import import_check_task

    kind = imports.kind_of(record)
    if kind.inline(record):
        imports.import_check(record=record)
    else:
        import_check_task.enqueue(kind.code, record.pk)


def start_commit(record: ImportRecord) -> ImportRecord:
    from ansinh.core.tasks import import_commit_task

    kind = imports.kind_of(record)
    if kind.inline(record):
        return imports.import_commit(record=record)
    import_commit_task.enqueue(kind.code, record.pk)
    return record


def _mapping_choices(kind, record: ImportRecord) -> list[tuple[str, str]]:
    schema = kind.schema(record) if hasattr(kind, "schema") else None
    if schema is None:
        return []
    recognised = set((record.summary or {}).get("recognised", {}))
    return [(f.name, f.header) for f in schema.fields if f.name not in recognised]


def detail_context(request: HttpRequest, record: ImportRecord) -> dict:
    kind = imports.kind_of(record)
    percent, label = imports.progress_get(record)
    summary = record.summary or {}
    urls = {name: reverse(url, args=[record.pk]) for name, url in kind.urls.items() if name != "again"}
    urls["again"] = kind.again_url(record) if hasattr(kind, "again_url") else reverse(kind.urls["again"])
    return {
        "record": record, "kind": kind, "summary": summary, "figures": kind.figures(record),
        "percent": percent, "label": label, "in_progress": record.in_progress,
        "is_owner": record.created_by_id == request.user.pk, "urls": urls,
        "mapping_choices": _mapping_choices(kind, record) if summary.get("ignored") else [],
        "done_link": kind.done_link(record) if record.status == ImportStatus.COMMITTED else None,
    }


def import_detail(request: HttpRequest, record: ImportRecord, *, template: str = "core/import_detail.html") -> HttpResponse:
    context = detail_context(request, record)
    if request.htmx:
        return render(request, "core/_import_status.html", context)
    return render(request, template, context)


def import_action(request: HttpRequest, record: ImportRecord, *,
                  after_commit: Callable[[ImportRecord], HttpResponse] | None = None) -> HttpResponse:
    """POST: ``action`` = commit (with ``valid_only``), cancel, or map (``map:<header>`` = field name)."""
    kind = imports.kind_of(record)
    detail = redirect(kind.urls["detail"], record.pk)
    action = request.POST.get("action", "commit")
    try:
        if action == "cancel":
            imports.import_cancel(actor=request.user, record=record)
            messages.info(request, "Đã huỷ lần nhập này; không có dữ liệu nào được ghi.")
            return detail
        if action == "map":
            # no NUL byte: PostgreSQL refuses it in the JSON column (a header read from a file carries none)
            mapping = {key[4:].replace("\x00", ""): value.replace("\x00", "")
                       for key, value in request.POST.items() if key.startswith("map:")}
            record = imports.import_remap(actor=request.user, record=record, mapping=mapping)
            start_check(record)
            messages.info(request, "Đã ghép cột; tệp được kiểm tra lại.")
            return detail
        record = imports.import_commit_request(actor=request.user, record=record,
                                               valid_only=request.POST.get("valid_only") in ("on", "1", "true"),
                                               confirm_warnings=request.POST.get("confirm_warnings") in ("on", "1"))
    except DomainError as err:
        messages.error(request, err.message)
        return detail
    record = start_commit(record)
    if record.status == ImportStatus.COMMITTED:
        messages.success(request, record.message)
        if after_commit is not None:
            return after_commit(record)
    elif record.status == ImportStatus.CHECKED and record.message:
        messages.error(request, record.message)
    return detail


def import_report(request: HttpRequest, record: ImportRecord) -> FileResponse:
    if not record.error_report:
        raise Http404("Lần nhập này không có báo cáo lỗi.")
    try:
        handle = record.error_report.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn báo cáo lỗi.") from err
    stem = record.file_name.rsplit(".", 1)[0] or "tep"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}_bao_cao_loi.xlsx", content_type=XLSX)
