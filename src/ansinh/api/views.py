"""The pages of personal-data protection under /ket-noi/: the access log (pages and API), the export of everything
held about one person (``personal_data``), the register of data subjects' requests and the register of breaches."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import mask_identity
from ansinh.api import protection, selectors
from ansinh.api.legal_deadlines import BREACH_AUTHORITY
from ansinh.api.models import (
    ApiClient,
    BreachStatus,
    DataRequestRule,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from ansinh.api.permissions import (
    BREACH_WORKFLOW,
    REQUEST_WORKFLOW,
    can_keep_protection,
    can_read_access_log,
    can_read_protection,
)
from ansinh.api.personal_data import EXPORTERS_HELP, can_export_person_data, person_data_export
from ansinh.core.dates import parse_vn_date
from ansinh.core.errors import DomainError, UserError
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.registry.models import AccessKind

NOT_FOUND_IDENTITY = ("Không tìm thấy người có số này trong địa bàn của bạn (cần đủ 12 số định danh, 9 số CMND "
                      "hoặc 10 số BHXH).")
SOURCES = [("api", "Hệ thống kết nối (API)"), *AccessKind.choices]


def _date(raw: str) -> dt.date | None:
    """dd/mm/yyyy (or the ISO form of a date field); None when empty or wrong."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        parsed = parse_vn_date(raw)
    except (UserError, ValueError):
        return None
    return parsed.date if parsed.precision == "day" else None


def _datetime(raw: str) -> dt.datetime | None:
    """«dd/mm/yyyy HH:MM» or the ISO form of a date-time field, local time."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S"):
        try:
            value = dt.datetime.strptime(raw, fmt).replace(tzinfo=timezone.get_current_timezone())
        except ValueError:
            continue
        return value if 2000 <= value.year <= 2100 else None
    return None


# ---------------------------------------------------------------- the access log

@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Page and API accesses: by a person's identity number (sent by POST, never in the URL), a kind of access, a
    user, a connected system, dates."""
    if not can_read_access_log(request.user):
        raise HttpForbidden("Chỉ quản trị hệ thống và thanh tra xem nhật ký truy cập dữ liệu cá nhân.")
    params = request.POST if request.method == "POST" else request.GET
    number = text_param(request.POST, "identity", max_length=20) if request.method == "POST" else ""
    person = selectors.person_by_identity(user=request.user, number=number) if number else None
    dates, errors = {}, []
    for name in ("since", "until"):
        raw = text_param(params, name, max_length=10)
        dates[name] = _date(raw)
        if raw and dates[name] is None:
            errors.append(f"Ngày «{raw}» không đúng dạng ngày/tháng/năm.")
    if number and person is None:
        errors.append(NOT_FOUND_IDENTITY)
    source = choice_param(params, "source", [k for k, _ in SOURCES])
    actor = text_param(params, "user", max_length=150)
    rows = [] if (number and person is None) else selectors.access_log(
        user=request.user, person=person, source=source, client_id=int_param(params, "client"), actor=actor, **dates)
    return render(request, "api/access_log.html", {
        "rows": rows, "person": person, "errors": errors, "limit": selectors.ACCESS_LOG_LIMIT, "sources": SOURCES,
        "clients": ApiClient.objects.order_by("name"),
        "params": {k: params.get(k, "") for k in ("client", "since", "until", "source", "user")}})


# ---------------------------------------------------------------- everything held about one person

@login_required
def person_data(request: HttpRequest) -> HttpResponse:
    """Everything held about one person as .xlsx: the identity number and the purpose by POST, never in the URL
    (or the data subject's request it answers, whose person and number it takes)."""
    if not can_export_person_data(request.user):
        raise HttpForbidden(EXPORTERS_HELP)
    errors, purpose = [], ""
    if request.method == "POST":
        purpose = text_param(request.POST, "purpose", max_length=300)
        request_pk = int_param(request.POST, "request")
        if request_pk:
            subject_request = selectors.request_get(user=request.user, pk=request_pk)
            person = subject_request.person
            purpose = purpose or (f"Yêu cầu số {subject_request.number} ({subject_request.get_kind_display().lower()}) "
                                  f"của {subject_request.requester_name}, nhận ngày "
                                  f"{subject_request.received_on:%d/%m/%Y}")
        else:
            number = text_param(request.POST, "identity", max_length=20)
            person = selectors.person_by_identity(user=request.user, number=number) if number else None
        if person is None:
            errors.append(NOT_FOUND_IDENTITY)
        else:
            try:
                data = person_data_export(actor=request.user, person=person, purpose=purpose)
            except DomainError as err:
                errors.append(err.message)
            else:
                response = HttpResponse(data, content_type=XLSX)
                response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{person.pk}.xlsx"'
                return response
    return render(request, "api/person_data.html", {"errors": errors, "purpose": purpose},
                  status=422 if errors else 200)


# ---------------------------------------------------------------- data subjects' requests

def _protection_reader(request) -> None:
    if not can_read_protection(request.user):
        raise HttpForbidden("Chỉ quản trị hệ thống và thanh tra xem sổ bảo vệ dữ liệu cá nhân.")


def _request_details(post) -> protection.RequestDetails:
    return protection.RequestDetails(
        kind=choice_param(post, "kind", RequestKind.values), channel=choice_param(post, "channel",
                                                                                   RequestChannel.values),
        received_on=_date(text_param(post, "received_on", max_length=10)),
        requester_name=text_param(post, "requester_name", max_length=120),
        requester_identity=text_param(post, "requester_identity", max_length=20),
        requester_contact=text_param(post, "requester_contact", max_length=300),
        details=text_param(post, "details", max_length=5000, multiline=True), on_behalf=post.get("on_behalf") == "1",
        third_party_stop=post.get("third_party_stop") == "1")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The register (filter by status, overdue) and, for an administrator, the intake form (POST)."""
    _protection_reader(request)
    user, errors, form = request.user, [], {}
    if request.method == "POST":
        if not can_keep_protection(user):
            raise HttpForbidden("Chỉ quản trị hệ thống tiếp nhận yêu cầu của chủ thể dữ liệu.")
        details = _request_details(request.POST)
        identity = details.requester_identity
        person = selectors.person_by_identity(user=user, number=identity) if identity else None
        try:
            created = protection.request_receive(actor=user, details=details, person=person)
        except DomainError as err:
            errors.append(err.message)
            form = {k: request.POST.get(k, "") for k in ("kind", "channel", "received_on", "requester_name",
                                                         "requester_contact", "details")}
        else:
            note = "" if person is not None or not identity else (
                " Không tìm thấy người có số định danh này trong cơ sở dữ liệu của địa bàn.")
            messages.success(request, f"Đã tiếp nhận yêu cầu {created.number}; hạn phản hồi "
                                      f"{created.acknowledgement_due:%d/%m/%Y}.{note}")
            return redirect("api_pages:request_detail", created.pk)
    params = request.GET
    status = choice_param(params, "status", RequestStatus.values)
    state = choice_param(params, "state", ["overdue"])
    page = Paginator(selectors.requests_for_user(user=user, status=status, state=state), 50).get_page(
        page_param(params))
    rows = [(r, mask_identity(r.requester_identity), *selectors.request_due(r), selectors.request_extension(r))
            for r in page.object_list]
    return render(request, "api/request_list.html", {
        "page": page, "rows": rows, "status": status, "state": state, "statuses": RequestStatus.choices,
        "kinds": RequestKind.choices, "channels": RequestChannel.choices, "can_keep": can_keep_protection(user),
        "errors": errors, "form": form, "today": timezone.localdate(),
        "third_party_kinds": [RequestKind(k).label for k in protection.third_party_kinds()],
        "unconfirmed": [r.get_kind_display() for r in DataRequestRule.objects.filter(days__isnull=True)]},
        status=422 if errors else 200)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject_request = selectors.request_get(user=request.user, pk=pk)
    due, state = selectors.request_due(subject_request)
    rule = DataRequestRule.objects.filter(kind=subject_request.kind).first()
    extension = selectors.request_extension(subject_request)
    steps = REQUEST_WORKFLOW.available(request.user, subject_request)
    steps["extend"] = steps["extend"] and extension is None and bool(rule and rule.extension_days)
    steps["third_party"] = (steps["third_party"] and not subject_request.third_party_stop
                            and bool(rule and rule.third_party_days))
    return render(request, "api/request_detail.html", {
        "r": subject_request, "identity": mask_identity(subject_request.requester_identity), "due": due,
        "state": state, "rule": rule, "extension": extension, "steps": steps,
        "events": REQUEST_WORKFLOW.events(subject_request), "today": timezone.localdate(),
        "can_export": (can_export_person_data(request.user) and subject_request.person is not None
                       and subject_request.kind in (RequestKind.PROVIDE, RequestKind.ACCESS))})


REQUEST_STEPS = {"phan-hoi": "acknowledge", "tra-loi": "answer", "tu-choi": "refuse", "gia-han": "extend",
                 "ben-thu-ba": "third_party"}


@login_required
@require_POST
def request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    subject_request = selectors.request_get(user=request.user, pk=pk)
    if step not in REQUEST_STEPS:
        raise Http404("Không có bước này.")
    post, user = request.POST, request.user
    day = _date(text_param(post, "day", max_length=10))
    actions = {
        "acknowledge": lambda: protection.request_acknowledge(actor=user, request=subject_request, acknowledged_on=day,
                                                              note=text_param(post, "note", max_length=2000, multiline=True)),
        "answer": lambda: protection.request_answer(actor=user, request=subject_request, answered_on=day,
                                                    outcome=text_param(post, "outcome", max_length=5000, multiline=True)),
        "refuse": lambda: protection.request_refuse(actor=user, request=subject_request, answered_on=day,
                                                    reason=text_param(post, "reason", max_length=2000, multiline=True)),
        "extend": lambda: protection.request_extend(
            actor=user, request=subject_request, days=int_param(post, "days", minimum=0, maximum=10_000),
            reason=text_param(post, "reason", max_length=2000, multiline=True), decided_on=day).request,
        "third_party": lambda: protection.request_mark_third_party(
            actor=user, request=subject_request, note=text_param(post, "note", max_length=2000, multiline=True)),
    }
    try:
        done = actions[REQUEST_STEPS[step]]()
    except DomainError as err:
        messages.error(request, err.message)
    else:
        due = done.answer_due if step in ("phan-hoi", "gia-han", "ben-thu-ba") else None
        extra = f" Hạn thực hiện, trả lời: {due:%d/%m/%Y}." if due else ""
        messages.success(request, f"{REQUEST_WORKFLOW.step_label(REQUEST_STEPS[step])}: yêu cầu {done.number}.{extra}")
    return redirect("api_pages:request_detail", pk)


# ---------------------------------------------------------------- breaches

@login_required
def breach_list(request: HttpRequest) -> HttpResponse:
    _protection_reader(request)
    user, errors, form = request.user, [], {}
    if request.method == "POST":
        if not can_keep_protection(user):
            raise HttpForbidden("Chỉ quản trị hệ thống ghi nhận vi phạm dữ liệu cá nhân.")
        post = request.POST
        try:
            breach = protection.breach_record(actor=user, details=protection.BreachDetails(
                detected_at=_datetime(text_param(post, "detected_at", max_length=20)),
                description=text_param(post, "description", max_length=5000, multiline=True),
                data_affected=text_param(post, "data_affected", max_length=2000, multiline=True),
                persons_affected=int_param(post, "persons_affected", minimum=0, maximum=200_000_000),
                sensitive=post.get("sensitive") == "1", measures=text_param(post, "measures", max_length=5000, multiline=True)))
        except DomainError as err:
            errors.append(err.message)
            form = {k: post.get(k, "") for k in ("detected_at", "description", "data_affected", "persons_affected",
                                                 "measures")}
        else:
            messages.success(request, f"Đã ghi nhận vi phạm {breach.number}; hạn thông báo cơ quan chuyên trách "
                                      f"{timezone.localtime(breach.notify_due):%d/%m/%Y %H:%M}.")
            return redirect("api_pages:breach_detail", breach.pk)
    status = choice_param(request.GET, "status", BreachStatus.values)
    page = Paginator(selectors.breaches_for_user(user=user, status=status), 50).get_page(page_param(request.GET))
    return render(request, "api/breach_list.html", {
        "page": page, "rows": [(b, protection.breach_clock(b)) for b in page.object_list], "status": status,
        "statuses": BreachStatus.choices, "can_keep": can_keep_protection(user), "errors": errors, "form": form,
        "authority": BREACH_AUTHORITY}, status=422 if errors else 200)


@login_required
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    breach = selectors.breach_get(user=request.user, pk=pk)
    return render(request, "api/breach_detail.html", {
        "b": breach, "clock": protection.breach_clock(breach), "steps": BREACH_WORKFLOW.available(request.user, breach),
        "events": BREACH_WORKFLOW.events(breach), "authority": BREACH_AUTHORITY})


BREACH_STEPS = {"thong-bao": "notify", "ket-thuc": "close"}


@login_required
@require_POST
def breach_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    breach = selectors.breach_get(user=request.user, pk=pk)
    if step not in BREACH_STEPS:
        raise Http404("Không có bước này.")
    post, user = request.POST, request.user
    try:
        if BREACH_STEPS[step] == "notify":
            done = protection.breach_notify(
                actor=user, breach=breach, notified_at=_datetime(text_param(post, "notified_at", max_length=20)),
                reference=text_param(post, "reference", max_length=80),
                notified_to=text_param(post, "notified_to", max_length=200),
                late_reason=text_param(post, "late_reason", max_length=2000, multiline=True),
                measures=text_param(post, "measures", max_length=5000, multiline=True))
        else:
            done = protection.breach_close(actor=user, breach=breach,
                                           measures=text_param(post, "measures", max_length=5000, multiline=True))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"{BREACH_WORKFLOW.step_label(BREACH_STEPS[step])}: vụ vi phạm {done.number}.")
    return redirect("api_pages:breach_detail", pk)
