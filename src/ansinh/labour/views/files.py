"""The uploads of the labour app, on the shared import lifecycle's pages (``core.import_views``): the yearly
supply update, the demand register, vacancies, placements, and a course's class list. Each record is found
through the app's selector (a file the user may not see is a 404)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.params import int_param
from ansinh.core.tabular import write_template
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.labour import selectors
from ansinh.labour.imports import (
    EMPLOYER_KIND,
    EMPLOYER_SCHEMA,
    ENROLMENT_KIND,
    ENROLMENT_SCHEMA,
    PLACEMENT_KIND,
    PLACEMENT_SCHEMA,
    SUPPLY_KIND,
    SUPPLY_SCHEMA,
    TEMPLATE_EXAMPLE,
    TEMPLATE_TITLE,
    VACANCY_KIND,
    VACANCY_SCHEMA,
)
from ansinh.labour.permissions import (
    can_write_demand,
    can_write_placements,
    can_write_supply,
    can_write_vocational,
)
from ansinh.labour.views._common import require_reader

# slug of the address → (kind, schema, page title, who may, what the file is, needs a year, a template example)
UPLOADS = {
    "cung-lao-dong": (SUPPLY_KIND, SUPPLY_SCHEMA, "Cập nhật thông tin cung lao động", can_write_supply,
               "Mỗi dòng một người từ 15 tuổi trở lên (ngày 01/7 của năm cập nhật) đang thực tế thường trú trên địa bàn "
               "(TT 01/2022/TT-BLĐTBXH, Điều 6–7). Người được đối chiếu với cơ sở dữ liệu hộ, nhân khẩu theo số định "
               "danh; dòng không có số (hoặc số chưa có trong CSDL) được mô hình ghép trùng đề xuất người giống nhất và "
               "chờ cán bộ xác nhận ở «Hàng chờ đối chiếu».", True, TEMPLATE_EXAMPLE),
    "don-vi": (EMPLOYER_KIND, EMPLOYER_SCHEMA, "Nhập sổ cầu lao động (đơn vị sử dụng lao động)", can_write_demand,
                  "Mỗi dòng một đơn vị, theo mã số thuế (được kiểm tra chữ số kiểm tra); số lao động chia theo giới "
                  "tính, loại hợp đồng, tiền lương bình quân và nhu cầu tuyển dụng của năm chọn.", True,
                  ("1", "0100233488", "Công ty CP Thép Hà Tĩnh", "Doanh nghiệp ngoài nhà nước",
                   "Công nghiệp và xây dựng", "Sản xuất thép", "Xã Kỳ Anh", "KKT Vũng Áng", "0239388888", 250, 40, 180,
                   60, 10, 9500000, 30)),
    "tuyen-dung": (VACANCY_KIND, VACANCY_SCHEMA, "Nhập vị trí tuyển dụng", can_write_demand,
                  "Mỗi dòng một vị trí tuyển dụng của một đơn vị đã có trong sổ cầu lao động (theo mã số thuế).", False,
                  ("1", "0100233488", "Công nhân vận hành", "Luyện kim", 20, "Trung cấp", "7.000.000", "10.000.000",
                   "01/06/2020", "30/06/2020")),
    "viec-lam": (PLACEMENT_KIND, PLACEMENT_SCHEMA, "Nhập danh sách giải quyết việc làm", can_write_placements,
                   "Mỗi dòng một lượt có việc làm của một người có trong cơ sở dữ liệu (theo số định danh), từ 15 tuổi "
                   "trở lên vào ngày có việc làm.", False,
                   ("1", "Nguyễn Văn Hùng", "12/05/1990", "Nam", "042090001234", "Xuất khẩu lao động", "15/03/2020",
                    "Công nhân xây dựng", "", "", "Nhật Bản", "Công ty CP XKLĐ Hà Tĩnh", "20/03/2020", 36, "", "", "")),
}


SOURCES = {"cung-lao-dong": "supply", "don-vi": "employers", "tuyen-dung": "vacancies", "viec-lam": "placements"}


def _upload(slug: str):
    if slug not in UPLOADS:
        raise Http404("Không có loại tệp này.")
    return UPLOADS[slug]


@login_required
def upload(request: HttpRequest, slug: str = "cung-lao-dong") -> HttpResponse:
    require_reader(request.user)
    kind, _schema, title, may, about, needs_year, _example = _upload(slug)
    if not may(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập tệp này.")
    year = int_param(request.POST, "year", minimum=2015, maximum=2100) if request.method == "POST" else None
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None or (needs_year and year is None):
            messages.error(request, "Chọn tệp (.xlsx, .xls, .csv)" + (" và năm." if needs_year else "."))
        else:
            try:
                record = imports.import_receive(kind=kind, actor=request.user, file=upload_file,
                                                file_name=upload_file.name,
                                                target={"year": year} if needs_year else {})
            except DomainError as err:
                messages.error(request, err.message)
            else:
                import_views.start_check(record)
                return redirect(kind.urls["detail"], record.pk)
    recent = selectors.import_recent(user=request.user, slug=SOURCES[slug])
    return render(request, "labour/import_upload.html", {
        "slug": slug, "title": title, "about": about, "needs_year": needs_year, "recent": recent,
        "year": year or selectors.latest_year(), "detail_url": kind.urls["detail"]})


@login_required
def template(request: HttpRequest, slug: str) -> HttpResponse:
    require_reader(request.user)
    _kind, schema, title, _may, _about, _needs_year, example = _upload(slug)
    with tempfile.TemporaryDirectory() as tmp:
        data = write_template(schema, Path(tmp) / "mau.xlsx", title=TEMPLATE_TITLE if slug == "cung-lao-dong" else title.upper(),
                              example_rows=[example]).read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{slug}.xlsx"'
    return response


def _record(request: HttpRequest, slug: str, pk: int):
    return selectors.import_get(user=request.user, kind=slug, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    return import_views.import_detail(request, _record(request, slug, pk))


@login_required
@require_POST
def commit(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    return import_views.import_action(request, _record(request, slug, pk))


@login_required
def report(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    return import_views.import_report(request, _record(request, slug, pk))


@login_required
@require_POST
def course_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's class list (danh sách học viên)."""
    course = selectors.course_get(user=request.user, pk=pk)
    if not can_write_vocational(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập danh sách học viên.")
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, "Chọn tệp danh sách học viên (.xlsx, .xls, .csv).")
        return redirect("labour:course_detail", pk=pk)
    try:
        record = imports.import_receive(kind=ENROLMENT_KIND, actor=request.user, file=upload_file,
                                        file_name=upload_file.name, target={"course": course})
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("labour:course_detail", pk=pk)
    import_views.start_check(record)
    return redirect(ENROLMENT_KIND.urls["detail"], record.pk)


@login_required
def course_template(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    with tempfile.TemporaryDirectory() as tmp:
        data = write_template(ENROLMENT_SCHEMA, Path(tmp) / "mau.xlsx",
                              title=f"DANH SÁCH HỌC VIÊN LỚP {course.code}",
                              example_rows=[("1", "Trần Thị Mai", "02/02/2000", "Nữ", "042300001111",
                                             f"{course.start_date:%d/%m/%Y}")]).read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="hoc-vien-lop-{course.pk}.xlsx"'
    return response
