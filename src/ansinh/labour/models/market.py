"""The labour market: the supply register (one record per person aged 15+ and year), its yearly update
campaign and the review queue of rows matched by the model; the demand register (employers, their yearly
figures, vacancies); employment services (job fairs, placements)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import TimeStampedModel
from ansinh.labour.models.choices import (
    CampaignStatus,
    CandidateStatus,
    Channel,
    EconomicStatus,
    EmploymentPosition,
    GeneralEducation,
    InactiveReason,
    MatchMethod,
    Qualification,
    Sector,
    VacancyStatus,
    WorkplaceType,
)

_USER = settings.AUTH_USER_MODEL


class SupplyCampaign(TimeStampedModel):
    """The yearly update of the supply register (from 1 July, 30 days: ``checks.CAMPAIGN_START``), province-wide;
    the progress of each commune is read from the records (``selectors.campaign_progress``)."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    start_date = models.DateField(_("bắt đầu"))
    end_date = models.DateField(_("kết thúc"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=CampaignStatus.choices,
                              default=CampaignStatus.OPEN)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("đợt cập nhật cung lao động")
        verbose_name_plural = _("các đợt cập nhật cung lao động")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                              name="supplycampaign_end_after_start")]

    def __str__(self) -> str:
        return f"Cập nhật cung lao động năm {self.year}"


class SupplyRecord(TimeStampedModel):
    """What TT 01/2022 Điều 7 collects of one person aged 15+ for one year; history is the records of the
    other years. The person is the registry's (by identity number, or confirmed from the review queue); the
    demographic fields are as the commune wrote them."""

    year = models.PositiveSmallIntegerField(_("năm"))
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+", db_index=False)
    person = models.ForeignKey("registry.Person", verbose_name=_("nhân khẩu"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="labour_supply_records", db_index=False)
    match = models.CharField(_("đối chiếu CSDL"), max_length=10, choices=MatchMethod.choices)
    identity_number = models.CharField(_("số định danh/CMND trên phiếu"), max_length=12, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    sex = models.CharField(_("giới tính"), max_length=1)
    birth_date = models.DateField(_("ngày sinh"))
    birth_precision = models.CharField(_("độ chính xác ngày sinh"), max_length=5, default="day")
    ethnicity_code = models.CharField(_("dân tộc"), max_length=2, blank=True)
    general_education = models.CharField(_("trình độ giáo dục phổ thông"), max_length=16,
                                         choices=GeneralEducation.choices, blank=True)
    qualification = models.CharField(_("trình độ chuyên môn kỹ thuật"), max_length=12,
                                     choices=Qualification.choices, default=Qualification.NONE)
    field_of_training = models.CharField(_("chuyên ngành đào tạo"), max_length=120, blank=True)
    status = models.CharField(_("tình trạng hoạt động kinh tế"), max_length=10, choices=EconomicStatus.choices)
    job_title = models.CharField(_("công việc chính"), max_length=120, blank=True)
    position = models.CharField(_("vị thế việc làm"), max_length=12, choices=EmploymentPosition.choices, blank=True)
    workplace_name = models.CharField(_("nơi làm việc"), max_length=200, blank=True)
    workplace_type = models.CharField(_("loại hình nơi làm việc"), max_length=12, choices=WorkplaceType.choices,
                                      blank=True)
    sector = models.CharField(_("ngành kinh tế"), max_length=12, choices=Sector.choices, blank=True)
    workplace_address = models.CharField(_("địa chỉ nơi làm việc"), max_length=200, blank=True)
    previous_job = models.CharField(_("công việc trước khi thất nghiệp"), max_length=120, blank=True)
    unemployed_months = models.PositiveSmallIntegerField(_("thời gian thất nghiệp (tháng)"), null=True, blank=True)
    inactive_reason = models.CharField(_("lý do không tham gia hoạt động kinh tế"), max_length=12,
                                       choices=InactiveReason.choices, blank=True)
    training_need = models.CharField(_("nhu cầu đào tạo"), max_length=120, blank=True)
    job_need = models.CharField(_("nhu cầu việc làm"), max_length=120, blank=True)
    source_import = models.ForeignKey("labour.SupplyImport", verbose_name=_("từ tệp"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="records", db_index=False)
    source_row = models.PositiveIntegerField(_("dòng trong tệp"), null=True, blank=True)
    recorded_by = models.ForeignKey(_USER, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+",
                                    db_index=False)

    class Meta:
        verbose_name = _("phiếu cung lao động")
        verbose_name_plural = _("sổ cung lao động")
        ordering = ["-year", "commune_id", "full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], condition=Q(person__isnull=False),
                                    name="supplyrecord_one_per_person_year"),
            models.CheckConstraint(condition=Q(year__gte=2015) & Q(year__lte=2100), name="supplyrecord_year_range"),
            models.CheckConstraint(condition=Q(status__in=EconomicStatus.values), name="supplyrecord_status_known"),
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(match__in=["identity", "reviewed"]),
                                   name="supplyrecord_matched_has_person"),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="supplyrecord_sex"),
        ]
        # Few indexes: a yearly update writes 800.000 rows at once. The unique (person, year) index serves the look-ups
        # by person (and the person foreign key); the review queue is a small partial index.
        indexes = [
            models.Index(fields=["year", "commune", "status"], name="supplyrecord_year_commune_idx"),
            models.Index(fields=["year", "commune"], condition=Q(match="pending"), name="supplyrecord_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.year})"


class SupplyCandidate(models.Model):
    """A registry person the matching model proposes for a supply record that has no identity number (or one the
    registry does not know): the review queue of the labour app."""

    record = models.ForeignKey(SupplyRecord, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    probability = models.FloatField(_("xác suất cùng người"))
    agreed_fields = models.CharField(_("trường khớp"), max_length=200, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=CandidateStatus.choices,
                              default=CandidateStatus.PENDING)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("người được đề xuất khớp")
        verbose_name_plural = _("hàng chờ đối chiếu cung lao động")
        ordering = ["record_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["record", "person"], name="supplycandidate_record_person_uniq"),
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=1),
                                   name="supplycandidate_probability_range"),
        ]
        indexes = [models.Index(fields=["status", "record"], name="supplycandidate_queue_idx")]

    def __str__(self) -> str:
        return f"{self.record_id} ↔ {self.person_id} ({self.probability:.2f})"


# ---------------------------------------------------------------- demand

class Employer(TimeStampedModel):
    """An employer of the demand register (cầu lao động), identified by its tax code (mã số thuế)."""

    tax_code = models.CharField(_("mã số thuế"), max_length=13, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    ownership = models.CharField(_("loại hình"), max_length=12, choices=WorkplaceType.choices)
    sector = models.CharField(_("ngành kinh tế"), max_length=12, choices=Sector.choices)
    main_business = models.CharField(_("ngành nghề kinh doanh chính"), max_length=200, blank=True)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("người sử dụng lao động")
        verbose_name_plural = _("sổ cầu lao động")
        ordering = ["name", "pk"]
        constraints = [models.CheckConstraint(condition=Q(tax_code__regex=r"^([0-9]{10}|[0-9]{13})$"),
                                              name="employer_tax_code_digits")]
        indexes = [models.Index(fields=["commune", "name"], name="employer_commune_name_idx")]

    def __str__(self) -> str:
        return self.name


class EmployerYear(models.Model):
    """The workers and wages an employer declared for a year (TT 01/2022: workers by sex and contract type)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("năm"))
    workers_total = models.PositiveIntegerField(_("tổng số lao động"))
    workers_female = models.PositiveIntegerField(_("lao động nữ"), default=0)
    workers_indefinite = models.PositiveIntegerField(_("HĐLĐ không xác định thời hạn"), default=0)
    workers_fixed_term = models.PositiveIntegerField(_("HĐLĐ xác định thời hạn"), default=0)
    workers_other = models.PositiveIntegerField(_("HĐ khác/không có HĐLĐ"), default=0)
    average_wage = models.BigIntegerField(_("tiền lương bình quân (đồng/tháng)"), null=True, blank=True)
    hiring_need = models.PositiveIntegerField(_("nhu cầu tuyển dụng (người)"), default=0)

    class Meta:
        verbose_name = _("số liệu lao động năm")
        verbose_name_plural = _("số liệu lao động theo năm")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="employeryear_one_per_year"),
            models.CheckConstraint(condition=Q(workers_female__lte=F("workers_total")),
                                   name="employeryear_female_within_total"),
            models.CheckConstraint(
                condition=Q(workers_total__gte=F("workers_indefinite") + F("workers_fixed_term") + F("workers_other")),
                name="employeryear_contracts_within_total"),
            models.CheckConstraint(condition=Q(average_wage__isnull=True) | Q(average_wage__gte=0),
                                   name="employeryear_wage_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}"


class Vacancy(TimeStampedModel):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(_("vị trí tuyển dụng"), max_length=200)
    occupation = models.CharField(_("nghề"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"))
    qualification = models.CharField(_("trình độ yêu cầu"), max_length=12, choices=Qualification.choices,
                                     default=Qualification.NONE)
    wage_min = models.BigIntegerField(_("lương từ (đồng/tháng)"), null=True, blank=True)
    wage_max = models.BigIntegerField(_("lương đến (đồng/tháng)"), null=True, blank=True)
    posted_on = models.DateField(_("ngày đăng"))
    deadline = models.DateField(_("hạn nộp hồ sơ"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=VacancyStatus.choices, default=VacancyStatus.OPEN)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("vị trí tuyển dụng")
        verbose_name_plural = _("vị trí tuyển dụng")
        ordering = ["-posted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="vacancy_quantity_positive"),
            models.CheckConstraint(condition=Q(wage_min__isnull=True) | Q(wage_max__isnull=True)
                                   | Q(wage_max__gte=F("wage_min")), name="vacancy_wage_range"),
            models.CheckConstraint(condition=Q(deadline__isnull=True) | Q(deadline__gte=F("posted_on")),
                                   name="vacancy_deadline_after_posting"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.employer}"


# ---------------------------------------------------------------- employment services

class JobFair(TimeStampedModel):
    """A job fair (sàn giao dịch việc làm): its employers and vacancies, candidates, and the hires recorded as
    placements on the channel «qua sàn giao dịch việc làm»."""

    name = models.CharField(_("tên phiên giao dịch"), max_length=200)
    held_on = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=200)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=200, default="Trung tâm Dịch vụ việc làm")
    candidates = models.PositiveIntegerField(_("số người lao động tham gia"), default=0)
    interviewed = models.PositiveIntegerField(_("số người được phỏng vấn"), default=0)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phiên giao dịch việc làm")
        verbose_name_plural = _("sàn giao dịch việc làm")
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(interviewed__lte=F("candidates")),
                                              name="jobfair_interviewed_within_candidates")]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%d/%m/%Y})"


class JobFairEmployer(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="employers")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="fairs")
    vacancies_offered = models.PositiveIntegerField(_("số chỉ tiêu tuyển"), default=0)

    class Meta:
        verbose_name = _("đơn vị tham gia sàn")
        verbose_name_plural = _("đơn vị tham gia sàn")
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="jobfairemployer_once")]

    def __str__(self) -> str:
        return f"{self.employer} @ {self.fair}"


class Placement(TimeStampedModel):
    """One job found for one person (a row of «giải quyết việc làm»). A person may find several jobs in a year;
    the indicator counts the person once (``indicators``: the first placement of the calendar year)."""

    person = models.ForeignKey("registry.Person", verbose_name=_("người lao động"), on_delete=models.PROTECT,
                               related_name="labour_placements")
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    placed_on = models.DateField(_("ngày có việc làm"))
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    channel = models.CharField(_("hình thức"), max_length=12, choices=Channel.choices)
    job_title = models.CharField(_("công việc"), max_length=200, blank=True)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    vacancy = models.ForeignKey(Vacancy, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    job_fair = models.ForeignKey(JobFair, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    destination_country = models.CharField(_("nước đến làm việc"), max_length=80, blank=True)
    sending_company = models.CharField(_("doanh nghiệp đưa đi"), max_length=200, blank=True)
    departure_on = models.DateField(_("ngày xuất cảnh"), null=True, blank=True)
    contract_months = models.PositiveSmallIntegerField(_("thời hạn hợp đồng (tháng)"), null=True, blank=True)
    loan_amount = models.BigIntegerField(_("số tiền vay (đồng)"), null=True, blank=True)
    loan_decision = models.CharField(_("quyết định cho vay"), max_length=60, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    source_import = models.ForeignKey("labour.PlacementImport", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="placements")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("giải quyết việc làm")
        verbose_name_plural = _("giải quyết việc làm")
        ordering = ["-placed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "placed_on", "channel"], name="placement_once_per_day_channel"),
            models.CheckConstraint(condition=~Q(channel="abroad") | (~Q(destination_country="")
                                                                    & Q(departure_on__isnull=False)),
                                   name="placement_abroad_has_destination"),
            models.CheckConstraint(condition=~Q(channel="job_fair") | Q(job_fair__isnull=False),
                                   name="placement_fair_has_fair"),
            models.CheckConstraint(condition=~Q(channel="loan") | Q(loan_amount__gt=0), name="placement_loan_amount"),
            models.CheckConstraint(condition=Q(loan_amount__isnull=True) | Q(loan_amount__gt=0),
                                   name="placement_loan_positive"),
        ]
        indexes = [
            models.Index(fields=["year", "person", "placed_on"], name="placement_year_person_idx"),
            models.Index(fields=["placed_on", "commune"], name="placement_date_commune_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_channel_display()} ({self.placed_on:%d/%m/%Y})"
