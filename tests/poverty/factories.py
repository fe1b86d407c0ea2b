"""A small world for the poverty tests: households of two communes, survey files, rounds moved along."""

from __future__ import annotations

import csv
import datetime as dt

import xlsxwriter

from ansinh.core.text import fold
from ansinh.programmes.models import Enrolment
from ansinh.registry.models import Household, Membership, Person, Relationship

_counter = {"n": 0}
ND07_HEADERS = ["Việc làm", "Người phụ thuộc trong hộ gia đình", "Dinh dưỡng", "Bảo hiểm y tế",
                "Trình độ giáo dục của người lớn", "Tình trạng đi học của trẻ em", "Chất lượng nhà ở",
                "Diện tích nhà ở bình quân đầu người", "Nguồn nước sinh hoạt", "Nhà tiêu hợp vệ sinh",
                "Sử dụng dịch vụ viễn thông", "Phương tiện phục vụ tiếp cận thông tin"]
QD59_HEADERS = ["Tiếp cận các dịch vụ y tế", "Bảo hiểm y tế", "Trình độ giáo dục của người lớn",
                "Tình trạng đi học của trẻ em", "Chất lượng nhà ở", "Diện tích nhà ở bình quân đầu người",
                "Nguồn nước sinh hoạt", "Hố xí/nhà tiêu hợp vệ sinh", "Sử dụng dịch vụ viễn thông",
                "Tài sản phục vụ tiếp cận thông tin"]
BASE_HEADERS = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Xã/phường", "Khu vực", "Thu nhập bình quân đầu người/tháng"]


def household(commune, code: str, head_name: str = "", *, urban: bool = False, members: int = 1,
              ethnicity: str = "01") -> Household:
    _counter["n"] += 1
    name = head_name or f"Chủ Hộ Số {_counter['n']}"
    head = Person.objects.create(full_name=name, search_key=fold(name), sex="M", birth_date=dt.date(1970, 1, 1),
                                 commune=commune, pid=None, ethnicity_code=ethnicity)
    hh = Household.objects.create(code=code, commune=commune, recorded_commune=commune, head=head, is_urban=urban,
                                  village="Thôn 1")
    Membership.objects.create(household=hh, person=head, relationship=Relationship.HEAD)
    Person.objects.filter(pk=head.pk).update(household=hh)
    for i in range(members - 1):
        other = Person.objects.create(full_name=f"Thành viên {i}", search_key=fold(f"Thành viên {i}"), sex="F",
                                      birth_date=dt.date(1995, 1, 1), commune=commune, household=hh)
        Membership.objects.create(household=hh, person=other, relationship=Relationship.CHILD)
    return hh


def enrol(register: str, hh: Household, *, start=dt.date(2019, 1, 1), end=None) -> Enrolment:
    return Enrolment.objects.create(register=register, household=hh, commune=hh.commune, decision_number="9/QĐ-UBND",
                                    start_date=start, end_date=end)


def survey_row(code: str, name: str, commune: str, income, marks: dict[str, str] | None = None, *, area="Nông thôn",
               headers=ND07_HEADERS) -> list:
    marks = marks or {}
    return ["", code, name, commune, area, income, *[marks.get(h, "") for h in headers]]


def survey_csv(path, rows: list[list], *, headers=ND07_HEADERS):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*BASE_HEADERS, *headers])
        for i, row in enumerate(rows, start=1):
            writer.writerow([i, *row[1:]])
    return path


def survey_xlsx(path, rows: list[list], *, headers=ND07_HEADERS, title="PHIẾU RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO"):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, title)
    ws.write_row(2, 0, [*BASE_HEADERS, *headers])
    for i, row in enumerate(rows):
        for j, value in enumerate([i + 1, *row[1:]]):
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(3 + i, j, value)
            else:
                ws.write_string(3 + i, j, "" if value is None else str(value))
    wb.close()
    return path


def deprived(*headers: str, mark: str = "x") -> dict[str, str]:
    return {h: mark for h in headers}


THREE = deprived("Bảo hiểm y tế", "Nhà tiêu hợp vệ sinh", "Chất lượng nhà ở")
