"""Thin views of the policy pages: bind input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openfisca_core.errors import SituationParsingError

from ansinh.core.errors import DomainError
from ansinh.core.params import text_param
from ansinh.policy import selectors, services
from ansinh.policy.cli import parse_assignments
from ansinh.policy.forms import (
    MONEY_VARIABLES,
    ExplainForm,
    ParameterChangeForm,
    RejectForm,
    explain_form_data,
)
from ansinh.policy.models import ParameterChange
from ansinh.policy.permissions import can_manage_parameters, can_read_policy


def _require_reader(user) -> None:
    if not can_read_policy(user):
        raise HttpForbidden("Vai trò của bạn không xem được chính sách và tham số.")


def _require_manager(user) -> None:
    if not can_manage_parameters(user):
        raise HttpForbidden("Chỉ quản trị hệ thống mới được đề xuất hoặc duyệt giá trị tham số.")


@login_required
def parameter_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    query = text_param(request.GET, "q", max_length=120)
    groups = selectors.parameter_catalogue(query=query)
    return render(request, "policy/parameter_list.html", {
        "groups": groups, "query": query, "count": sum(len(g.entries) for g in groups),
        "can_manage": can_manage_parameters(request.user),
        "pending_count": selectors.parameter_changes_pending().count(),
    })


@login_required
def change_propose(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    parameters = selectors.parameter_infos()
    form = ParameterChangeForm(request.POST or None, parameters=parameters,
                               initial={"parameter": text_param(request.GET, "parameter", max_length=200)})
    if request.method == "POST" and form.is_valid():
        try:
            change = services.parameter_change_propose(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, f"Đã gửi đề xuất {change.parameter} từ {change.start:%d/%m/%Y}. "
                                      "Giá trị chỉ áp dụng sau khi một quản trị viên khác duyệt.")
            return redirect("policy:change_queue")
    chosen = parameters.get(form["parameter"].value() or "")
    return render(request, "policy/change_form.html", {"form": form, "chosen": chosen})


@login_required
def change_queue(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, "policy/change_queue.html", {
        "pending": selectors.parameter_changes_pending(),
        "decided": selectors.parameter_changes_decided(),
        "can_manage": can_manage_parameters(request.user),
        "reject_form": RejectForm(),
    })


def _change_get(request: HttpRequest, pk: int) -> ParameterChange:
    """The change, for those who may read the policy pages (a 404 for the others, as for a change that does not
    exist); then only administrators may act on it (a 403 for the readers, who see it in the queue anyway)."""
    if not can_read_policy(request.user):
        raise Http404("Không tìm thấy đề xuất.")
    change = get_object_or_404(ParameterChange, pk=pk)
    _require_manager(request.user)
    return change


def _decide(request: HttpRequest, pk: int, action, success: str, **kwargs) -> HttpResponse:
    change = _change_get(request, pk)
    try:
        action(actor=request.user, change=change, **kwargs)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, success.format(change=change))
    return redirect("policy:change_queue")


@login_required
@require_POST
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.parameter_change_approve,
                   "Đã duyệt {change.parameter} từ {change.start:%d/%m/%Y}; các kỳ tính từ ngày này dùng giá trị mới.")


@login_required
@require_POST
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.parameter_change_reject,
                   "Đã từ chối đề xuất {change.parameter} từ {change.start:%d/%m/%Y}.",
                   reason=text_param(request.POST, "reason", max_length=2000, multiline=True))


@login_required
@require_POST
def change_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_get(request, pk)
    try:
        services.parameter_change_withdraw(actor=request.user, change=change)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Đã rút đề xuất {change.parameter} từ {change.start:%d/%m/%Y}.")
    return redirect("policy:change_queue")


@login_required
def explanation(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    result, error, shown = None, "", []
    if "variable" in request.GET:
        form = ExplainForm(explain_form_data(request.GET))
        if form.is_valid():
            try:
                inputs = parse_assignments(form.assignments())
                result = selectors.explanation_get(
                    variable=form.cleaned_data["variable"], period=form.cleaned_data["period"], inputs=inputs,
                ).to_dict()
                shown = selectors.explanation_inputs(inputs=inputs)
            except ValueError as err:  # UnsetParameterError, BridgeInputError, ParameterAdditionError, periods
                error = str(err)
            except SituationParsingError as err:
                error = f"Dữ liệu nhập không hợp lệ: {err}"
    else:
        form = ExplainForm(initial={"variable": "tgxh_monthly_allowance", "period": f"{timezone.localdate():%m/%Y}"})
    return render(request, "policy/explain.html", {
        "form": form, "explanation": result, "error": error, "inputs": shown,
        "is_money": result is not None and result["variable"] in MONEY_VARIABLES,
    })
