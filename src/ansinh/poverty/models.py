"""Poor and near-poor household review: review rounds, the household survey, complaints, certificates, the
survey file; the housing support of poor households on the programmes machinery.

A review round (kỳ rà soát) is per year and commune, annual (định kỳ) or regular (thường xuyên). Its households
are one ``HouseholdReview`` row each: how it came on the list (on the list being managed, with a request, proposed
by the village), the quick identification (phiếu A), the survey (income per person per month, each deprivation
indicator of the standard, the B1/B2 scores of TT 17/2016), the classification by the rules (``poverty_status``
of the standard in force) and, when the village meeting decided otherwise, its outcome and reason — never
silently. The recognised round becomes the standing registers (``programmes.Enrolment``, poor / near-poor).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel, WorkflowEventBase
from ansinh.poverty.standards import STANDARD_LABELS


class RoundKind(models.TextChoices):
    ANNUAL = "annual", _("Rà soát định kỳ hằng năm")
    REGULAR = "regular", _("Rà soát thường xuyên trong năm")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang rà soát")
    MET = "met", _("Đã họp dân thống nhất")
    POSTED = "posted", _("Đang niêm yết công khai")
    REPORTED = "reported", _("Đã báo cáo cấp huyện")
    ENDORSED = "endorsed", _("Cấp huyện đã cho ý kiến")
    RECOGNISED = "recognised", _("Đã công nhận")


class RoundStep(models.TextChoices):
    OPEN = "open", _("Lập kỳ rà soát")
    LIST = "list", _("Lập danh sách hộ cần rà soát")
    SURVEY = "survey", _("Ghi phiếu rà soát")
    CLASSIFY = "classify", _("Phân loại theo chuẩn nghèo")
    OUTCOME = "outcome", _("Ghi kết quả họp dân khác kết quả tính")
    MEETING = "meeting", _("Họp dân thống nhất kết quả")
    POST = "post", _("Niêm yết công khai")
    COMPLAINT = "complaint", _("Ghi nhận khiếu nại")
    RESOLVE = "resolve", _("Giải quyết khiếu nại")
    REPORT = "report", _("Báo cáo UBND cấp huyện")
    RETURN = "return", _("Trả lại để rà soát lại")
    ENDORSE = "endorse", _("Cho ý kiến (cấp huyện)")
    RECOGNISE = "recognise", _("Công nhận theo quyết định của Chủ tịch UBND cấp xã")
    CERTIFY = "certify", _("Cấp giấy chứng nhận")


class PovertyStatus(models.TextChoices):
    """The names of the rules' ``PovertyStatus`` enum."""

    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    NOT_POOR = "not_poor", _("Không thuộc hộ nghèo, hộ cận nghèo")


STATUS_VALUES = [s.value for s in PovertyStatus]


class CandidateSource(models.TextChoices):
    PREVIOUS_LIST = "previous", _("Thuộc danh sách hộ nghèo, cận nghèo đang quản lý")
    APPLIED = "applied", _("Hộ có giấy đề nghị rà soát")
    PROPOSED = "proposed", _("Thôn đề xuất")


class Screening(models.TextChoices):
    NONE = "", _("Không áp dụng")
    CONTINUE = "continue", _("Phiếu A: tiếp tục rà soát bằng phiếu B")
    EXCLUDED = "excluded", _("Phiếu A: không thuộc diện rà soát tiếp")


class ExitReason(models.TextChoices):
    NONE = "", _("—")
    MOVED = "moved", _("Chuyển đi nơi khác")
    DISSOLVED = "dissolved", _("Hộ không còn (giải thể, không còn nhân khẩu)")


class ReviewRound(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    kind = models.CharField(_("loại rà soát"), max_length=10, choices=RoundKind.choices, default=RoundKind.ANNUAL)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    standard = models.CharField(_("chuẩn nghèo"), max_length=12, choices=list(STANDARD_LABELS.items()))
    period = models.CharField(_("kỳ tính của bộ quy tắc"), max_length=7)
    reference_date = models.DateField(
        _("ngày chốt danh sách đang quản lý"),
        help_text=_("Danh sách hộ nghèo, cận nghèo do UBND cấp xã đang quản lý tại thời điểm rà soát."))
    status = models.CharField(_("trạng thái"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    classified_at = models.DateTimeField(_("phân loại lúc"), null=True, blank=True)
    meeting_date = models.DateField(_("ngày họp dân"), null=True, blank=True)
    meeting_attendees = models.PositiveIntegerField(_("số người dự họp"), null=True, blank=True)
    meeting_agreeing = models.PositiveIntegerField(_("số người thống nhất"), null=True, blank=True)
    meeting_note = models.TextField(_("biên bản họp dân (tóm tắt)"), blank=True)
    met_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    met_at = models.DateTimeField(null=True, blank=True)
    posting_start = models.DateField(_("niêm yết từ ngày"), null=True, blank=True)
    posting_end = models.DateField(_("niêm yết đến hết ngày"), null=True, blank=True)
    posting_place = models.CharField(_("nơi niêm yết"), max_length=255, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorse_note = models.TextField(_("ý kiến cấp huyện"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=120, blank=True)
    decision_pdf = models.FileField(_("bản quyết định đã ký (PDF)"), upload_to="poverty/decisions/%Y/", blank=True)
    effective_date = models.DateField(_("danh sách áp dụng từ ngày"), null=True, blank=True)
    recognised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    recognised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ rà soát hộ nghèo, hộ cận nghèo")
        verbose_name_plural = _("kỳ rà soát hộ nghèo, hộ cận nghèo")
        ordering = ["-year", "commune__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "commune"], condition=Q(kind="annual"),
                                    name="round_one_annual_per_commune_year"),
            models.CheckConstraint(condition=Q(year__gte=2015) & Q(year__lte=2100), name="round_year_modelled"),
            models.CheckConstraint(condition=Q(posting_start__isnull=True) | Q(posting_end__isnull=True)
                                   | Q(posting_end__gte=F("posting_start")), name="round_posting_ordered"),
            # The commune chairman decides after the public posting has ended: never before, whatever writes it.
            models.CheckConstraint(condition=Q(decision_date__isnull=True)
                                   | Q(posting_end__isnull=False, decision_date__gt=F("posting_end")),
                                   name="round_decision_after_posting"),
            models.CheckConstraint(condition=Q(effective_date__isnull=True) | Q(decision_date__isnull=False,
                                                                                effective_date__gte=F("decision_date")),
                                   name="round_effective_after_decision"),
            models.CheckConstraint(condition=~Q(status="recognised")
                                   | (~Q(decision_number="") & ~Q(decision_signer="") & Q(decision_date__isnull=False)
                                      & Q(effective_date__isnull=False)),
                                   name="round_recognised_has_decision"),
            models.CheckConstraint(condition=Q(meeting_agreeing__isnull=True) | Q(meeting_attendees__isnull=False,
                                                                                   meeting_agreeing__lte=F("meeting_attendees")),
                                   name="round_meeting_agreeing_within_attendees"),
            # Maker-checker: whoever held the meeting, posted or reported the round does not endorse it.
            models.CheckConstraint(condition=Q(endorsed_by__isnull=True)
                                   | ((Q(met_by__isnull=True) | ~Q(endorsed_by=F("met_by")))
                                      & (Q(posted_by__isnull=True) | ~Q(endorsed_by=F("posted_by")))
                                      & (Q(reported_by__isnull=True) | ~Q(endorsed_by=F("reported_by")))),
                                   name="round_endorser_not_maker"),
        ]
        indexes = [models.Index(fields=["year", "kind", "status"], name="round_year_kind_idx")]

    def __str__(self) -> str:
        kind = "Kỳ rà soát" if self.kind == RoundKind.ANNUAL else "Kỳ rà soát thường xuyên"
        return f"{kind} năm {self.year} – {self.commune.name}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.DRAFT


class RoundEvent(WorkflowEventBase):
    """One step of a round's workflow (``poverty.permissions.ROUND_WORKFLOW``)."""

    review_round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=RoundStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý kỳ rà soát")
        verbose_name_plural = _("các bước xử lý kỳ rà soát")


class SurveyImport(ImportRecord):
    """One file of survey results for the annual rounds of a year (every commune it names), through the shared
    import lifecycle."""

    year = models.PositiveSmallIntegerField(_("năm rà soát"))

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp phiếu rà soát")
        verbose_name_plural = _("tệp phiếu rà soát")
        constraints = [
            models.UniqueConstraint(fields=["file_sha256", "year"], condition=Q(status="committed"),
                                    name="surveyimport_committed_once"),
        ]


class HouseholdReview(models.Model):
    """One household of a round: on the list to review, its survey, its classification, the meeting's outcome."""

    # Indexes: the unique (round, household) serves the round; ``householdreview_household_idx`` the household;
    # none on the classification columns, so that reclassifying a province is a HOT update (fillfactor, 0002).
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="households",
                                     db_index=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="poverty_reviews",
                                  db_index=False)
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("diện rà soát"), max_length=10, choices=CandidateSource.choices)
    screening = models.CharField(_("phiếu A (nhận dạng nhanh)"), max_length=10, choices=Screening.choices,
                                 blank=True)
    exit_reason = models.CharField(_("ra khỏi danh sách do"), max_length=10, choices=ExitReason.choices, blank=True)
    surveyed_on = models.DateField(_("ngày rà soát"), null=True, blank=True)
    surveyor = models.CharField(_("rà soát viên"), max_length=120, blank=True)
    is_urban = models.BooleanField(_("khu vực thành thị"), default=False)
    income_per_capita = models.BigIntegerField(_("thu nhập bình quân đầu người/tháng (đồng)"), null=True, blank=True)
    d_employment = models.BooleanField(_("thiếu hụt việc làm"), default=False)
    d_dependants = models.BooleanField(_("thiếu hụt người phụ thuộc"), default=False)
    d_nutrition = models.BooleanField(_("thiếu hụt dinh dưỡng"), default=False)
    d_health_access = models.BooleanField(_("thiếu hụt tiếp cận dịch vụ y tế"), default=False)
    d_health_insurance = models.BooleanField(_("thiếu hụt bảo hiểm y tế"), default=False)
    d_adult_education = models.BooleanField(_("thiếu hụt trình độ giáo dục của người lớn"), default=False)
    d_child_schooling = models.BooleanField(_("thiếu hụt tình trạng đi học của trẻ em"), default=False)
    d_housing_quality = models.BooleanField(_("thiếu hụt chất lượng nhà ở"), default=False)
    d_floor_area = models.BooleanField(_("thiếu hụt diện tích nhà ở"), default=False)
    d_water_source = models.BooleanField(_("thiếu hụt nguồn nước sinh hoạt"), default=False)
    d_toilet = models.BooleanField(_("thiếu hụt nhà tiêu hợp vệ sinh"), default=False)
    d_telecom = models.BooleanField(_("thiếu hụt dịch vụ viễn thông"), default=False)
    d_information = models.BooleanField(_("thiếu hụt tiếp cận thông tin"), default=False)
    b1_score = models.PositiveSmallIntegerField(_("điểm B1 (phiếu B, TT 17/2016)"), null=True, blank=True)
    b2_score = models.PositiveSmallIntegerField(_("điểm B2 (phiếu B, TT 17/2016)"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    rules_status = models.CharField(_("kết quả theo chuẩn nghèo"), max_length=10, blank=True,
                                    choices=PovertyStatus.choices)
    deprivation_count = models.PositiveSmallIntegerField(_("số chỉ số thiếu hụt"), null=True, blank=True)
    poverty_line = models.BigIntegerField(_("chuẩn nghèo áp dụng (đồng)"), null=True, blank=True)
    near_poor_line = models.BigIntegerField(_("chuẩn cận nghèo áp dụng (đồng)"), null=True, blank=True)
    classified_at = models.DateTimeField(_("phân loại lúc"), null=True, blank=True)
    meeting_status = models.CharField(_("kết quả họp dân (khác kết quả tính)"), max_length=10, blank=True,
                                      choices=PovertyStatus.choices)
    meeting_reason = models.CharField(_("lý do của cuộc họp"), max_length=500, blank=True)
    final_status = models.CharField(_("kết quả rà soát"), max_length=10, blank=True, choices=PovertyStatus.choices)
    # Where the row came from (a file, a user): kept for the record, not checked per row by the database (a
    # province's file would otherwise pay 2 × 100.000 deferred checks at commit).
    survey_import = models.ForeignKey(SurveyImport, null=True, blank=True, on_delete=models.DO_NOTHING,
                                      related_name="surveys", db_index=False, db_constraint=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                    related_name="+", db_index=False, db_constraint=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hộ trong kỳ rà soát")
        verbose_name_plural = _("hộ trong kỳ rà soát")
        ordering = ["review_round", "household__code"]
        constraints = [
            # A household is surveyed once in a round, whatever path writes it (form, file, shell).
            models.UniqueConstraint(fields=["review_round", "household"], name="householdreview_once_per_round"),
            models.CheckConstraint(condition=Q(income_per_capita__isnull=True) | Q(income_per_capita__gte=0),
                                   name="householdreview_income_nonnegative"),
            models.CheckConstraint(condition=Q(rules_status="") | Q(rules_status__in=STATUS_VALUES),
                                   name="householdreview_rules_status_known"),
            models.CheckConstraint(condition=Q(rules_status="") | Q(income_per_capita__isnull=False),
                                   name="householdreview_classified_has_survey"),
            # The village meeting may decide otherwise than the rules, never silently: a reason, and the final
            # status is the rules' unless the meeting's is given.
            models.CheckConstraint(condition=Q(meeting_status="") | (Q(meeting_status__in=STATUS_VALUES)
                                                                     & ~Q(meeting_reason="")
                                                                     & ~Q(meeting_status=F("rules_status"))),
                                   name="householdreview_outcome_has_reason"),
            models.CheckConstraint(condition=(Q(meeting_status="") & Q(final_status=F("rules_status")))
                                   | (~Q(meeting_status="") & Q(final_status=F("meeting_status"))),
                                   name="householdreview_final_status_consistent"),
            models.CheckConstraint(condition=Q(exit_reason="") | Q(income_per_capita__isnull=True),
                                   name="householdreview_exit_not_surveyed"),
        ]
        indexes = [models.Index(fields=["household"], name="householdreview_household_idx")]

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.review_round_id}"

    @property
    def surveyed(self) -> bool:
        return self.income_per_capita is not None

    @property
    def overruled(self) -> bool:
        return bool(self.meeting_status)


class Complaint(models.Model):
    """A complaint received while the results were posted, and how it was resolved (phúc tra)."""

    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="complaints")
    household_review = models.ForeignKey(HouseholdReview, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="complaints")
    complainant = models.CharField(_("người khiếu nại"), max_length=120)
    content = models.TextField(_("nội dung"))
    received_on = models.DateField(_("ngày nhận"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolution = models.TextField(_("kết quả giải quyết"), blank=True)
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("khiếu nại trong thời gian niêm yết")
        verbose_name_plural = _("khiếu nại trong thời gian niêm yết")
        ordering = ["review_round", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(resolved_on__isnull=True) & Q(resolution=""))
                                   | (Q(resolved_on__isnull=False) & ~Q(resolution="") & Q(resolved_by__isnull=False)
                                      & Q(resolved_on__gte=F("received_on"))),
                                   name="complaint_resolution_consistent"),
        ]

    def __str__(self) -> str:
        return f"Khiếu nại của {self.complainant} ngày {self.received_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Certificate(models.Model):
    """The certificate of a poor or near-poor household of a recognised round."""

    household_review = models.OneToOneField(HouseholdReview, on_delete=models.PROTECT, related_name="certificate")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="certificates")
    number = models.PositiveIntegerField(_("số giấy chứng nhận"))
    status = models.CharField(_("công nhận là"), max_length=10, choices=PovertyStatus.choices)
    issued_on = models.DateField(_("ngày cấp"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("giấy chứng nhận hộ nghèo, hộ cận nghèo")
        verbose_name_plural = _("giấy chứng nhận hộ nghèo, hộ cận nghèo")
        ordering = ["review_round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review_round", "number"], name="certificate_number_per_round"),
            models.CheckConstraint(condition=Q(status__in=["poor", "near_poor"]), name="certificate_poor_or_near"),
        ]

    def __str__(self) -> str:
        return f"Giấy chứng nhận số {self.number}/{self.review_round.year}"


# ---------------------------------------------------------------- housing support (item 6)

class HousingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất hỗ trợ")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt hỗ trợ")
    STARTED = "started", _("Đã khởi công")
    FINISHED = "finished", _("Đã hoàn thành xây dựng")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    REJECTED = "rejected", _("Không hỗ trợ")


class HousingStep(models.TextChoices):
    PROPOSE = "propose", _("Đề xuất hỗ trợ nhà ở")
    APPRAISE = "appraise", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt mức hỗ trợ theo nguồn")
    REJECT = "reject", _("Không hỗ trợ")
    START = "start", _("Khởi công")
    FINISH = "finish", _("Hoàn thành xây dựng")
    ACCEPT = "accept", _("Nghiệm thu")
    PHOTO = "photo", _("Thêm ảnh công trình")


class Stage(models.TextChoices):
    STARTED = "started", _("Khởi công")
    FINISHED = "finished", _("Hoàn thành")
    ACCEPTED = "accepted", _("Nghiệm thu")


class HousingScheme(models.Model):
    """A housing-support scheme for poor households: a ``programmes.Programme`` (its funding sources, and one
    beneficiary group per disbursement tranche) with what the programme does not hold."""

    programme = models.OneToOneField("programmes.Programme", on_delete=models.PROTECT, related_name="housing_scheme")
    review_year = models.PositiveSmallIntegerField(_("năm rà soát làm căn cứ đề xuất"))
    advance_percent = models.PositiveSmallIntegerField(
        _("tạm ứng đợt 1 khi khởi công (% mức hỗ trợ)"),
        help_text=_("Theo kế hoạch hoặc quyết định của tỉnh cho chương trình (ghi căn cứ trong căn cứ pháp lý)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chương trình hỗ trợ nhà ở hộ nghèo")
        verbose_name_plural = _("chương trình hỗ trợ nhà ở hộ nghèo")
        constraints = [
            models.CheckConstraint(condition=Q(advance_percent__gte=1) & Q(advance_percent__lte=100),
                                   name="housingscheme_advance_percent_range"),
        ]

    def __str__(self) -> str:
        return self.programme.name


class HousingCase(TimeStampedModel):
    """One house of a poor household under a scheme: proposal, appraisal, approval (amount by source),
    construction stages, and disbursement in tranches."""

    scheme = models.ForeignKey(HousingScheme, on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="housing_cases")
    household_review = models.ForeignKey(HouseholdReview, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="housing_cases")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=HousingStatus.choices,
                              default=HousingStatus.PROPOSED)
    reason = models.CharField(_("căn cứ đề xuất"), max_length=500)
    amount_total = models.BigIntegerField(_("tổng mức hỗ trợ (đồng)"), default=0)
    approval_number = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approval_date = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    reject_reason = models.CharField(_("lý do không hỗ trợ"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    appraised_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ hỗ trợ nhà ở")
        verbose_name_plural = _("hồ sơ hỗ trợ nhà ở")
        ordering = ["scheme", "commune__name", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "household"], name="housingcase_once_per_scheme"),
            models.CheckConstraint(condition=Q(amount_total__gte=0), name="housingcase_amount_nonnegative"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "started", "finished", "accepted"])
                | (~Q(approval_number="") & Q(approval_date__isnull=False) & Q(approved_by__isnull=False)
                   & Q(amount_total__gt=0)),
                name="housingcase_approved_has_decision"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("proposed_by")) & (Q(appraised_by__isnull=True) | ~Q(approved_by=F("appraised_by")))),
                name="housingcase_approver_not_maker"),
        ]

    def __str__(self) -> str:
        return f"Nhà ở hộ {self.household.code}"


class HousingEvent(WorkflowEventBase):
    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=HousingStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý hồ sơ nhà ở")
        verbose_name_plural = _("các bước xử lý hồ sơ nhà ở")


class HousingFunding(models.Model):
    """The amount one funding source of the programme gives one house."""

    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="funding")
    source = models.ForeignKey("programmes.FundingSource", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("số tiền (đồng)"))

    class Meta:
        verbose_name = _("mức hỗ trợ theo nguồn")
        verbose_name_plural = _("mức hỗ trợ theo nguồn")
        constraints = [
            models.UniqueConstraint(fields=["case", "source"], name="housingfunding_once_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="housingfunding_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.amount}"


class HousingStage(models.Model):
    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices)
    on_date = models.DateField(_("ngày"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giai đoạn xây dựng")
        verbose_name_plural = _("giai đoạn xây dựng")
        ordering = ["case", "on_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="housingstage_once_per_case")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.on_date:%d/%m/%Y}"


def housing_photo_to(instance: HousingPhoto, filename: str) -> str:
    """housing/<yyyy>/<mm>/<random>.<ext>: never the user's file name."""
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in (".jpg", ".jpeg", ".png") else ".bin"
    today = timezone.localdate()
    return f"housing/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class HousingPhoto(models.Model):
    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices)
    image = models.FileField(_("ảnh"), upload_to=housing_photo_to, max_length=300)
    content_type = models.CharField(max_length=20)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh công trình")
        verbose_name_plural = _("ảnh công trình")
        ordering = ["case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"Ảnh {self.get_stage_display().lower()} #{self.pk}"


class HousingTranche(models.Model):
    """A disbursement tranche of one house: its row in the tranche's list (``programmes.BeneficiaryList`` of the
    tranche's group, paid through payments once posted)."""

    case = models.ForeignKey(HousingCase, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("đợt"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    beneficiary_list = models.ForeignKey("programmes.BeneficiaryList", on_delete=models.PROTECT, related_name="+")
    list_row = models.ForeignKey("programmes.ListRow", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt giải ngân")
        verbose_name_plural = _("đợt giải ngân")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="housingtranche_once_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="housingtranche_amount_positive"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=2), name="housingtranche_number_range"),
        ]

    def __str__(self) -> str:
        return f"Đợt {self.number}: {self.amount}"
