"""Thin views: bind input, call one selector or service, render."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.params import choice_param, page_param
from ansinh.core.throttle import allow
from ansinh.matching import selectors, services, tasks
from ansinh.matching.forms import DuplicateCheckForm, FileMatchForm, MergeForm, SettingsForm
from ansinh.matching.imports import MATCH_FILE_KIND
from ansinh.matching.models import Band, PairStatus, RunStatus
from ansinh.matching.permissions import NUMBER_CHECKS_PER_MINUTE, can_decide, can_run_matching
from ansinh.registry.permissions import can_edit_registry, can_read_registry

PAGE_SIZE = 50


def _require_reader(user) -> None:
    if not can_read_registry(user):
        raise HttpForbidden("Vai trò của bạn không xem được cơ sở dữ liệu hộ, nhân khẩu.")


def _require_object_reader(user) -> None:
    """On a page about one object: a role that never reads the registry gets a 404, the answer for an object
    that does not exist (a 403 would confirm that it exists)."""
    if not can_read_registry(user):
        raise Http404("Không tìm thấy.")


def _complete_number(query: dict | None) -> str:
    """The complete identity number typed (12-digit number or 9-digit CMND), or "" (a partial one is ignored)."""
    if not query:
        return ""
    digits = {name: "".join(ch for ch in query.get(name) or "" if ch.isdigit()) for name in ("pid", "cmnd")}
    return next((d for name, d in digits.items() if len(d) == (12 if name == "pid" else 9)), "")


@login_required
@require_POST
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """htmx (POST: what is typed, identity and phone numbers included, never lands in a URL or a log): likely
    existing people for what is being typed in a person form. A look-up by a complete identity number is
    rate-limited per user and recorded in the audit trail (it would otherwise be an enumeration oracle)."""
    _require_reader(request.user)
    form = DuplicateCheckForm(request.POST)
    query = form.query() if form.is_valid() else None
    number = _complete_number(query)
    if number:
        if not allow(scope="duplicate-number", key=request.user.pk, limit=NUMBER_CHECKS_PER_MINUTE):
            return render(request, "matching/_duplicate_hints.html", {"hints": [], "asked": True, "throttled": True})
        services.duplicate_number_checked(actor=request.user, number=number)
    hints = selectors.duplicate_candidates(user=request.user, **query) if query else []
    return render(request, "matching/_duplicate_hints.html", {"hints": hints, "asked": query is not None})


@login_required
def pair_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    status = choice_param(request.GET, "status", PairStatus.values, default=PairStatus.PENDING)
    page = page_param(request.GET)
    pairs = selectors.pairs_for_user(user=request.user, status=status,
                                     band=choice_param(request.GET, "band", Band.values))
    rows = list(pairs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "matching/pair_list.html", {
        "pairs": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "status": status,
        "statuses": PairStatus.choices, "runs": selectors.latest_runs(),
        "can_run": can_run_matching(request.user), "settings": selectors.matching_settings(),
    })


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_object_reader(request.user)
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    return render(request, "matching/pair_detail.html", {
        "pair": pair, "sides": selectors.pair_sides(pair=pair, user=request.user),
        "evidence": sorted(pair.evidence, key=lambda e: -abs(e["weight"])),
        "can_decide": (pair.status == PairStatus.PENDING
                       and can_decide(request.user, pair.person_low.commune_id, pair.person_high.commune_id)),
        "merge": pair.merges.filter(undone_at__isnull=True).first(),
        "conflict": selectors.membership_conflict(pair.person_low, pair.person_high),
        "twins": selectors.may_be_twins(pair),
        "years_apart": selectors.years_apart(pair),
        "torn": selectors.torn_pairs(pair=pair, user=request.user),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def pair_merge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["left"]) if "left" in form.errors else "Hãy chọn bản ghi giữ lại.")
        return redirect("matching:pair_detail", pk=pk)
    keep_low = form.cleaned_data["keep"] == "low"
    kept, merged = (pair.person_low, pair.person_high) if keep_low else (pair.person_high, pair.person_low)
    choice = form.membership_choice(low_id=pair.person_low_id, high_id=pair.person_high_id)
    try:
        merge = services.persons_merge(actor=request.user, kept=kept, merged=merged, pair=pair,
                                       memberships=services.MembershipChoice(**choice) if choice else None)
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
    _require_object_reader(request.user)
    merge = selectors.merge_get_for_user(user=request.user, pk=pk)
    return render(request, "matching/merge_detail.html", {
        "merge": merge, "kept_references": selectors.person_references(merge.kept),
        "household_changes": selectors.merge_household_changes(merge),
        "can_undo": merge.undone_at is None and can_decide(request.user, merge.kept.commune_id,
                                                            merge.merged.commune_id),
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
    tasks.match_run_task.enqueue(run.pk)
    return redirect("matching:run_status", pk=run.pk)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_object_reader(request.user)
    run = selectors.run_get(pk=pk)
    in_progress = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    template = "matching/_run_status.html" if request.htmx else "matching/run_status.html"
    by_area = [] if in_progress else selectors.run_pairs_by_area(run)
    return render(request, template, {"run": run, "in_progress": in_progress, "by_area": by_area})


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    if not can_run_matching(request.user):
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
        upload = form.cleaned_data["file"]
        try:
            record = imports.import_receive(kind=MATCH_FILE_KIND, actor=request.user, file=upload, file_name=upload.name,
                                            target={"against_registry": form.cleaned_data["against_registry"],
                                                    "output_kind": form.cleaned_data["output_kind"]})
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            import_views.start_check(record)
            return redirect("matching:file_detail", pk=record.pk)
    return render(request, "matching/file_upload.html", {
        "form": form, "recent": selectors.file_matches_for_user(user=request.user)[:10]})


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.file_match_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def file_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, selectors.file_match_get_for_user(user=request.user, pk=pk))


@login_required
def file_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.file_match_get_for_user(user=request.user, pk=pk))


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.file_match_get_for_user(user=request.user, pk=pk)
    if not record.output_file:
        raise Http404("Chưa có tệp kết quả.")
    try:
        handle = record.output_file.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp kết quả.") from err
    name = f"{Path(record.file_name).stem}_ket_qua.{record.output_kind}"
    return FileResponse(handle, as_attachment=True, filename=name)
