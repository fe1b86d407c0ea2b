"""Thin views: bind input, call one selector or service, render."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ansinh.accounts.permissions import can_edit_registry, can_read_registry
from ansinh.core.errors import DomainError
from ansinh.matching import selectors, services
from ansinh.matching.forms import DuplicateCheckForm, FileMatchForm, MergeForm, SettingsForm
from ansinh.matching.models import FileStatus, PairStatus, RunStatus

PAGE_SIZE = 50


def _require_reader(user) -> None:
    if not can_read_registry(user):
        raise HttpForbidden("Vai trò của bạn không xem được cơ sở dữ liệu hộ, nhân khẩu.")


@login_required
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """htmx: likely existing people for what is being typed in a person form."""
    _require_reader(request.user)
    form = DuplicateCheckForm(request.GET)
    query = form.query() if form.is_valid() else None
    hints = selectors.duplicate_candidates(user=request.user, **query) if query else []
    return render(request, "matching/_duplicate_hints.html", {"hints": hints, "asked": query is not None})


@login_required
def pair_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    status = request.GET.get("status", PairStatus.PENDING)
    if status not in PairStatus.values:
        status = PairStatus.PENDING
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    pairs = selectors.pairs_for_user(user=request.user, status=status, band=request.GET.get("band", ""))
    rows = list(pairs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "matching/pair_list.html", {
        "pairs": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "status": status,
        "statuses": PairStatus.choices, "runs": selectors.latest_runs(),
        "can_run": services.can_run_matching(request.user), "settings": selectors.matching_settings(),
    })


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    return render(request, "matching/pair_detail.html", {
        "pair": pair, "sides": selectors.pair_sides(pair=pair, user=request.user),
        "evidence": sorted(pair.evidence, key=lambda e: -abs(e["weight"])),
        "can_decide": can_edit_registry(request.user) and pair.status == PairStatus.PENDING,
        "merge": pair.merges.filter(undone_at__isnull=True).first(),
    })


@login_required
@require_POST
def pair_merge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy chọn bản ghi giữ lại.")
        return redirect("matching:pair_detail", pk=pk)
    keep_low = form.cleaned_data["keep"] == "low"
    kept, merged = (pair.person_low, pair.person_high) if keep_low else (pair.person_high, pair.person_low)
    try:
        merge = services.persons_merge(actor=request.user, kept=kept, merged=merged, pair=pair)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("matching:pair_detail", pk=pk)
    messages.success(request, f"Đã gộp {merged.full_name} (#{merged.pk}) vào {kept.full_name} (#{kept.pk}).")
    return redirect("matching:merge_detail", pk=merge.pk)


@login_required
@require_POST
def pair_different(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    try:
        services.pair_mark_different(actor=request.user, pair=pair)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("matching:pair_detail", pk=pk)
    messages.success(request, "Đã ghi nhận: hai người khác nhau. Cặp này sẽ không được đề xuất lại.")
    return redirect("matching:pair_list")


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, "matching/merge_list.html",
                  {"merges": selectors.merges_for_user(user=request.user)[:200]})


@login_required
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    merge = selectors.merge_get_for_user(user=request.user, pk=pk)
    return render(request, "matching/merge_detail.html", {
        "merge": merge, "kept_references": selectors.person_references(merge.kept),
        "can_undo": can_edit_registry(request.user) and merge.undone_at is None,
    })


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get_for_user(user=request.user, pk=pk)
    try:
        services.person_merge_undo(actor=request.user, merge=merge)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "Đã hoàn tác lần gộp; hai bản ghi trở lại như trước.")
    return redirect("matching:merge_detail", pk=pk)


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    try:
        run = services.match_run_start(actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("matching:pair_list")
    return redirect("matching:run_status", pk=run.pk)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    run = selectors.run_get(pk=pk)
    in_progress = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    template = "matching/_run_status.html" if request.htmx else "matching/run_status.html"
    return render(request, template, {"run": run, "in_progress": in_progress})


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    if not services.can_run_matching(request.user):
        raise HttpForbidden
    current = selectors.matching_settings()
    form = SettingsForm(request.POST or None, initial={
        "auto_merge_enabled": current.auto_merge_enabled, "auto_merge_threshold": current.auto_merge_threshold,
        "review_threshold": current.review_threshold})
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_settings_update(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, "Đã lưu cài đặt ghép trùng.")
            return redirect("matching:pair_list")
    return render(request, "matching/settings.html", {"form": form})


@login_required
def file_upload(request: HttpRequest) -> HttpResponse:
    if not can_edit_registry(request.user):
        raise HttpForbidden
    form = FileMatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.file_match_create(actor=request.user, upload=form.cleaned_data["file"],
                                                against_registry=form.cleaned_data["against_registry"],
                                                output_kind=form.cleaned_data["output_kind"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            return redirect("matching:file_detail", pk=record.pk)
    return render(request, "matching/file_upload.html", {
        "form": form, "recent": selectors.file_matches_for_user(user=request.user)[:10]})


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.file_match_get_for_user(user=request.user, pk=pk)
    in_progress = record.status in (FileStatus.QUEUED, FileStatus.RUNNING)
    template = "matching/_file_status.html" if request.htmx else "matching/file_detail.html"
    return render(request, template, {"record": record, "in_progress": in_progress})


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.file_match_get_for_user(user=request.user, pk=pk)
    if record.status != FileStatus.FINISHED or not Path(record.output_path).exists():
        raise Http404("Chưa có tệp kết quả.")
    name = f"{Path(record.file_name).stem}_ket_qua.{record.output_kind}"
    return FileResponse(open(record.output_path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115
