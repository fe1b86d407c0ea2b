"""Vocational education (giáo dục nghề nghiệp): institutions, teachers, occupations and programmes by level,
courses (intakes), enrolments and graduations, diplomas and certificates, and the rural-worker training support
(QĐ 1956/QĐ-TTg; QĐ 46/2015/QĐ-TTg; NQ 56/2017/NQ-HĐND Hà Tĩnh) with its approval workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import TimeStampedModel, WorkflowEventBase
from ansinh.labour.models.choices import (
    DiplomaKind,
    EnrolmentStatus,
    FundingSource,
    InstitutionKind,
    LearnerGroup,
    Ownership,
    Qualification,
    SupportStatus,
    SupportStep,
    TrainingLevel,
)

_USER = settings.AUTH_USER_MODEL


class Institution(TimeStampedModel):
    code = models.CharField(_("mã cơ sở"), max_length=20, unique=True)
    name = models.CharField(_("tên cơ sở"), max_length=200)
    kind = models.CharField(_("loại cơ sở"), max_length=12, choices=InstitutionKind.choices)
    ownership = models.CharField(_("loại hình"), max_length=8, choices=Ownership.choices)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("quy mô tuyển sinh (người/năm)"), default=0)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cơ sở giáo dục nghề nghiệp")
        verbose_name_plural = _("cơ sở giáo dục nghề nghiệp")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Teacher(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="teachers")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    sex = models.CharField(_("giới tính"), max_length=1, choices=(("M", _("Nam")), ("F", _("Nữ"))))
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    qualification = models.CharField(_("trình độ chuyên môn"), max_length=12, choices=Qualification.choices)
    occupation = models.CharField(_("nghề giảng dạy"), max_length=120, blank=True)
    tenured = models.BooleanField(_("cơ hữu"), default=True)

    class Meta:
        verbose_name = _("nhà giáo")
        verbose_name_plural = _("nhà giáo")
        ordering = ["full_name", "pk"]
        constraints = [models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="teacher_sex")]

    def __str__(self) -> str:
        return self.full_name


class Occupation(models.Model):
    """An occupation of the national list (danh mục ngành, nghề đào tạo)."""

    code = models.CharField(_("mã nghề"), max_length=12, unique=True)
    name = models.CharField(_("tên nghề"), max_length=200)

    class Meta:
        verbose_name = _("ngành, nghề đào tạo")
        verbose_name_plural = _("ngành, nghề đào tạo")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingProgramme(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="programmes")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="programmes")
    level = models.CharField(_("trình độ đào tạo"), max_length=12, choices=TrainingLevel.choices)
    duration_months = models.PositiveSmallIntegerField(_("thời gian đào tạo (tháng)"))

    class Meta:
        verbose_name = _("chương trình đào tạo")
        verbose_name_plural = _("chương trình đào tạo")
        ordering = ["institution__name", "occupation__name", "level"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "occupation", "level"], name="trainingprogramme_once"),
            models.CheckConstraint(condition=Q(duration_months__gte=1) | Q(level="short"),
                                   name="trainingprogramme_duration"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation} – {self.get_level_display()}"


class Course(TimeStampedModel):
    """An intake of a programme (khoá, lớp): learners enrol from the day it starts."""

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(_("mã lớp"), max_length=30)
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày kết thúc"))
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("nơi mở lớp"), on_delete=models.PROTECT,
                                related_name="+")
    planned_learners = models.PositiveIntegerField(_("chỉ tiêu (người)"), default=0)
    rural_support = models.BooleanField(_("lớp đào tạo nghề cho lao động nông thôn"), default=False)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("khoá học")
        verbose_name_plural = _("khoá học")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="course_code_per_programme"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="course_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"Lớp {self.code} – {self.programme}"


class CourseEnrolment(TimeStampedModel):
    """A learner admitted into a course (tuyển sinh) and what became of it (tốt nghiệp, thôi học)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("registry.Person", verbose_name=_("người học"), on_delete=models.PROTECT,
                               related_name="labour_enrolments")
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường của người học"), on_delete=models.PROTECT,
                                related_name="+")
    level = models.CharField(_("trình độ"), max_length=12, choices=TrainingLevel.choices, editable=False)
    enrolled_on = models.DateField(_("ngày nhập học"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.STUDYING)
    finished_on = models.DateField(_("ngày tốt nghiệp/thôi học"), null=True, blank=True)
    source_import = models.ForeignKey("labour.EnrolmentImport", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="enrolments")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("người học")
        verbose_name_plural = _("tuyển sinh")
        ordering = ["-enrolled_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="courseenrolment_once_per_course"),
            models.CheckConstraint(condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("enrolled_on")),
                                   name="courseenrolment_finished_after_enrolled"),
            models.CheckConstraint(condition=Q(status="studying") | Q(finished_on__isnull=False),
                                   name="courseenrolment_finished_has_date"),
        ]
        indexes = [models.Index(fields=["enrolled_on", "commune"], name="courseenrolment_date_idx")]

    def __str__(self) -> str:
        return f"{self.person} – {self.course}"


class Diploma(TimeStampedModel):
    """A diploma or certificate issued to a graduate; its number (số hiệu) is issued once in the province."""

    number = models.CharField(_("số hiệu"), max_length=30, unique=True)
    register_number = models.CharField(_("số vào sổ cấp"), max_length=30, blank=True)
    kind = models.CharField(_("loại văn bằng, chứng chỉ"), max_length=12, choices=DiplomaKind.choices)
    enrolment = models.OneToOneField(CourseEnrolment, on_delete=models.PROTECT, related_name="diploma")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="labour_diplomas")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="diplomas")
    issued_on = models.DateField(_("ngày cấp"))
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("văn bằng, chứng chỉ")
        verbose_name_plural = _("văn bằng, chứng chỉ")
        ordering = ["-issued_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(number__regex=r"^[A-Z0-9][A-Z0-9/.-]{2,29}$"),
                                              name="diploma_number_format")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} số {self.number}"


class TrainingSupport(TimeStampedModel):
    """The support of a rural worker's course (sơ cấp, under 3 months): training cost, meals, travel, by learner
    group and funding source; proposed, approved by a leader who did not prepare it, then recorded as paid."""

    enrolment = models.OneToOneField(CourseEnrolment, on_delete=models.PROTECT, related_name="support")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="labour_supports")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    learner_group = models.CharField(_("đối tượng"), max_length=12, choices=LearnerGroup.choices)
    funding = models.CharField(_("nguồn kinh phí"), max_length=10, choices=FundingSource.choices)
    training_cost = models.BigIntegerField(_("hỗ trợ chi phí đào tạo (đồng)"))
    study_days = models.PositiveSmallIntegerField(_("số ngày thực học"), default=0)
    meal_amount = models.BigIntegerField(_("hỗ trợ tiền ăn (đồng)"), default=0)
    travel_amount = models.BigIntegerField(_("hỗ trợ tiền đi lại (đồng)"), default=0)
    total = models.BigIntegerField(_("tổng số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=SupportStatus.choices,
                              default=SupportStatus.DRAFT)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    paid_on = models.DateField(_("ngày chi trả"), null=True, blank=True)
    voucher = models.CharField(_("số chứng từ chi"), max_length=60, blank=True)
    prepared_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hỗ trợ đào tạo nghề")
        verbose_name_plural = _("hỗ trợ đào tạo nghề cho lao động nông thôn")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(training_cost__gte=0) & Q(meal_amount__gte=0) & Q(travel_amount__gte=0),
                                   name="trainingsupport_amounts_nonnegative"),
            models.CheckConstraint(condition=Q(total=F("training_cost") + F("meal_amount") + F("travel_amount")),
                                   name="trainingsupport_total_is_sum"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | (~Q(approved_by=F("prepared_by"))
                                   & (Q(submitted_by__isnull=True) | ~Q(approved_by=F("submitted_by")))),
                                   name="trainingsupport_approver_not_maker"),
            models.CheckConstraint(condition=~Q(status__in=["approved", "paid"])
                                   | (Q(approved_by__isnull=False) & ~Q(decision_number="")
                                      & Q(decision_date__isnull=False)),
                                   name="trainingsupport_approved_has_decision"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_on__isnull=False),
                                   name="trainingsupport_paid_has_date"),
        ]

    def __str__(self) -> str:
        return f"Hỗ trợ đào tạo – {self.person}"


class SupportEvent(WorkflowEventBase):
    support = models.ForeignKey(TrainingSupport, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=SupportStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý hỗ trợ đào tạo")
        verbose_name_plural = _("các bước xử lý hỗ trợ đào tạo")
