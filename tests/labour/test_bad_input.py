"""Item 8: each bad input refused with a clear Vietnamese message, and nothing half written — through the services
(forms) and through the files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from ansinh.core.errors import DomainError
from ansinh.core.imports import import_run
from ansinh.core.models import AuditEvent
from ansinh.labour.imports import EMPLOYER_KIND, ENROLMENT_KIND, PLACEMENT_KIND
from ansinh.labour.models import CourseEnrolment, Diploma, Employer, Placement
from ansinh.labour.services import demand, placements
from ansinh.labour.services import vocational as voc
from labour import factories as f

pytestmark = pytest.mark.django_db


def _placement(number: str, on=dt.date(2020, 3, 10), channel="job_centre") -> placements.PlacementDetails:
    return placements.PlacementDetails(identity_number=number, placed_on=on, channel=channel, job_title="Công nhân")


def _nothing_written(before: int) -> None:
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- a person under 15


def test_a_placement_for_a_person_under_15(job_centre, people):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="mới 13 tuổi vào ngày 10/03/2020.*từ 15 tuổi trở lên"):
        placements.placement_create(actor=job_centre, details=_placement(people["em"].pid))
    assert not Placement.objects.exists()
    _nothing_written(before)


# ---------------------------------------------------------------- a placement for an unknown person


def test_a_placement_for_an_unknown_person(job_centre, people):
    with pytest.raises(DomainError, match="Không có ai mang số 042090999999 trong cơ sở dữ liệu hộ, nhân khẩu"):
        placements.placement_create(actor=job_centre, details=_placement("042090999999"))
    with pytest.raises(DomainError, match="Nhập đủ số định danh"):
        placements.placement_create(actor=job_centre, details=_placement("0420"))
    assert not Placement.objects.exists()


def test_a_placement_file_with_an_unknown_person(job_centre, people, tmp_path):
    headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Hình thức", "Ngày có việc làm", "Công việc"]
    an = people["an"]
    path = f.workbook(tmp_path / "gqvl.xlsx", headers, [
        [1, an.full_name, "02/03/1985", "Nam", an.pid, "Giới thiệu việc làm", "10/03/2020", "Thợ hàn"],
        [2, "Người Lạ", "01/01/1990", "Nam", "042090999999", "Giới thiệu việc làm", "10/03/2020", "Thợ hàn"],
        [3, "Hoàng Văn Em", "01/09/2006", "Nam", people["em"].pid, "Giới thiệu việc làm", "10/03/2020", "Phụ hồ"]])
    run = import_run(kind=PLACEMENT_KIND, actor=job_centre, file=path, file_name=path.name, commit=True)
    assert not run.committed and not Placement.objects.exists()
    errors = {row: " ".join(e) for row, _n, e in run.record.summary["errors"]}
    assert "Không có ai mang số 042090999999" in errors[6]
    assert "Người dưới 15 tuổi" in errors[7]
    run = import_run(kind=PLACEMENT_KIND, actor=job_centre, file=path, file_name="gqvl-2.xlsx", valid_only=True)
    assert run.committed and list(Placement.objects.values_list("person_id", flat=True)) == [an.pk]


# ---------------------------------------------------------------- an employer tax code with wrong check digits


def _employer(commune, tax_code="0100233480") -> demand.EmployerDetails:
    return demand.EmployerDetails(tax_code=tax_code, name="Công ty TNHH Thử", ownership="private",
                                  sector="industry", commune=commune)


def test_an_employer_tax_code_with_wrong_check_digits(job_centre, commune_b):
    with pytest.raises(DomainError, match="sai chữ số kiểm tra: chữ số thứ 10 là 0, theo 9 chữ số đầu phải là 8"):
        demand.employer_create(actor=job_centre, details=_employer(commune_b))
    assert not Employer.objects.exists()
    employer = demand.employer_create(actor=job_centre, details=_employer(commune_b, "0100233488"))
    assert employer.tax_code == "0100233488"


def test_an_employer_file_with_a_wrong_tax_code(job_centre, commune_b, tmp_path):
    headers = ["STT", "Mã số thuế", "Tên đơn vị", "Loại hình", "Ngành kinh tế", "Xã/phường", "Tổng số lao động",
               "Lao động nữ"]
    path = f.workbook(tmp_path / "cau.xlsx", headers, [
        [1, "0100233488", "Công ty A", "Doanh nghiệp ngoài nhà nước", "Công nghiệp", "Xã Cẩm Bình", 120, 30],
        [2, "0100233480", "Công ty B", "FDI", "Dịch vụ", "Xã Cẩm Bình", 50, 60]])
    run = import_run(kind=EMPLOYER_KIND, actor=job_centre, file=path, file_name=path.name, target={"year": 2020},
                     commit=True)
    assert not run.committed and not Employer.objects.exists()
    errors = " ".join(run.record.summary["errors"][0][2])
    assert "sai chữ số kiểm tra" in errors and "Lao động nữ nhiều hơn tổng số" in errors
    run = import_run(kind=EMPLOYER_KIND, actor=job_centre, file=path, file_name="cau2.xlsx", target={"year": 2020},
                     valid_only=True)
    assert run.committed and list(Employer.objects.values_list("tax_code", flat=True)) == ["0100233488"]
    assert Employer.objects.get().years.get(year=2020).workers_total == 120


# ---------------------------------------------------------------- courses, enrolments, diplomas


def test_an_enrolment_in_a_course_that_has_not_started(vocational, people, commune_b, tmp_path):
    from django.utils import timezone

    soon = timezone.localdate() + dt.timedelta(days=20)
    later = f.course(vocational, commune_b, start=soon, end=soon + dt.timedelta(days=60))
    with pytest.raises(DomainError, match="khai giảng ngày .*chưa bắt đầu: chỉ ghi tuyển sinh khi khoá học đã khai giảng"):
        voc.enrolment_create(actor=vocational, course=later, identity_number=people["an"].pid,
                                    enrolled_on=timezone.localdate())
    started = f.course(vocational, commune_b)
    with pytest.raises(DomainError, match="Ngày nhập học 01/03/2020 trước ngày khai giảng 02/03/2020"):
        voc.enrolment_create(actor=vocational, course=started, identity_number=people["an"].pid,
                                    enrolled_on=dt.date(2020, 3, 1))
    assert not CourseEnrolment.objects.exists()
    headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày nhập học"]
    path = f.workbook(tmp_path / "lop.xlsx", headers, [[1, "Nguyễn Văn An", "02/03/1985", "Nam", people["an"].pid,
                                                        soon.strftime("%d/%m/%Y")]])
    run = import_run(kind=ENROLMENT_KIND, actor=vocational, file=path, file_name=path.name, target={"course": later},
                     commit=True)
    assert not run.committed and "chưa bắt đầu" in " ".join(run.record.summary["blocking"])
    assert not CourseEnrolment.objects.exists()


def test_a_diploma_number_reused(vocational, people, commune_b):
    course = f.course(vocational, commune_b)
    first = voc.enrolment_create(actor=vocational, course=course, identity_number=people["an"].pid,
                                        enrolled_on=dt.date(2020, 3, 2))
    second = voc.enrolment_create(actor=vocational, course=course, identity_number=people["binh"].pid,
                                         enrolled_on=dt.date(2020, 3, 2))
    for e in (first, second):
        voc.enrolment_finish(actor=vocational, enrolment=e, status="graduated", finished_on=dt.date(2020, 5, 29))
    with pytest.raises(DomainError, match="chưa tốt nghiệp"):
        third = voc.enrolment_create(actor=vocational, course=course, identity_number=people["cuong"].pid,
                                            enrolled_on=dt.date(2020, 3, 3))
        voc.diploma_issue(actor=vocational, enrolment=third, number="SC 0001", issued_on=dt.date(2020, 6, 5))
    diploma = voc.diploma_issue(actor=vocational, enrolment=first, number="sc 0001", issued_on=dt.date(2020, 6, 5))
    assert (diploma.number, diploma.kind) == ("SC0001", "elementary")
    with pytest.raises(DomainError, match="Số hiệu SC0001 đã được cấp cho Nguyễn Văn An .*chỉ cấp một lần"):
        voc.diploma_issue(actor=vocational, enrolment=second, number="SC0001", issued_on=dt.date(2020, 6, 5))
    assert Diploma.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Diploma.objects.create(number="SC0001", kind="elementary", enrolment=second, person=second.person,
                               institution=diploma.institution, issued_on=dt.date(2020, 6, 5), recorded_by=vocational)
