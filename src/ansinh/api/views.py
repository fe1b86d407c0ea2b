"""The pages of the API app: the access log of personal data given out to connected systems, and the export of
everything held about one person (``personal_data``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ansinh.api import selectors
from ansinh.api.models import ApiClient
from ansinh.api.permissions import can_read_access_log
from ansinh.api.personal_data import EXPORTERS_HELP, can_export_person_data, person_data_export
from ansinh.core.dates import parse_vn_date
from ansinh.core.errors import DomainError, UserError
from ansinh.core.params import int_param, text_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX

OPERATIONS = {
    "registry_search": "Tìm nhân khẩu", "person_read": "Xem một nhân khẩu", "household_read": "Xem một hộ",
    "enrolment_check": "Hỏi đang hưởng theo sổ", "payroll_sheet": "Xem bảng chi trả",
}


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Search by a person's identity number (sent by POST, never in the URL), a system, dates."""
    if not can_read_access_log(request.user):
        raise HttpForbidden("Chỉ quản trị hệ thống và thanh tra xem nhật ký truy cập dữ liệu cá nhân.")
    params = request.POST if request.method == "POST" else request.GET
    number = text_param(request.POST, "identity", max_length=20) if request.method == "POST" else ""
    person = selectors.person_by_identity(user=request.user, number=number) if number else None
    dates, errors = {}, []
    for name in ("since", "until"):
        raw = text_param(params, name, max_length=10)
        try:
            dates[name] = parse_vn_date(raw).date if raw else None
        except (UserError, ValueError):
            dates[name] = None
            errors.append(f"Ngày «{raw}» không đúng dạng ngày/tháng/năm.")
    if number and person is None:
        errors.append("Không tìm thấy người có số này trong địa bàn của bạn (cần đủ 12 số định danh, 9 số CMND "
                      "hoặc 10 số BHXH).")
    rows = [] if (number and person is None) else list(selectors.disclosures(
        user=request.user, person=person, client_id=int_param(params, "client"), **dates))
    return render(request, "api/access_log.html", {
        "rows": [(r, OPERATIONS.get(r.call.details.get("operation"), r.call.details.get("operation", ""))) for r in rows],
        "person": person, "errors": errors, "limit": selectors.ACCESS_LOG_LIMIT,
        "clients": ApiClient.objects.order_by("name"), "params": {k: params.get(k, "") for k in ("client", "since",
                                                                                               "until")}})




@login_required
def person_data(request: HttpRequest) -> HttpResponse:
    """Everything held about one person as .xlsx: the identity number and the purpose by POST, never in the URL."""
    if not can_export_person_data(request.user):
        raise HttpForbidden(EXPORTERS_HELP)
    errors, purpose = [], ""
    if request.method == "POST":
        number = text_param(request.POST, "identity", max_length=20)
        purpose = text_param(request.POST, "purpose", max_length=300)
        person = selectors.person_by_identity(user=request.user, number=number) if number else None
        if person is None:
            errors.append("Không tìm thấy người có số này trong địa bàn của bạn (cần đủ 12 số định danh, 9 số CMND "
                          "hoặc 10 số BHXH).")
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
