"""Vocational education: institutions, teachers, occupations, programmes, courses, enrolments and graduations,
diplomas (a number is issued once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.geo.models import AdminUnit
from ansinh.labour.checks import (
    LabourRuleError,
    diploma_date_problem,
    diploma_number_clean,
    enrolment_problem,
)
from ansinh.labour.models import (
    Course,
    CourseEnrolment,
    Diploma,
    Institution,
    Occupation,
    Teacher,
    TrainingProgramme,
)
from ansinh.labour.models.choices import (
    DIPLOMA_FOR_LEVEL,
    EnrolmentStatus,
    InstitutionKind,
    Ownership,
    Qualification,
    TrainingLevel,
)
from ansinh.labour.permissions import require_vocational_writer
from ansinh.labour.services._common import person_for_number, require_age, save_or_refuse


@dataclass(frozen=True)
class InstitutionDetails:
    code: str
    name: str
    kind: str
    ownership: str
    commune: AdminUnit
    address: str = ""
    capacity: int = 0


@transaction.atomic(durable=True)
def institution_create(*, actor: User, details: InstitutionDetails) -> Institution:
    require_vocational_writer(actor)
    code, name = details.code.strip().upper(), " ".join(details.name.split())
    if not code or not name:
        raise DomainError("Ghi mã và tên cơ sở.", field="code")
    if details.kind not in InstitutionKind.values or details.ownership not in Ownership.values:
        raise DomainError("Chọn loại cơ sở và loại hình.", field="kind")
    if details.capacity < 0:
        raise DomainError("Quy mô tuyển sinh không được âm.", field="capacity")
    institution = save_or_refuse(lambda: Institution.objects.create(
        code=code[:20], name=name[:200], kind=details.kind, ownership=details.ownership, commune=details.commune,
        address=details.address[:255], capacity=details.capacity, created_by=actor),
        f"Đã có cơ sở mã {code}.", field="code")
    audit_record(actor=actor, action="labour_institution.create", obj=institution,
                 summary=f"Thêm cơ sở giáo dục nghề nghiệp {institution.name}")
    return institution


@transaction.atomic(durable=True)
def teacher_add(*, actor: User, institution: Institution, full_name: str, sex: str, birth_year: int | None,
                qualification: str, occupation: str = "", tenured: bool = True) -> Teacher:
    require_vocational_writer(actor)
    name = " ".join(full_name.split())
    if not name or sex not in ("M", "F") or qualification not in Qualification.values:
        raise DomainError("Ghi họ tên, giới tính và trình độ chuyên môn của nhà giáo.", field="full_name")
    if birth_year is not None and not 1930 <= birth_year <= timezone.localdate().year - 18:
        raise DomainError("Năm sinh của nhà giáo không hợp lệ.", field="birth_year")
    teacher = Teacher.objects.create(institution=institution, full_name=name[:120], sex=sex, birth_year=birth_year,
                                     qualification=qualification, occupation=occupation[:120], tenured=tenured)
    audit_record(actor=actor, action="labour_teacher.add", obj=institution,
                 summary=f"Thêm nhà giáo {teacher.full_name} – {institution.name}")
    return teacher


@transaction.atomic(durable=True)
def occupation_create(*, actor: User, code: str, name: str) -> Occupation:
    require_vocational_writer(actor)
    code, name = code.strip(), " ".join(name.split())
    if not code or not name:
        raise DomainError("Ghi mã nghề và tên nghề.", field="code")
    occupation = save_or_refuse(lambda: Occupation.objects.create(code=code[:12], name=name[:200]),
                                f"Đã có nghề mã {code}.", field="code")
    audit_record(actor=actor, action="labour_occupation.create", obj=occupation, summary=f"Thêm nghề {name}")
    return occupation


@transaction.atomic(durable=True)
def programme_create(*, actor: User, institution: Institution, occupation: Occupation, level: str,
                     duration_months: int) -> TrainingProgramme:
    require_vocational_writer(actor)
    if level not in TrainingLevel.values:
        raise DomainError("Chọn trình độ đào tạo.", field="level")
    if duration_months < (0 if level == TrainingLevel.SHORT else 1) or duration_months > 60:
        raise DomainError("Thời gian đào tạo không hợp lệ (tháng).", field="duration_months")
    if level == TrainingLevel.SHORT and duration_months >= 3:
        raise DomainError("Đào tạo dưới 3 tháng: thời gian đào tạo phải dưới 3 tháng.", field="duration_months")
    programme = save_or_refuse(lambda: TrainingProgramme.objects.create(
        institution=institution, occupation=occupation, level=level, duration_months=duration_months),
        f"{institution.name} đã có chương trình {occupation.name} trình độ này.", field="occupation")
    audit_record(actor=actor, action="labour_programme.create", obj=programme,
                 summary=f"Thêm chương trình {programme} – {institution.name}")
    return programme


@dataclass(frozen=True)
class CourseDetails:
    code: str
    start_date: dt.date
    end_date: dt.date
    commune: AdminUnit
    planned_learners: int = 0
    rural_support: bool = False


@transaction.atomic(durable=True)
def course_create(*, actor: User, programme: TrainingProgramme, details: CourseDetails) -> Course:
    require_vocational_writer(actor)
    code = details.code.strip().upper()
    if not code:
        raise DomainError("Ghi mã lớp.", field="code")
    if details.end_date < details.start_date:
        raise DomainError("Ngày kết thúc trước ngày khai giảng.", field="end_date")
    if details.rural_support and programme.level not in (TrainingLevel.ELEMENTARY, TrainingLevel.SHORT):
        raise DomainError("Lớp đào tạo nghề cho lao động nông thôn chỉ ở trình độ sơ cấp hoặc dưới 3 tháng.",
                          field="rural_support")
    course = save_or_refuse(lambda: Course.objects.create(
        programme=programme, code=code[:30], start_date=details.start_date, end_date=details.end_date,
        commune=details.commune, planned_learners=max(details.planned_learners, 0),
        rural_support=details.rural_support, created_by=actor), f"Chương trình này đã có lớp mã {code}.", field="code")
    audit_record(actor=actor, action="labour_course.create", obj=course,
                 summary=f"Mở {course} ({details.start_date:%d/%m/%Y}–{details.end_date:%d/%m/%Y})")
    return course


def _course_name(course: Course) -> str:
    return f"Lớp {course.code} ({course.programme.occupation.name})"


@transaction.atomic(durable=True)
def enrolment_create(*, actor: User, course: Course, identity_number: str, enrolled_on: dt.date) -> CourseEnrolment:
    """Admit a learner into a course that has started («tuyển sinh»)."""
    require_vocational_writer(actor)
    problem = enrolment_problem(course_start=course.start_date, course_end=course.end_date, enrolled_on=enrolled_on,
                                today=timezone.localdate(), course_name=_course_name(course))
    if problem:
        raise DomainError(problem, field="enrolled_on")
    person = person_for_number(identity_number)
    require_age(person, enrolled_on, what="tuyển sinh giáo dục nghề nghiệp")
    enrolment = save_or_refuse(lambda: CourseEnrolment.objects.create(
        course=course, person=person, commune_id=person.commune_id, level=course.programme.level,
        enrolled_on=enrolled_on, recorded_by=actor), f"{person.full_name} đã có trong {_course_name(course)}.")
    audit_record(actor=actor, action="labour_enrolment.create", obj=enrolment,
                 summary=f"Tuyển sinh {person.full_name} vào {_course_name(course)}")
    return enrolment


@transaction.atomic(durable=True)
def enrolment_finish(*, actor: User, enrolment: CourseEnrolment, status: str, finished_on: dt.date) -> CourseEnrolment:
    """Graduation (tốt nghiệp/hoàn thành) or dropping out (thôi học)."""
    require_vocational_writer(actor)
    if status not in (EnrolmentStatus.GRADUATED, EnrolmentStatus.DROPPED):
        raise DomainError("Chọn «tốt nghiệp/hoàn thành» hoặc «thôi học».", field="status")
    locked = CourseEnrolment.objects.select_for_update().select_related("person").get(pk=enrolment.pk)
    if locked.status != EnrolmentStatus.STUDYING:
        raise ConcurrentChange(f"{locked.person.full_name} đã «{locked.get_status_display()}» trước đó.")
    if finished_on < locked.enrolled_on or finished_on > timezone.localdate():
        raise DomainError("Ngày tốt nghiệp/thôi học phải từ ngày nhập học đến hôm nay.", field="finished_on")
    locked.status, locked.finished_on = status, finished_on
    locked.save(update_fields=["status", "finished_on", "updated_at"])
    audit_record(actor=actor, action="labour_enrolment.finish", obj=locked,
                 summary=f"{locked.person.full_name}: {locked.get_status_display()} ngày {finished_on:%d/%m/%Y}")
    return locked


@transaction.atomic(durable=True)
def diploma_issue(*, actor: User, enrolment: CourseEnrolment, number: str, issued_on: dt.date,
                  register_number: str = "") -> Diploma:
    """A diploma or certificate for a graduate; «a diploma number reused» is refused with its holder."""
    require_vocational_writer(actor)
    try:
        clean = diploma_number_clean(number)
    except LabourRuleError as err:
        raise DomainError(str(err), field="number") from err
    enrolment = CourseEnrolment.objects.select_related("course__programme__institution", "person").get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.GRADUATED:
        raise DomainError(f"{enrolment.person.full_name} chưa tốt nghiệp/hoàn thành khoá học: chưa cấp văn bằng, "
                          "chứng chỉ.")
    problem = diploma_date_problem(issued_on=issued_on, finished_on=enrolment.finished_on, today=timezone.localdate())
    if problem:
        raise DomainError(problem, field="issued_on")
    holder = Diploma.objects.select_related("person", "institution").filter(number=clean).first()
    if holder is not None:
        raise DomainError(f"Số hiệu {clean} đã được cấp cho {holder.person.full_name} ({holder.institution.name}, "
                          f"ngày {holder.issued_on:%d/%m/%Y}): mỗi số hiệu văn bằng, chứng chỉ chỉ cấp một lần.",
                          field="number")
    if Diploma.objects.filter(enrolment=enrolment).exists():
        raise DomainError(f"{enrolment.person.full_name} đã được cấp văn bằng, chứng chỉ của khoá học này.")
    kind = DIPLOMA_FOR_LEVEL[TrainingLevel(enrolment.level)]
    diploma = save_or_refuse(lambda: Diploma.objects.create(
        number=clean, register_number=register_number.strip()[:30], kind=kind, enrolment=enrolment,
        person=enrolment.person, institution=enrolment.course.programme.institution, issued_on=issued_on,
        recorded_by=actor), f"Số hiệu {clean} đã được cấp.", field="number")
    audit_record(actor=actor, action="labour_diploma.issue", obj=diploma,
                 summary=f"Cấp {diploma.get_kind_display().lower()} số {clean} cho {enrolment.person.full_name}")
    return diploma


def enrolment_rows_write(*, course: Course, valid: pl.DataFrame, actor: User, record) -> int:
    """The learners of a checked class list, in the lifecycle's transaction."""
    now = timezone.now()
    CourseEnrolment.objects.bulk_create([
        CourseEnrolment(course=course, person_id=r["person_id"], commune_id=r["commune_id"],
                        level=course.programme.level, enrolled_on=r["enrolled_on"], recorded_by=actor,
                        source_import=record, created_at=now, updated_at=now)
        for r in valid.iter_rows(named=True)], batch_size=2000)
    return valid.height
