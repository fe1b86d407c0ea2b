"""Support programmes: programmes, beneficiary groups, standing registers, lists and their workflow.

A programme (e.g. NQ 42/NQ-CP COVID-19 support) has beneficiary groups; each group names its list
template (Mẫu 0x), the rules variable that computes its amount and where its people come from (a
standing register or an Excel file). Lists are per programme, group and commune and move through
draft → submitted → appraised → approved → posted → paid → reconciled → closed. Rows carry the amount
computed by the rules (never typed) and the flags the checks raised.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel, WorkflowEventBase
from ansinh.policy.variables.enums import NccCategory, TgxhCategory
from ansinh.policy.variables.ncc import RATE_RANGES


class ProgrammeKind(models.TextChoices):
    ONE_OFF = "one_off", _("Hỗ trợ một lần")
    MONTHLY = "monthly", _("Trợ cấp hằng tháng")


class OverlapRule(models.TextChoices):
    HIGHEST_ONLY = "highest_only", _("Chỉ hưởng mức cao nhất")
    STACK = "stack", _("Cộng dồn các nhóm")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn thảo")
    SUBMITTED = "submitted", _("Đã trình phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt, đang áp dụng")


class ProgrammeStep(models.TextChoices):
    """The steps of a programme's definition (``programmes.permissions.PROGRAMME_WORKFLOW``)."""

    PREPARE = "prepare", _("Soạn thảo chương trình")
    EDIT = "edit", _("Sửa nội dung")
    SUBMIT = "submit", _("Trình phê duyệt")
    RETURN = "return", _("Trả lại để sửa")
    APPROVE = "approve", _("Phê duyệt")


class ProgrammeOrigin(models.TextChoices):
    CODE = "code", _("Định nghĩa sẵn trong phần mềm")
    DESIGNER = "designer", _("Thiết kế trên trang")


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
    # The definition's own life (the designer): drafted, submitted, approved by another person; only an
    # approved programme has lists, uploads and payments. Programmes defined in code are approved as seeded.
    status = models.CharField(_("trạng thái"), max_length=10, choices=ProgrammeStatus.choices,
                              default=ProgrammeStatus.DRAFT)
    origin = models.CharField(_("nguồn định nghĩa"), max_length=10, choices=ProgrammeOrigin.choices,
                              default=ProgrammeOrigin.DESIGNER)
    decision_number = models.CharField(_("số quyết định ban hành"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký quyết định"), max_length=120, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người soạn"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người trình"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người phê duyệt"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("chương trình hỗ trợ")
        verbose_name_plural = _("chương trình hỗ trợ")
        ordering = ["-window_start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_nonnegative"),
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="programme_window_ordered"),
            models.CheckConstraint(condition=Q(status__in=["draft", "submitted", "approved"]),
                                   name="programme_status_known"),
            # A designed programme is approved by someone, never by whoever prepared or submitted it.
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(origin="code") | Q(approved_by__isnull=False),
                name="programme_approved_by_someone"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | ((Q(prepared_by__isnull=True) | ~Q(approved_by=F("prepared_by")))
                   & (Q(submitted_by__isnull=True) | ~Q(approved_by=F("submitted_by")))),
                name="programme_approver_not_maker"),
            models.CheckConstraint(condition=Q(decision_date__isnull=True) | Q(decision_date__gte=dt.date(1945, 1, 1)),
                                   name="programme_decision_date_plausible"),
        ]

    @property
    def is_usable(self) -> bool:
        """Lists, uploads and payments only for an approved programme."""
        return self.status == ProgrammeStatus.APPROVED

    def __str__(self) -> str:
        return self.name


class FundingSource(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField(_("nguồn kinh phí"), max_length=200)
    amount = models.BigIntegerField(_("số tiền (đồng)"), default=0)

    class Meta:
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fundingsource_amount_nonnegative"),
                       models.UniqueConstraint(fields=["programme", "name"], name="fundingsource_name_once")]

    def __str__(self) -> str:
        return self.name


class ListSource(models.TextChoices):
    REGISTRY = "registry", _("Từ danh sách đang hưởng")
    EXCEL = "excel", _("Tải lên từ Excel")


class AmountMode(models.TextChoices):
    RULES = "rules", _("Theo biến của bộ quy tắc")
    FIXED = "fixed", _("Mức cố định")
    DECIDED = "decided", _("Theo quyết định từng hồ sơ")  # housing support: per house (ansinh.poverty)


class AmountUnit(models.TextChoices):
    PERSON = "person", _("mỗi người")
    HOUSEHOLD = "household", _("mỗi hộ")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("một lần")
    MONTHLY = "monthly", _("mỗi tháng")


class Register(models.TextChoices):
    NCC = "ncc", _("Người có công hưởng trợ cấp hằng tháng")
    TGXH = "tgxh", _("Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng")
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    TOPUP = "topup", _("Hỗ trợ thu nhập theo NQ 151/2019/NQ-HĐND tỉnh Hà Tĩnh")


HOUSEHOLD_REGISTERS = (Register.POOR, Register.NEAR_POOR)
PERSON_REGISTERS = (Register.NCC, Register.TGXH, Register.TOPUP)
# The registers paid every month (the payroll app): NCC allowances, social assistance, the Hà Tĩnh top-up.
PAYROLL_REGISTERS = PERSON_REGISTERS

# What the rules need of an NCC enrolment (``ansinh.policy``): the category, the number of martyrs of a martyr's
# relative, the injury rate of the categories paid by rate (the annexes' rows: war invalids 21–100%, sick soldiers
# 41–100%, Agent Orange 21–100%).
NCC_CATEGORY_CHOICES = tuple((c.name, c.value) for c in NccCategory if c.name != "none")
TGXH_CATEGORY_NAMES = tuple(c.name for c in TgxhCategory if c.name != "none")
NCC_RATE_RANGES = {category.name: bounds for category, bounds in RATE_RANGES.items()}
MARTYR_RELATIVE = NccCategory.martyr_relative.name


def _ncc_facts_valid(prefix: str = "") -> Q:
    """The category is known (or empty), the martyr count and the injury rate given exactly when the category
    needs them, within the annexes' rows."""
    category, martyrs, rate = f"{prefix}ncc_category", f"{prefix}ncc_martyr_count", f"{prefix}ncc_injury_rate"
    known = Q(**{category: ""}) | Q(**{f"{category}__in": [name for name, _ in NCC_CATEGORY_CHOICES]})
    martyr = (Q(**{category: MARTYR_RELATIVE, f"{martyrs}__gte": 1})
              | (~Q(**{category: MARTYR_RELATIVE}) & Q(**{f"{martyrs}__isnull": True})))
    rated = Q(**{f"{rate}__isnull": True}) & ~Q(**{f"{category}__in": list(NCC_RATE_RANGES)})
    for name, (low, high) in NCC_RATE_RANGES.items():
        rated |= Q(**{category: name, f"{rate}__gte": low, f"{rate}__lte": high})
    return known & martyr & rated


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
    amount_mode = models.CharField(_("cách tính số tiền"), max_length=8, choices=AmountMode.choices,
                                   default=AmountMode.RULES)
    fixed_amount = models.BigIntegerField(_("mức hỗ trợ (đồng)"), null=True, blank=True)
    amount_unit = models.CharField(_("tính cho"), max_length=10, choices=AmountUnit.choices, default=AmountUnit.PERSON)
    frequency = models.CharField(_("chi"), max_length=8, choices=Frequency.choices, default=Frequency.ONE_OFF)
    months = models.PositiveSmallIntegerField(_("số tháng"), null=True, blank=True)
    ncc_categories = models.JSONField(_("diện người có công"), default=list, blank=True,
                                      help_text=_("Chỉ lấy người có công thuộc các diện này (để trống: mọi diện)."))
    planned_count = models.PositiveIntegerField(_("số đối tượng dự kiến"), null=True, blank=True)
    required_documents = models.TextField(_("hồ sơ cần có"), blank=True, help_text=_("Mỗi dòng một loại giấy tờ."))

    class Meta:
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="group_programme_code_uniq"),
            # Every group says how its amount is found: a rules variable, or a fixed amount above 0 đ.
            models.CheckConstraint(
                condition=(Q(amount_mode="rules") & ~Q(rules_variable="") & Q(fixed_amount__isnull=True))
                | (Q(amount_mode="fixed") & Q(fixed_amount__isnull=False) & Q(fixed_amount__gt=0))
                | (Q(amount_mode="decided") & Q(fixed_amount__isnull=True)),
                name="group_amount_defined"),
            models.CheckConstraint(condition=Q(months__isnull=True) | Q(months__gte=1, months__lte=12),
                                   name="group_months_range"),
            models.CheckConstraint(condition=~Q(amount_mode="fixed", frequency="monthly") | Q(months__isnull=False),
                                   name="group_monthly_has_months"),
            models.CheckConstraint(condition=Q(amount_unit__in=["person", "household"])
                                   & Q(frequency__in=["one_off", "monthly"]), name="group_unit_frequency_known"),
        ]

    def __str__(self) -> str:
        return f"Nhóm {self.code} – {self.name}"

    @property
    def amount_display(self) -> str:
        """«500.000 đ mỗi người, một lần», «1.000.000 đ mỗi hộ mỗi tháng × 3 tháng», «Theo biến …»."""
        from ansinh.core.formatting import vn_money

        if self.amount_mode == AmountMode.FIXED:
            text = f"{vn_money(self.fixed_amount)} {self.get_amount_unit_display()}"
            if self.frequency == Frequency.MONTHLY:
                return f"{text} mỗi tháng × {self.months} tháng"
            return f"{text}, chi một lần"
        if self.amount_mode == AmountMode.RULES:
            return "Theo bộ quy tắc"
        return str(AmountMode.DECIDED.label)

    @property
    def fixed_total(self) -> int | None:
        """A fixed group's amount for one person (or household) over the programme."""
        if self.amount_mode != AmountMode.FIXED or self.fixed_amount is None:
            return None
        return self.fixed_amount * ((self.months or 1) if self.frequency == Frequency.MONTHLY else 1)


class Enrolment(TimeStampedModel):
    """A person (NCC, TGXH, top-up) or a household (poor, near-poor) on a standing register, with its decision.

    The row holds the decision that put the person on the register (start, category, martyrs, injury rate as
    decided then). Later changes are ``EnrolmentEvent`` rows with their own decision, never edits of these facts;
    ``end_date`` and ``commune`` are kept equal to what the events say today (the current state other apps read).
    """

    register = models.CharField(_("sổ đối tượng"), max_length=10, choices=Register.choices)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enrolments")
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="enrolments")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    tgxh_category = models.CharField(_("diện trợ giúp xã hội"), max_length=60, blank=True)
    ncc_category = models.CharField(_("diện người có công"), max_length=40, blank=True, choices=NCC_CATEGORY_CHOICES)
    ncc_martyr_count = models.PositiveSmallIntegerField(_("số liệt sĩ"), null=True, blank=True)
    ncc_injury_rate = models.PositiveSmallIntegerField(_("tỷ lệ tổn thương cơ thể (%)"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    start_date = models.DateField(_("hưởng từ"))
    end_date = models.DateField(_("thôi hưởng từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("đối tượng đang hưởng")
        verbose_name_plural = _("đối tượng đang hưởng")
        constraints = [
            models.CheckConstraint(
                condition=(Q(register__in=[r.value for r in PERSON_REGISTERS], person__isnull=False,
                             household__isnull=True)
                           | Q(register__in=["poor", "near_poor"], person__isnull=True, household__isnull=False)),
                name="enrolment_person_or_household"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="enrolment_dates_ordered"),
            # The same enrolment twice is impossible, whatever path writes it (file, shell, admin).
            models.UniqueConstraint(fields=["register", "person", "start_date"], condition=Q(person__isnull=False),
                                    name="enrolment_person_once_per_start"),
            models.UniqueConstraint(fields=["register", "household", "start_date"],
                                    condition=Q(household__isnull=False), name="enrolment_household_once_per_start"),
            # What the rules need, valid whatever writes it: a known category, martyrs ≥ 1, an injury rate of
            # the annexes' range; only on the NCC register.
            models.CheckConstraint(
                condition=Q(register="ncc")
                | (Q(ncc_category="") & Q(ncc_martyr_count__isnull=True) & Q(ncc_injury_rate__isnull=True)),
                name="enrolment_ncc_facts_only_ncc"),
            models.CheckConstraint(condition=_ncc_facts_valid(), name="enrolment_ncc_facts_valid"),
            models.CheckConstraint(condition=Q(tgxh_category="") | Q(tgxh_category__in=TGXH_CATEGORY_NAMES),
                                   name="enrolment_tgxh_category_known"),
            models.CheckConstraint(condition=Q(decision_date__isnull=True) | Q(decision_date__gte=dt.date(1945, 1, 1)),
                                   name="enrolment_decision_date_plausible"),
        ]
        indexes = [models.Index(fields=["register", "start_date"], name="enrolment_register_idx"),
                   models.Index(fields=["person"], name="enrolment_person_idx"),
                   models.Index(fields=["household"], name="enrolment_household_idx")]

    def __str__(self) -> str:
        return f"{self.get_register_display()} · {self.decision_number}"


class EnrolmentChange(models.TextChoices):
    """The changes of a standing register, each a dated event with its decision."""

    INCREASE = "increase", _("Tăng: hưởng mới")
    DECREASE = "decrease", _("Giảm: thôi hưởng")
    RATE_CHANGE = "rate_change", _("Điều chỉnh mức hưởng")
    SUSPENSION = "suspension", _("Tạm dừng hưởng")
    RESUMPTION = "resumption", _("Hưởng lại")
    DEATH = "death", _("Chết")
    MOVE = "move", _("Chuyển xã/phường")


class EventSource(models.TextChoices):
    DECISION = "decision", _("Theo quyết định")
    REGISTER_FILE = "register_file", _("Nhập sổ đối tượng từ tệp")
    AGENT_RESULTS = "agent_results", _("Tự động: 3 tháng liên tiếp không nhận trợ cấp")


class EnrolmentEvent(models.Model):
    """One dated change of an enrolment and the decision behind it. Never changed or deleted (a database
    trigger refuses it, migration 0007): a mistake is corrected by another event.

    ``effective_month`` (the first day of a month) is the first month the change applies to: a rate change
    from that month, a decrease or a suspension stops the allowance from that month, a resumption restarts it
    (possibly earlier than the decision: the missed months are then paid as arrears), a move changes the
    commune that pays from that month. A death gives the date; the allowance runs through its month.
    Suspensions of social assistance after three months not collected come from the payment agent's results
    (``source = agent_results``): the payment is held, the entitlement is not lost.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("loại thay đổi"), max_length=12, choices=EnrolmentChange.choices)
    source = models.CharField(_("căn cứ"), max_length=14, choices=EventSource.choices, default=EventSource.DECISION)
    effective_month = models.DateField(_("áp dụng từ tháng"))
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    ncc_category = models.CharField(_("diện người có công mới"), max_length=40, blank=True,
                                    choices=NCC_CATEGORY_CHOICES)
    ncc_martyr_count = models.PositiveSmallIntegerField(_("số liệt sĩ mới"), null=True, blank=True)
    ncc_injury_rate = models.PositiveSmallIntegerField(_("tỷ lệ tổn thương mới (%)"), null=True, blank=True)
    tgxh_category = models.CharField(_("diện trợ giúp xã hội mới"), max_length=60, blank=True)
    death_date = models.DateField(_("ngày chết"), null=True, blank=True)
    from_commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("từ xã/phường"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    to_commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("đến xã/phường"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi sổ đối tượng")
        verbose_name_plural = _("thay đổi sổ đối tượng")
        ordering = ["enrolment", "effective_month", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(source="agent_results") | ~Q(decision_number=""),
                                   name="enrolmentevent_decision_required"),
            models.CheckConstraint(condition=~Q(kind="death") | Q(death_date__isnull=False),
                                   name="enrolmentevent_death_has_date"),
            models.CheckConstraint(condition=~Q(kind="move") | Q(to_commune__isnull=False),
                                   name="enrolmentevent_move_has_commune"),
            models.CheckConstraint(
                condition=~Q(kind="rate_change") | ~Q(ncc_category="") | Q(ncc_martyr_count__isnull=False)
                | Q(ncc_injury_rate__isnull=False) | ~Q(tgxh_category=""),
                name="enrolmentevent_rate_change_has_values"),
            models.CheckConstraint(condition=~Q(kind="rate_change") | Q(ncc_category="") | _ncc_facts_valid(),
                                   name="enrolmentevent_ncc_facts_valid"),
            models.CheckConstraint(condition=Q(tgxh_category="") | Q(tgxh_category__in=TGXH_CATEGORY_NAMES),
                                   name="enrolmentevent_tgxh_category_known"),
            models.CheckConstraint(condition=Q(source="decision") | Q(kind__in=["increase", "suspension"]),
                                   name="enrolmentevent_automatic_kinds"),
            models.UniqueConstraint(fields=["enrolment"], condition=Q(kind="increase"),
                                    name="enrolmentevent_one_increase"),
            models.UniqueConstraint(fields=["enrolment"], condition=Q(kind="death"), name="enrolmentevent_one_death"),
            models.UniqueConstraint(fields=["enrolment", "effective_month"], condition=Q(source="agent_results"),
                                    name="enrolmentevent_one_hold_per_month"),
        ]
        indexes = [models.Index(fields=["enrolment", "effective_month"], name="enrolmentevent_month_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} từ {self.effective_month:%m/%Y} ({self.decision_number or self.get_source_display()})"


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã trình thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    POSTED = "posted", _("Đã niêm yết công khai")
    PAID = "paid", _("Đã chi trả")
    RECONCILED = "reconciled", _("Đã đối soát")
    CLOSED = "closed", _("Đã khoá sổ")


# The statuses in which a list can no longer change (the one definition: services, checks, reports, and the
# database guard of migration 0002 use it).
FROZEN_STATUSES = (ListStatus.APPROVED, ListStatus.POSTED, ListStatus.PAID, ListStatus.RECONCILED,
                   ListStatus.CLOSED)


class ListStep(models.TextChoices):
    """The steps of a list's life, as the history shows them."""

    PREPARE = "prepare", _("Lập danh sách")
    CHECK = "check", _("Kiểm tra")
    RESOLVE = "resolve", _("Xử lý cảnh báo")
    SUBMIT = "submit", _("Trình thẩm định")
    RETURN = "return", _("Trả lại")
    APPRAISE = "appraise", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt")
    POST = "post", _("Niêm yết công khai")
    PAY = "pay", _("Chi trả xong")
    RECONCILE = "reconcile", _("Đối soát")
    CLOSE = "close", _("Khoá sổ")


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
                condition=~Q(status__in=[s.value for s in FROZEN_STATUSES])
                | (Q(approved_by__isnull=False) & Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="list_approved_has_decision"),
            # Maker-checker in the database: whoever prepared, submitted or appraised never approves.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("prepared_by")) & (Q(submitted_by__isnull=True) | ~Q(approved_by=F("submitted_by")))
                   & (Q(appraised_by__isnull=True) | ~Q(approved_by=F("appraised_by")))),
                name="list_approver_not_maker"),
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


class ProgrammeEvent(WorkflowEventBase):
    """One step of a programme's definition (``programmes.permissions.PROGRAMME_WORKFLOW``)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=ProgrammeStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý chương trình")
        verbose_name_plural = _("các bước xử lý chương trình")


class ListEvent(WorkflowEventBase):
    """One step of a list's workflow (``programmes.permissions.LIST_WORKFLOW``)."""

    beneficiary_list = models.ForeignKey(BeneficiaryList, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=ListStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý danh sách")
        verbose_name_plural = _("các bước xử lý danh sách")


class ListUpload(ImportRecord):
    """One Excel file of a group 1–4 list (Mẫu 01–04) for a commune, through the shared import lifecycle."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="uploads")
    group = models.ForeignKey(BeneficiaryGroup, on_delete=models.PROTECT, related_name="uploads")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    beneficiary_list = models.ForeignKey(BeneficiaryList, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="uploads")

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp danh sách tải lên")
        verbose_name_plural = _("tệp danh sách tải lên")
        constraints = [
            models.UniqueConstraint(fields=["file_sha256", "programme"], condition=Q(status="committed"),
                                    name="listupload_committed_once"),
        ]


class RegisterImport(ImportRecord):
    """One Excel file of a standing register (NCC, TGXH, poor, near-poor) through the shared import lifecycle."""

    register = models.CharField(_("sổ đối tượng"), max_length=10, choices=Register.choices)

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp sổ đối tượng tải lên")
        verbose_name_plural = _("tệp sổ đối tượng tải lên")
        constraints = [
            models.UniqueConstraint(fields=["file_sha256", "register"], condition=Q(status="committed"),
                                    name="registerimport_committed_once"),
        ]
