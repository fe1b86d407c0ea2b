"""Thin views of the casework app: bind the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes
from ansinh.casework import forms, renderers, selectors
from ansinh.casework.legal_deadlines import (
    DELEGATION_MIN,
    DELEGATION_REFERENCE,
    HEAD_RECEPTION_DAYS_PER_MONTH,
    HEAD_RECEPTION_REFERENCE,
)
from ansinh.casework.models import PetitionKind, PetitionStatus, Reception, ReceptionOutcome, ReceptionSession
from ansinh.casework.permissions import (
    PETITION_WORKFLOW,
    can_handle,
    can_inspect,
    can_keep_ledger,
    can_read_inspections,
    can_read_petitions,
)
from ansinh.casework.services import inspections, petitions, receptions
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


def _first_petition(request):
    """The first-time petition of ``?lan-dau=<pk>`` (within the user's area), or None."""
    pk = request.GET.get("lan-dau", "")
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 12:
        return None
    return selectors.petitions_for_user(user=request.user).filter(pk=int(pk)).first()


def _first_petition_initial(request) -> dict:
    """«Tiếp nhận khiếu nại lần hai» from a first-time petition's page (``?lan-dau=<pk>``): the form filled in."""
    first = _first_petition(request)
    if first is None:
        return {}
    return {"kind": PetitionKind.COMPLAINT, "second_time": True, "first_petition_number": first.number,
            "commune": first.commune_id, "petitioner_name": first.petitioner_name,
            "petitioner_address": first.petitioner_address, "petitioner_phone": first.petitioner_phone,
            "petitioner_identity": first.petitioner_identity}


def _first_petition_reception_initial(request) -> dict:
    """The register's form for the complainant who comes back about a first-time petition (``?lan-dau=<pk>``)."""
    first = _first_petition(request)
    if first is None:
        return {}
    return {"kind": PetitionKind.COMPLAINT, "outcome": ReceptionOutcome.PETITION, "second_time": True,
            "first_petition_number": first.number, "commune": first.commune_id,
            "citizen_name": first.petitioner_name, "citizen_address": first.petitioner_address,
            "citizen_identity": first.petitioner_identity}


# a service's error named by the petitions' field, shown next to the register's own field
RECEPTION_FIELDS = {"first_petition": "first_petition_number", "petitioner_name": "citizen_name",
                    "petitioner_address": "citizen_address", "petitioner_identity": "citizen_identity",
                    "summary": "content"}


def _error_on_field(form, err: DomainError, aliases: dict | None = None) -> None:
    field = (aliases or {}).get(err.field, err.field)
    form.add_error(field if field in form.fields else None, err.message)


def _first_by_number(request, form, number: str):
    """(found, petition): the first-time petition typed by its number, within the user's area; an unknown number
    is an error next to the field."""
    number = (number or "").strip()
    if not number:
        return True, None
    first = selectors.petition_by_number(user=request.user, number=number)
    if first is None:
        form.add_error("first_petition_number", f"Không có đơn số «{number}» trong địa bàn của bạn.")
        return False, None
    return True, first


@login_required
def petition_create(request: HttpRequest) -> HttpResponse:
    if not can_handle(request.user):
        raise HttpForbidden("Chỉ cán bộ xử lý đơn được tiếp nhận đơn.")
    form = forms.PetitionForm(request.POST or None, communes=area_current_communes(request.user),
                              initial=_first_petition_initial(request) if request.method != "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        commune = data.pop("commune")
        found, first = _first_by_number(request, form, data.pop("first_petition_number", ""))
        if found:
            try:
                petition = petitions.petition_receive(actor=request.user, commune=commune,
                                                      details=petitions.PetitionDetails(**data, first_petition=first))
            except DomainError as err:
                _error_on_field(form, err, {"first_petition": "first_petition_number"})
            else:
                messages.success(request, f"Đã tiếp nhận đơn {petition.number}; hạn thụ lý "
                                          f"{petition.acceptance_due:%d/%m/%Y}.")
                if petition.lodged_late:
                    messages.warning(request, petitions.late_refusal(petition))
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
        "second_times": selectors.second_time_petitions(user=request.user, petition=petition),
        "can_second_time": (can_handle(request.user) and petition.kind == PetitionKind.COMPLAINT
                            and not petition.second_time
                            and petition.status in (PetitionStatus.DECIDED, PetitionStatus.CLOSED,
                                                    PetitionStatus.ACCEPTED)),
        "late": petitions.late_refusal(petition) if petition.status == PetitionStatus.RECEIVED else "",
        "reception": Reception.objects.filter(petition=petition).first(),
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


def _period(request, *, default_month: bool = False):
    """The report's period from ``?first=&last=`` (a bound ``ReportForm``); on the register's page, the current
    month when none is asked."""
    if default_month and not (request.GET.get("first") or request.GET.get("last")):
        today = timezone.localdate()
        return forms.ReportForm({"first": today.replace(day=1).isoformat(), "last": today.isoformat()})
    return forms.ReportForm(request.GET or None)


@login_required
def petition_report(request: HttpRequest) -> HttpResponse:
    _petitions_reader(request)
    form = _period(request)
    rows, reception_rows = [], []
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        rows = renderers.report_table(selectors.petitions_report(user=request.user, first=first, last=last))
        reception_rows = renderers.reception_table(selectors.receptions_report(user=request.user, first=first,
                                                                               last=last))
        if request.GET.get("tep") == "xlsx":
            response = HttpResponse(renderers.report_xlsx(rows, first=first, last=last, area_name=request.user.area.name,
                                                          reception_rows=reception_rows),
                                    content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="bao-cao-don-thu-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
            return response
    return render(request, "casework/petition_report.html", {
        "form": form, "rows": rows, "headers": renderers.HEADERS, "totals": renderers.totals(rows),
        "reception_rows": reception_rows, "reception_headers": renderers.RECEPTION_HEADERS,
        "reception_totals": renderers.totals(reception_rows)})


@login_required
def reception_list(request: HttpRequest) -> HttpResponse:
    """The register of citizen reception for a period: its entries and counts, and the months in which the head
    has not yet received citizens himself."""
    _petitions_reader(request)
    form = _period(request, default_month=True)
    context = {"form": form, "can_handle": can_handle(request.user), "delegation_min": DELEGATION_MIN,
               "delegation_reference": DELEGATION_REFERENCE, "head_days": HEAD_RECEPTION_DAYS_PER_MONTH,
               "head_reference": HEAD_RECEPTION_REFERENCE}
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        entries = selectors.receptions_in_period(user=request.user, first=first, last=last)
        counts = selectors.receptions_report(user=request.user, first=first, last=last)
        head = selectors.head_reception_days(user=request.user, first=first, last=last)
        context.update({
            "page": Paginator(entries, 50).get_page(page_param(request.GET)), "first": first, "last": last,
            "total": sum(c["n"] for c in counts), "people": sum(c["people"] or 0 for c in counts),
            "delegations": sum(c["delegations"] for c in counts),
            "by_outcome": [(label, sum(c["n"] for c in counts if c["outcome"] == value))
                           for value, label in ReceptionOutcome.choices],
            "by_session": [(label, sum(c["n"] for c in counts if c["session"] == value))
                           for value, label in ReceptionSession.choices],
            "head": head, "head_missing": selectors.head_reception_missing(head)})
    return render(request, "casework/reception_list.html", context)


@login_required
def reception_create(request: HttpRequest) -> HttpResponse:
    if not can_handle(request.user):
        raise HttpForbidden("Chỉ cán bộ tiếp công dân, xử lý đơn được ghi sổ tiếp công dân.")
    now = timezone.localtime()
    initial = {"received_on": now.date(), "received_time": now.strftime("%H:%M"), "received_by": request.user.pk}
    if request.method != "POST":
        initial |= _first_petition_reception_initial(request)
    form = forms.ReceptionForm(request.POST or None, communes=area_current_communes(request.user),
                               receivers=selectors.receivers_for(user=request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found, first = _first_by_number(request, form, data["first_petition_number"])
        if found:
            reception = _reception_record(request, form, data, first)
            if reception is not None:
                return redirect("casework:reception_detail", reception.pk)
    return render(request, "casework/form.html", {"form": form, "title": "Ghi sổ tiếp công dân"},
                  status=422 if request.method == "POST" else 200)


def _reception_record(request, form, data: dict, first) -> Reception | None:
    citizens = [receptions.Citizen(data["citizen_name"], data["citizen_address"], data["citizen_identity"]),
                *[receptions.Citizen(*other) for other in data["other_citizens"]]]
    details = receptions.ReceptionDetails(
        received_at=data.get("received_at"), place=data["place"], session=data["session"], kind=data["kind"],
        content=data["content"], outcome=data["outcome"], citizens=citizens, people_count=data["people_count"],
        handled_before=data["handled_before"], outcome_note=data["outcome_note"],
        refusal_ground=data["refusal_ground"], complex_case=data["complex_case"], remote_area=data["remote_area"],
        second_time=data["second_time"], first_petition=first, first_decision_number=data["first_decision_number"],
        first_decision_date=data["first_decision_date"],
        first_decision_received_on=data["first_decision_received_on"], late_reason=data["late_reason"])
    try:
        reception = receptions.reception_record(actor=request.user, commune=data["commune"],
                                                received_by=data["received_by"], details=details)
    except DomainError as err:
        _error_on_field(form, err, RECEPTION_FIELDS)
        return None
    text = f"Đã ghi sổ tiếp công dân số {reception.number}."
    if petition := reception.petition:
        kind = "khiếu nại lần hai" if petition.second_time else "đơn"
        text += f" Đã tiếp nhận {kind} {petition.number}, hạn thụ lý {petition.acceptance_due:%d/%m/%Y}."
    messages.success(request, text)
    return reception


@login_required
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reception = selectors.reception_for_user(user=request.user, pk=pk)
    return render(request, "casework/reception_detail.html", {
        "reception": reception, "citizens": selectors.citizens_for(request.user, reception),
        "delegation_min": DELEGATION_MIN})


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
