"""Thin views of the plan: bind input (``core.params``), call one selector or service, render. An object of a unit
outside the user's area is a 404 (selectors); a refusal of a service is a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.planning import charts, selectors
from ansinh.planning.imports import ACHIEVEMENT_KIND
from ansinh.planning.models import AchievementImport, ReportForm, ReportStep, TaskKind, TaskStatus
from ansinh.planning.permissions import REPORT_WORKFLOW, can_note_task, can_plan, can_read
from ansinh.planning.services import reports, tasks

STEPS = {"gui": ReportStep.SUBMIT, "chap-nhan": ReportStep.ACCEPT, "tra-lai": ReportStep.RETURN,
         "mo-khoa": ReportStep.REOPEN}
DONE = {ReportStep.SUBMIT: "Đã gửi báo cáo lên cấp trên.", ReportStep.ACCEPT: "Đã chấp nhận báo cáo: số liệu đã khoá.",
        ReportStep.RETURN: "Đã trả lại báo cáo.", ReportStep.REOPEN: "Đã mở khoá báo cáo: đơn vị sửa được số liệu."}


def _reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được kế hoạch, nhiệm vụ và báo cáo của ngành.")


def _run(request: HttpRequest, call: Callable[[], object], success: str = ""):
    try:
        result = call()
    except DomainError as err:
        messages.error(request, err.message)
        return None
    if success:
        messages.success(request, success)
    return result


def _period(request: HttpRequest):
    code = text_param(request.GET, "period", max_length=12)
    return (selectors.period_by_code(code) if code else None) or selectors.periods().first()


def _date(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text_param(request.GET, name, max_length=10))
    except ValueError:
        return None


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _reader(request)
    period = _period(request)
    rows, counts, track, overdue = [], {}, [], []
    if period is not None:
        rows = [r for r in selectors.plan_rows(period=period) if r.target is not None]
        counts = selectors.task_counts(user=request.user, year=period.year, on=period.end)
        track = selectors.tracking(user=request.user, period=period)
        overdue = selectors.tasks_for_user(user=request.user, year=period.year, status=TaskStatus.OPEN_OVERDUE,
                                           on=timezone.localdate())[:10]
    chart = charts.plan_bars([(r.indicator.name, r.percent) for r in rows],
                             title=f"Thực hiện so với kế hoạch năm – {period.label}" if period else "Kế hoạch")
    return render(request, "planning/dashboard.html", {
        "period": period, "periods": selectors.periods(), "rows": rows, "chart": mark_safe(chart),  # noqa: S308 — escaped in charts
        "counts": counts, "missing": [t for t in track if t.state == "missing"],
        "late": sum(1 for t in track if t.state == "late"), "overdue": overdue, "active": "dashboard"})


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    _reader(request)
    on = _date(request, "on") or timezone.localdate()
    visible = set(selectors.units_for_user(user=request.user).values_list("pk", flat=True))
    tree = [(depth, unit) for depth, unit in selectors.tree_on(on) if unit.pk in visible]
    return render(request, "planning/units.html", {"tree": tree, "on": on, "active": "units",
                                                   "fields": selectors.responsibilities_on(on)})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, pk=pk)
    period = _period(request)
    children, rows = [], []
    if period is not None:
        children = [(child, [selectors.achievement(indicator=r.indicator, unit=child, period=period).value
                             for r in selectors.plan_rows(period=period) if r.target is not None])
                    for child in selectors.children_on(unit, period.end)]
        rows = [r for r in selectors.plan_rows(period=period) if r.target is not None]
    return render(request, "planning/unit_detail.html", {
        "unit": unit, "period": period, "periods": selectors.periods(), "children": children, "rows": rows,
        "reports": selectors.reports_for_user(user=request.user).filter(unit=unit)[:20],
        "tasks": selectors.tasks_for_user(user=request.user).filter(owner=unit)[:50], "active": "units"})


@login_required
def tracking(request: HttpRequest) -> HttpResponse:
    _reader(request)
    period = _period(request)
    rows = selectors.tracking(user=request.user, period=period) if period else []
    openable = [r for r in rows if r.report is None]
    return render(request, "planning/tracking.html", {
        "period": period, "periods": selectors.periods(), "rows": rows, "openable": openable, "active": "reports",
        "today": timezone.localdate()})


@login_required
@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    _reader(request)
    unit = selectors.units_for_user(user=request.user).filter(pk=int_param(request.POST, "unit") or 0).first()
    form = ReportForm.objects.filter(pk=int_param(request.POST, "form") or 0).first()
    period = selectors.periods().filter(pk=int_param(request.POST, "period") or 0).first()
    if unit is None or form is None or period is None:
        messages.error(request, "Chọn đơn vị trong địa bàn của bạn, biểu và kỳ báo cáo.")
        return redirect("planning:tracking")
    opened = _run(request, lambda: reports.report_open(actor=request.user, form=form, unit=unit, period=period))
    return redirect("planning:report_detail", pk=opened.pk) if opened else redirect("planning:tracking")


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    if request.method == "POST":
        values = {ind.code: text_param(request.POST, f"v_{ind.code}", max_length=30)
                  for ind, _row in selectors.report_values(report)}
        _run(request, lambda: reports.report_values_enter(actor=request.user, report=report, values=values),
             "Đã lưu số liệu.")
        return redirect("planning:report_detail", pk=pk)
    return render(request, "planning/report_detail.html", {
        "report": report, "values": selectors.report_values(report), "steps": REPORT_WORKFLOW.available(
            request.user, report), "events": REPORT_WORKFLOW.events(report), "active": "reports",
        "can_enter": REPORT_WORKFLOW.available(request.user, report).get(ReportStep.ENTER),
        "children": selectors.children_on(report.unit, report.period.end)})


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    if step not in STEPS:
        raise Http404("Không có bước này.")
    reason = text_param(request.POST, "reason", max_length=2000, multiline=True)
    call = {ReportStep.SUBMIT: lambda: reports.report_submit(actor=request.user, report=report),
            ReportStep.ACCEPT: lambda: reports.report_accept(actor=request.user, report=report),
            ReportStep.RETURN: lambda: reports.report_return(actor=request.user, report=report, reason=reason),
            ReportStep.REOPEN: lambda: reports.report_reopen(actor=request.user, report=report, reason=reason),
            }[STEPS[step]]
    _run(request, call, DONE[STEPS[step]])
    return redirect("planning:report_detail", pk=pk)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    year = int_param(request.GET, "year", minimum=2000, maximum=2100) or timezone.localdate().year
    status = choice_param(request.GET, "status", TaskStatus.values)
    kind = choice_param(request.GET, "kind", TaskKind.values)
    on = _date(request, "on") or timezone.localdate()
    qs = selectors.tasks_for_user(user=request.user, year=year, kind=kind, status=status, on=on)
    page = Paginator(qs, 50).get_page(page_param(request.GET))
    return render(request, "planning/tasks.html", {
        "page": page, "year": year, "status": status, "kind": kind, "on": on, "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices, "counts": selectors.task_counts(user=request.user, year=year, on=on),
        "rows": [(t, TaskStatus(t.status_on(on)).label) for t in page], "active": "tasks",
        "can_plan": can_plan(request.user)})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        progress = int_param(request.POST, "progress", minimum=0, maximum=100)
        if progress is None and request.POST.get("progress") != "0":
            messages.error(request, "Tiến độ là số phần trăm từ 0 đến 100.")
        else:
            _run(request, lambda: tasks.task_progress(
                actor=request.user, task=task, on=today, progress=progress or 0,
                text=text_param(request.POST, "text", max_length=4000, multiline=True),
                completed=request.POST.get("completed") == "1", attachment=request.FILES.get("attachment")),
                "Đã cập nhật tiến độ.")
        return redirect("planning:task_detail", pk=pk)
    return render(request, "planning/task_detail.html", {
        "task": task, "status": TaskStatus(task.status_on(today)).label, "notes": task.notes.all(),
        "co_units": task.co_units.all(), "active": "tasks", "can_note": can_note_task(request.user, task),
        "deadlines": selectors.deadline_history(task),
        "can_edit": can_plan(request.user) and task.completed_on is None})


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    page = Paginator(selectors.documents_for_user(user=request.user), 50).get_page(page_param(request.GET))
    return render(request, "planning/documents.html", {"page": page, "active": "documents"})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.document_get(user=request.user, pk=pk)
    return render(request, "planning/document_detail.html", {"doc": doc, "active": "documents"})


@login_required
def document_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    doc = selectors.document_get(user=request.user, pk=pk)
    if fmt not in ("docx", "pdf"):
        raise Http404("Văn bản không có tệp này.")
    stored = doc.docx if fmt == "docx" else doc.pdf
    if not stored:
        raise Http404("Văn bản không có tệp này.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp.") from err
    return FileResponse(handle, as_attachment=True, filename=f"{doc.symbol.replace('/', '-')}.{fmt}")


# ---------------------------------------------------------------- achievements from a file (core.imports)

def _import_get(request: HttpRequest, pk: int) -> AchievementImport:
    record = AchievementImport.objects.filter(pk=pk, created_by=request.user).first()
    if record is None:
        raise Http404(selectors.NOT_FOUND)
    return record


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_plan(request.user):
        raise HttpForbidden("Chỉ chuyên viên Sở phụ trách kế hoạch được nhập kết quả thực hiện từ tệp.")
    if request.method == "POST":
        period = selectors.periods().filter(pk=int_param(request.POST, "period") or 0).first()
        upload = request.FILES.get("file")
        if period is None or upload is None:
            messages.error(request, "Chọn kỳ báo cáo và tệp (.xlsx, .xls, .csv).")
        else:
            record = _run(request, lambda: imports.import_receive(kind=ACHIEVEMENT_KIND, actor=request.user,
                                                                  file=upload, file_name=upload.name,
                                                                  target={"period": period}))
            if record is not None:
                import_views.start_check(record)
                return redirect("planning:import_detail", pk=record.pk)
    return render(request, "planning/import_upload.html", {
        "periods": selectors.periods(), "recent": AchievementImport.objects.filter(created_by=request.user)[:15],
        "active": "import"})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, _import_get(request, pk), template="planning/import_detail.html")


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, _import_get(request, pk))


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, _import_get(request, pk))
