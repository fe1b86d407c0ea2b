"""Support programmes: programmes, beneficiary groups, standing registers, lists and their workflow.

A programme (e.g. NQ 42/NQ-CP COVID-19 support) has beneficiary groups; each group names its list
template (Mẫu 0x), the rules variable that computes its amount and where its people come from (a
standing register or an Excel file). Lists are per programme, group and commune and move through
draft → submitted → appraised → approved → posted → paid → reconciled → closed. Rows carry the amount
computed by the rules (never typed) and the flags the checks raised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import TimeStampedModel


class ProgrammeKind(models.TextChoices):
    ONE_OFF = "one_off", _("Hỗ trợ một lần")
    MONTHLY = "monthly", _("Trợ cấp hằng tháng")


class OverlapRule(models.TextChoices):
    HIGHEST_ONLY = "highest_only", _("Chỉ hưởng mức cao nhất")
    STACK = "stack", _("Cộng dồn các nhóm")


class Programme(TimeStampedModel):
    code = models.SlugField(_("mã chương trình"), max_length=40, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=255)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    kind = models.CharField(_("loại"), max_length=10, choices=ProgrammeKind.choices, default=ProgrammeKind.ONE_OFF)
    budget = models.BigIntegerField(_("dự toán kinh phí (đồng)"), default=0)
    overlap_rule = models.CharField(_("quy tắc trùng nhóm"), max_length=16, choices=OverlapRule.choices,
                                    default=OverlapRule.HIGHEST_ONLY)
    overlap_parameter = models.CharField(
        _("tham số quy tắc trùng nhóm"), max_length=120, blank=True,
        help_text=_("Đường dẫn tham số trong bộ quy tắc nhận giá trị của quy tắc trùng nhóm (nếu có)."))
    period = models.CharField(_("kỳ tính"), max_length=10, help_text=_("Kỳ tính của bộ quy tắc, ví dụ 2020."))
    window_start = models.DateField(_("áp dụng từ"))
    window_end = models.DateField(_("áp dụng đến"))
    register_cutoff = models.DateField(_("ngày chốt danh sách nền"),
                                       help_text=_("Ví dụ: danh sách hộ nghèo, cận nghèo đến 31/12/2019."))
    death_cutoff = models.DateField(_("loại người mất trước ngày"))
    province_code = models.CharField(_("mã tỉnh"), max_length=4)

    class Meta:
        verbose_name = _("chương trình hỗ trợ")
        verbose_name_plural = _("chương trình hỗ trợ")
        ordering = ["-window_start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_nonnegative"),
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="programme_window_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField(_("nguồn kinh phí"), max_length=200)
    amount = models.BigIntegerField(_("số tiền (đồng)"), default=0)

    class Meta:
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fundingsource_amount_nonnegative")]

    def __str__(self) -> str:
        return self.name


class ListSource(models.TextChoices):
    REGISTRY = "registry", _("Từ danh sách đang hưởng")
    EXCEL = "excel", _("Tải lên từ Excel")


class Register(models.TextChoices):
    NCC = "ncc", _("Người có công hưởng trợ cấp hằng tháng")
    TGXH = "tgxh", _("Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng")
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")


HOUSEHOLD_REGISTERS = (Register.POOR, Register.NEAR_POOR)


class BeneficiaryGroup(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("nhóm"), max_length=4)
    name = models.CharField(_("tên nhóm"), max_length=255)
    template = models.CharField(_("mẫu danh sách"), max_length=40)
    rules_variable = models.CharField(_("biến tính số tiền"), max_length=80)
    input_variable = models.CharField(_("biến điều kiện"), max_length=80, blank=True)
    source = models.CharField(_("nguồn danh sách"), max_length=10, choices=ListSource.choices)
    registers = models.JSONField(_("danh sách nền"), default=list, blank=True,
                                 help_text=_("Các sổ đối tượng mà nhóm lấy người (nhóm lấy từ danh sách đang hưởng)."))
    conditions = models.TextField(_("điều kiện"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        ordering = ["programme", "order"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="group_programme_code_uniq")]

    def __str__(self) -> str:
        return f"Nhóm {self.code} – {self.name}"


class Enrolment(TimeStampedModel):
    """A person (NCC, TGXH) or a household (poor, near-poor) on a standing register, with its decision."""

    register = models.CharField(_("sổ đối tượng"), max_length=10, choices=Register.choices)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enrolments")
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="enrolments")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    tgxh_category = models.CharField(_("diện trợ giúp xã hội"), max_length=60, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    start_date = models.DateField(_("hưởng từ"))
    end_date = models.DateField(_("thôi hưởng từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("đối tượng đang hưởng")
        verbose_name_plural = _("đối tượng đang hưởng")
        constraints = [
            models.CheckConstraint(
                condition=(Q(register__in=["ncc", "tgxh"], person__isnull=False, household__isnull=True)
                           | Q(register__in=["poor", "near_poor"], person__isnull=True, household__isnull=False)),
                name="enrolment_person_or_household"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="enrolment_dates_ordered"),
        ]
        indexes = [models.Index(fields=["register", "start_date"], name="enrolment_register_idx"),
                   models.Index(fields=["person"], name="enrolment_person_idx"),
                   models.Index(fields=["household"], name="enrolment_household_idx")]

    def __str__(self) -> str:
        return f"{self.get_register_display()} · {self.decision_number}"


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã trình thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    POSTED = "posted", _("Đã niêm yết công khai")
    PAID = "paid", _("Đã chi trả")
    RECONCILED = "reconciled", _("Đã đối soát")
    CLOSED = "closed", _("Đã khoá sổ")


FROZEN_STATUSES = (ListStatus.APPROVED, ListStatus.POSTED, ListStatus.PAID, ListStatus.RECONCILED,
                   ListStatus.CLOSED)


class BeneficiaryList(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="lists")
    group = models.ForeignKey(BeneficiaryGroup, on_delete=models.PROTECT, related_name="lists")
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("trạng thái"), max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT)
    supplements = models.ForeignKey("self", verbose_name=_("bổ sung cho danh sách"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="supplementary_lists")
    source = models.CharField(_("nguồn"), max_length=10, choices=ListSource.choices)
    overlap_rule = models.CharField(_("kiểm tra theo quy tắc"), max_length=16, choices=OverlapRule.choices)
    checked_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("số người"), default=0)
    amount_total = models.BigIntegerField(_("tổng số tiền"), default=0)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    appraised_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=120, blank=True)
    decision_pdf = models.FileField(_("bản quyết định đã ký (PDF)"), upload_to="decisions/%Y/", blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    reconciled_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("danh sách đối tượng")
        verbose_name_plural = _("danh sách đối tượng")
        ordering = ["programme", "group__order", "commune__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "group", "commune"], condition=Q(supplements__isnull=True),
                                    name="list_one_main_per_group_commune"),
            models.CheckConstraint(condition=Q(amount_total__gte=0), name="list_amount_nonnegative"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "posted", "paid", "reconciled", "closed"])
                | (Q(approved_by__isnull=False) & Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="list_approved_has_decision"),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="list_programme_status_idx")]

    def __str__(self) -> str:
        kind = "Danh sách bổ sung" if self.supplements_id else "Danh sách"
        return f"{kind} nhóm {self.group.code} – {self.commune.name}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES


class ListRow(models.Model):
    beneficiary_list = models.ForeignKey(BeneficiaryList, on_delete=models.CASCADE, related_name="rows")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="list_rows")
    identity_number = models.CharField(_("số định danh trên danh sách"), max_length=12, blank=True)
    months = models.PositiveSmallIntegerField(_("số tháng"), default=0)
    group_amount = models.BigIntegerField(_("mức của nhóm"), default=0)
    amount = models.BigIntegerField(_("số tiền"), default=0)
    excluded = models.BooleanField(_("loại khỏi danh sách"), default=False)
    source_row = models.PositiveIntegerField(_("dòng trong tệp"), null=True, blank=True)
    inputs = models.JSONField(_("dữ liệu tính"), default=dict, blank=True)
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dòng danh sách")
        verbose_name_plural = _("dòng danh sách")
        constraints = [
            models.UniqueConstraint(fields=["beneficiary_list", "person"], name="listrow_one_per_person"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(group_amount__gte=0), name="listrow_amount_nonnegative"),
            models.CheckConstraint(condition=Q(amount__lte=F("group_amount")), name="listrow_amount_within_group"),
            models.CheckConstraint(condition=Q(months__lte=12), name="listrow_months_max"),
        ]
        indexes = [models.Index(fields=["person"], name="listrow_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.beneficiary_list_id}"


class FlagKind(models.TextChoices):
    DUPLICATE_IN_LIST = "duplicate_in_list", _("Trùng người trong danh sách")
    OTHER_LIST = "other_list", _("Có trong danh sách/nhóm khác của chương trình")
    ALREADY_APPROVED = "already_approved", _("Đã được duyệt hoặc chi trả ở danh sách khác")
    DEAD = "dead", _("Đã mất trước ngày chốt")
    IDENTITY = "identity", _("Số định danh không khớp cơ sở dữ liệu")


class Resolution(models.TextChoices):
    EXCLUDE = "exclude", _("Loại khỏi danh sách")
    KEEP = "keep", _("Giữ lại (có giải trình)")


class RowFlag(models.Model):
    row = models.ForeignKey(ListRow, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=FlagKind.choices)
    message = models.CharField(_("lý do"), max_length=500)
    amount_left = models.BigIntegerField(_("số tiền còn lại theo quy tắc"), null=True, blank=True)
    resolution = models.CharField(_("xử lý"), max_length=10, choices=Resolution.choices, blank=True)
    justification = models.CharField(_("giải trình"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        constraints = [
            models.UniqueConstraint(fields=["row", "kind"], name="rowflag_one_per_kind"),
            models.CheckConstraint(condition=~Q(resolution="keep") | ~Q(justification=""),
                                   name="rowflag_keep_needs_justification"),
            models.CheckConstraint(condition=Q(resolution="") | Q(resolved_by__isnull=False),
                                   name="rowflag_resolved_by_someone"),
        ]

    def __str__(self) -> str:
        return self.message


class WorkflowEvent(models.Model):
    beneficiary_list = models.ForeignKey(BeneficiaryList, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("bước"), max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("các bước xử lý")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class UploadStatus(models.TextChoices):
    CHECKED = "checked", _("Đã kiểm tra")
    COMMITTED = "committed", _("Đã ghi vào danh sách")


class ListUpload(TimeStampedModel):
    """One Excel file of a group 1–4 list (Mẫu 01–04) uploaded for a commune: checked, then committed."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="uploads")
    group = models.ForeignKey(BeneficiaryGroup, on_delete=models.PROTECT, related_name="uploads")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=500)
    status = models.CharField(_("trạng thái"), max_length=10, choices=UploadStatus.choices,
                              default=UploadStatus.CHECKED)
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    written_rows = models.PositiveIntegerField(default=0)
    new_persons = models.PositiveIntegerField(default=0)
    beneficiary_list = models.ForeignKey(BeneficiaryList, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tệp danh sách tải lên")
        verbose_name_plural = _("tệp danh sách tải lên")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
