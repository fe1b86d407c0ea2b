"""Thin views of programmes and lists: bind input, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can_see_identity, mask_identity
from ansinh.core.errors import DomainError
from ansinh.programmes import selectors, services
from ansinh.programmes.models import FlagKind, ListStatus, Resolution, RowFlag
from ansinh.programmes.permissions import can_do, can_read_programmes
from ansinh.programmes.rules import explanation_link

PAGE_SIZE = 100


def _require_reader(user) -> None:
    if not can_read_programmes(user):
        raise HttpForbidden("Vai trò của bạn không xem được danh sách hỗ trợ.")


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, "programmes/programme_list.html",
                  {"programmes": selectors.programmes_for_user(user=request.user)})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    programme = get_object_or_404(selectors.programmes_for_user(user=request.user), pk=pk)
    lists = selectors.lists_for_user(user=request.user, programme=programme, status=request.GET.get("status", ""),
                                     group_code=request.GET.get("group", ""))
    return render(request, "programmes/programme_detail.html", {
        "programme": programme, "lists": lists[:500], "statuses": ListStatus.choices, "params": request.GET,
        "can_generate": can_do(request.user, "generate")})


@login_required
@require_POST
def programme_generate(request: HttpRequest, pk: int) -> HttpResponse:
    from ansinh.programmes.generation import registry_lists_generate

    programme = get_object_or_404(selectors.programmes_for_user(user=request.user), pk=pk)
    try:
        result = registry_lists_generate(programme=programme, actor=request.user)
        messages.success(request, f"Đã lập {result.lists} danh sách ({result.rows} người).")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:programme_detail", pk=pk)


def _row_view(row, show_id: bool, programme) -> dict:
    inputs = row.inputs or {row.beneficiary_list.group.input_variable: True}
    if row.person.death_date and not row.inputs:
        inputs["death_date"] = row.person.death_date.isoformat()
    return {"row": row, "identity": row.identity_number if show_id else mask_identity(row.identity_number),
            "flags": list(row.flags.all()),
            "explain": explanation_link(row.beneficiary_list.group.rules_variable, programme.period, inputs)}


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    bl = selectors.list_get(user=request.user, pk=pk)
    page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1)
    rows = list(selectors.list_rows(beneficiary_list=bl, flagged_only=request.GET.get("flagged") == "1")
                .select_related("beneficiary_list__group")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    show_id = can_see_identity(request.user)
    user = request.user
    steps = {s: can_do(user, s, bl.commune_id) for s in ("submit", "appraise", "return", "approve", "post", "resolve")}
    return render(request, "programmes/list_detail.html", {
        "bl": bl, "rows": [_row_view(r, show_id, bl.programme) for r in rows[:PAGE_SIZE]],
        "has_next": len(rows) > PAGE_SIZE, "page": page, "steps": steps, "flag_kinds": FlagKind.choices,
        "open_flags": RowFlag.objects.filter(row__beneficiary_list=bl, resolution="").count(),
        "events": bl.events.select_related("actor"), "batches": bl.payment_batches.select_related("agent"),
        "today": dt.date.today()})


def _act(request, pk: int, action) -> HttpResponse:
    bl = selectors.list_get(user=request.user, pk=pk)
    try:
        action(bl)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:list_detail", pk=pk)


@login_required
@require_POST
def list_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user, post = request.user, request.POST
    actions = {
        "submit": lambda bl: services.list_submit(actor=user, beneficiary_list=bl),
        "appraise": lambda bl: services.list_appraise(actor=user, beneficiary_list=bl, note=post.get("note", "")),
        "return": lambda bl: services.list_return(actor=user, beneficiary_list=bl, reason=post.get("reason", "")),
        "post": lambda bl: services.list_post(actor=user, beneficiary_list=bl),
        "check": lambda bl: services.list_checks_run(actor=user, beneficiary_list=bl),
        "approve": lambda bl: services.list_approve(
            actor=user, beneficiary_list=bl, decision_number=post.get("decision_number", ""),
            decision_date=_date(post.get("decision_date", "")), signer=post.get("signer", ""),
            decision_pdf=request.FILES.get("decision_pdf")),
        "resolve_all": lambda bl: services.flags_resolve_all(
            actor=user, beneficiary_list=bl, kind=post.get("kind", ""), resolution=post.get("resolution", ""),
            justification=post.get("justification", "")),
    }
    if step not in actions:
        raise HttpForbidden("Bước không hợp lệ.")
    return _act(request, pk, actions[step])


def _date(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(RowFlag.objects.select_related("row__beneficiary_list"), pk=pk)
    bl = selectors.list_get(user=request.user, pk=flag.row.beneficiary_list_id)
    try:
        services.flag_resolve(actor=request.user, flag=flag, resolution=request.POST.get("resolution", ""),
                              justification=request.POST.get("justification", ""))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:list_detail", pk=bl.pk)


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The list as posted on the commune notice board (.xlsx)."""
    import io

    from ansinh.core.xlsx import write_sheet

    _require_reader(request.user)
    bl = selectors.list_get(user=request.user, pk=pk)
    rows = selectors.list_rows(beneficiary_list=bl).filter(excluded=False)
    buffer = io.BytesIO()
    write_sheet(buffer, title_lines=[f"DANH SÁCH {str(bl).upper()}", bl.programme.name,
                                     f"Quyết định số {bl.decision_number}" if bl.decision_number else "Dự thảo"],
                headers=["STT", "Họ và tên", "Năm sinh", "Thôn/xóm", "Nhóm", "Số tháng", "Số tiền"],
                rows=[(i, r.person.full_name, r.person.birth_display,
                       getattr(r.person.household, "village", ""), bl.group.code, r.months, r.amount)
                      for i, r in enumerate(rows, start=1)], money_columns=[6])
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="niem-yet-{bl.pk}.xlsx"'
    return response


RESOLUTIONS = Resolution.choices
