"""A small labour world: registry people of two communes, an employer, a course; Excel files as communes send
them (title rows above the header, a signature block under the table)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from ansinh.accounts.models import Role, User
from ansinh.core.text import fold
from ansinh.labour.services import vocational as voc
from ansinh.registry.models import Person

_counter = {"pid": 500}


def pid_for(sex: str, birth: dt.date) -> str:
    _counter["pid"] += 1
    digit = {("M", 19): "0", ("F", 19): "1", ("M", 20): "2", ("F", 20): "3"}[(sex, birth.year // 100)]
    return f"042{digit}{birth.year % 100:02d}{_counter['pid']:06d}"


def person(commune, name: str, *, sex: str = "M", birth: dt.date = dt.date(1990, 5, 1), pid: str | None = "auto",
           cmnd: str | None = None, death: dt.date | None = None) -> Person:
    return Person.objects.create(full_name=name, search_key=fold(name), sex=sex, birth_date=birth, commune=commune,
                                 pid=pid_for(sex, birth) if pid == "auto" else pid, cmnd=cmnd, death_date=death)


def user(username: str, role: str, area) -> User:
    return User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Cán bộ", first_name=username)


def job_centre(province) -> User:
    return user("vieclam", Role.JOB_CENTRE_OFFICER, province)


def vocational(province) -> User:
    return user("gdnn", Role.VOCATIONAL_SPECIALIST, province)


def workbook(path: Path, headers: list[str], rows: list[list], *, title: str = "DANH SÁCH") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND XÃ CẨM BÌNH"])
    ws.append([title])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append(["", "Người lập biểu", "", "", "Cẩm Bình, ngày 25 tháng 7 năm 2020"])
    wb.save(path)
    return path


SUPPLY_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD/CMND", "Dân tộc", "Xã/phường",
                  "Trình độ giáo dục phổ thông", "Trình độ CMKT", "Chuyên ngành đào tạo",
                  "Tình trạng hoạt động kinh tế", "Công việc chính", "Vị thế việc làm", "Nơi làm việc",
                  "Loại hình nơi làm việc", "Ngành kinh tế", "Thời gian thất nghiệp (tháng)",
                  "Lý do không tham gia hoạt động kinh tế"]


def supply_row(i: int, p: Person | None, *, name: str | None = None, birth: str | None = None, sex: str | None = None,
               identity: str | None = "auto", commune: str = "Xã Cẩm Bình", status: str = "Có việc làm",
               job: str = "Làm ruộng", position: str = "Tự làm", unemployed: int | None = None,
               reason: str = "") -> list:
    number = (p.pid or p.cmnd) if identity == "auto" and p is not None else (identity or "")
    employed = status == "Có việc làm"
    return [i, name or p.full_name, birth or (p.birth_date.strftime("%d/%m/%Y") if p else ""),
            sex or ("Nam" if p is None or p.sex == "M" else "Nữ"), number, "Kinh", commune, "THPT",
            "Chưa qua đào tạo", "", status, job if employed else "", position if employed else "",
            "Hộ gia đình" if employed else "", "Hộ gia đình" if employed else "",
            "Nông nghiệp" if employed else "", unemployed, reason]


def course(actor, commune, *, start=dt.date(2020, 3, 2), end=dt.date(2020, 5, 29), level="elementary"):
    institution = voc.institution_create(actor=actor, details=voc.InstitutionDetails(
        code=f"CS{start:%m%d}{level[:2]}", name="Trung tâm GDNN Cẩm Xuyên", kind="centre", ownership="public",
        commune=commune, capacity=600))
    occupation = voc.occupation_create(actor=actor, code=f"5{start:%m%d}{level[:2]}", name="May công nghiệp")
    programme = voc.programme_create(actor=actor, institution=institution, occupation=occupation, level=level,
                                            duration_months=3)
    return voc.course_create(actor=actor, programme=programme, details=voc.CourseDetails(
        code="MAY01", start_date=start, end_date=end, commune=commune, planned_learners=30,
        rural_support=level in ("elementary", "short")))
