"""Thin views of the casework app: bind the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes
from ansinh.casework import forms, renderers, selectors
from ansinh.casework.models import PetitionStatus
from ansinh.casework.permissions import (
    PETITION_WORKFLOW,
    can_handle,
    can_inspect,
    can_keep_ledger,
    can_read_inspections,
    can_read_petitions,
)
from ansinh.casework.services import inspections, petitions
from ansinh.core.errors import DomainError
from ansinh.core.params import choice_param, page_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX


def _petitions_reader(request) -> None:
    if not can_read_petitions(request.user):
        raise HttpForbidden("Bạn không có quyền xem đơn thư.")


def _inspections_reader(request) -> None:
    if not can_read_inspections(request.user):
        raise HttpForbidden("Bạn không có quyền xem thanh tra.")


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def petition_list(request: HttpRequest) -> HttpResponse:
    _petitions_reader(request)
    status = choice_param(request.GET, "status", PetitionStatus.values)
    page = Paginator(selectors.petitions_for_user(user=request.user, status=status), 50).get_page(
        page_param(request.GET))
    return render(request, "casework/petition_list.html", {
        "page": page, "status": status, "statuses": PetitionStatus.choices, "can_handle": can_handle(request.user),
        "warnings": selectors.deadline_warnings(user=request.user)})


@login_required
def petition_create(request: HttpRequest) -> HttpResponse:
    if not can_handle(request.user):
        raise HttpForbidden("Chỉ cán bộ xử lý đơn được tiếp nhận đơn.")
    form = forms.PetitionForm(request.POST or None, communes=area_current_communes(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        commune = data.pop("commune")
        try:
            petition = petitions.petition_receive(actor=request.user, commune=commune,
                                                  details=petitions.PetitionDetails(**data))
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, f"Đã tiếp nhận đơn {petition.number}; hạn thụ lý "
                                      f"{petition.acceptance_due:%d/%m/%Y}.")
            return redirect("casework:petition_detail", petition.pk)
    return render(request, "casework/form.html", {"form": form, "title": "Tiếp nhận đơn thư"},
                  status=422 if request.method == "POST" else 200)


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_for_user(user=request.user, pk=pk)
    available = PETITION_WORKFLOW.available(request.user, petition)
    return render(request, "casework/petition_detail.html", {
        "petition": petition, "petitioner": selectors.petitioner_for(request.user, petition),
        "events": PETITION_WORKFLOW.events(petition).select_related("actor"), "available": available,
        "state": petitions.deadline_state(petition.resolution_due if petition.status == PetitionStatus.ACCEPTED
                                          else petition.acceptance_due if petition.status == PetitionStatus.RECEIVED
                                          else None),
        "accept_form": forms.AcceptForm(handlers=selectors.handlers_for(petition=petition)),
        "reject_form": forms.RejectForm(), "extend_form": forms.ExtendForm(), "decide_form": forms.DecideForm(),
        "close_form": forms.CloseForm()})


STEPS = {
    "accept": (forms.AcceptForm, petitions.petition_accept),
    "reject": (forms.RejectForm, petitions.petition_reject),
    "extend": (forms.ExtendForm, petitions.petition_extend),
    "decide": (forms.DecideForm, petitions.petition_decide),
    "close": (forms.CloseForm, petitions.petition_close),
}


@login_required
@require_POST
def petition_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    petition = selectors.petition_for_user(user=request.user, pk=pk)
    if step not in STEPS:
        raise Http404("Không có bước này.")
    if step == "accept":
        form = forms.AcceptForm(request.POST, handlers=selectors.handlers_for(petition=petition))
    else:
        form = STEPS[step][0](request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("casework:petition_detail", pk)
    try:
        done = STEPS[step][1](actor=request.user, petition=petition, **form.cleaned_data)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Đơn {done.number}: {done.get_status_display().lower()}.")
    return redirect("casework:petition_detail", pk)


@login_required
def petition_report(request: HttpRequest) -> HttpResponse:
    _petitions_reader(request)
    form = forms.ReportForm(request.GET or None)
    rows = []
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        rows = renderers.report_table(selectors.petitions_report(user=request.user, first=first, last=last))
        if request.GET.get("tep") == "xlsx":
            response = HttpResponse(renderers.report_xlsx(rows, first=first, last=last, area_name=request.user.area.name),
                                    content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="bao-cao-don-thu-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
            return response
    totals = [sum(column) for column in zip(*(row[2:] for row in rows), strict=True)] if rows else []
    return render(request, "casework/petition_report.html", {
        "form": form, "rows": rows, "headers": renderers.HEADERS, "totals": totals})


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    _inspections_reader(request)
    return render(request, "casework/inspection_list.html", {
        "inspections": selectors.inspections_for_user(user=request.user)[:200],
        "can_inspect": can_inspect(request.user)})


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not can_inspect(request.user):
        raise HttpForbidden("Chỉ thanh tra viên được ghi cuộc thanh tra.")
    form = forms.InspectionForm(request.POST or None, communes=area_current_communes(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspections.inspection_create(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            return redirect("casework:inspection_detail", inspection.pk)
    return render(request, "casework/form.html", {"form": form, "title": "Ghi cuộc thanh tra"},
                  status=422 if request.method == "POST" else 200)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for_user(user=request.user, pk=pk)
    return render(request, "casework/inspection_detail.html", {
        "inspection": inspection, "demands": inspection.demands.select_related("person", "recovery_entry"),
        "can_inspect": can_inspect(request.user), "can_keep_ledger": can_keep_ledger(request.user),
        "demand_form": forms.DemandForm(), "conclude_form": forms.ConcludeForm()})


def _inspection_action(request, pk: int, action) -> HttpResponse:
    try:
        text = action()
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, text)
    return redirect("casework:inspection_detail", pk)


@login_required
@require_POST
def demand_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for_user(user=request.user, pk=pk)
    form = forms.DemandForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("casework:inspection_detail", pk)
    data = form.cleaned_data
    person = selectors.inspection_person(inspection=inspection, pid=data["pid"])
    if person is None:
        messages.error(request, "Không có người mang số định danh này trong xã/phường của cuộc thanh tra.")
        return redirect("casework:inspection_detail", pk)
    return _inspection_action(request, pk, lambda: f"Đã ghi khoản phải thu hồi của {inspections.demand_add(actor=request.user, inspection=inspection, person=person, register=data['register'], amount=data['amount'], reason=data['reason']).person.full_name}.")


@login_required
@require_POST
def inspection_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for_user(user=request.user, pk=pk)
    form = forms.ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("casework:inspection_detail", pk)
    return _inspection_action(request, pk, lambda: f"Đã ghi kết luận {inspections.inspection_conclude(actor=request.user, inspection=inspection, **form.cleaned_data).conclusion_number}.")


@login_required
@require_POST
def inspection_to_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for_user(user=request.user, pk=pk)
    return _inspection_action(request, pk, lambda: f"Đã ghi {inspections.demands_to_ledger(actor=request.user, inspection=inspection)} khoản vào sổ theo dõi truy thu.")


@login_required
def recovery_followup(request: HttpRequest) -> HttpResponse:
    _inspections_reader(request)
    return render(request, "casework/recovery_followup.html",
                  {"rows": selectors.recovery_followup(user=request.user)})
