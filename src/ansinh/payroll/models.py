"""Monthly payrolls in the database: per register (NCC, TGXH, the Hà Tĩnh top-up) and month, one sheet per
commune through the shared workflow, lines computed by the engine (``ansinh.payroll.engine.settle``), the payment
agent's results (one per line), and the recoveries ledger.

What the database itself guarantees (constraints here, triggers in migration 0002):

- one payroll per register and month, one sheet per commune and payroll month;
- one regular line per person, register and entitlement month — ever — and one line per kind and entitlement
  month of a person in a payroll month; a recovery is negative, every other line positive;
- a sheet's lines never change once it has left the draft (submitted, approved, sent: frozen);
- a line has at most one result, and a result is never changed or deleted;
- whoever prepared, submitted or appraised a sheet never approves it;
- the ledger is append-only (debts and repayments are added, never edited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel, WorkflowEventBase

REGISTER_CHOICES = (
    ("ncc", _("Người có công")),
    ("tgxh", _("Trợ giúp xã hội")),
    ("topup", _("Hỗ trợ thu nhập NQ 151/2019")),
)
REGISTERS = tuple(code for code, _label in REGISTER_CHOICES)


class PayrollMonth(TimeStampedModel):
    """The payroll of one register for one month (the month it is paid: ``month`` is its first day)."""

    register = models.CharField(_("sổ"), max_length=10, choices=REGISTER_CHOICES)
    month = models.DateField(_("tháng chi trả"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("lập lúc"), null=True, blank=True)
    digest = models.CharField(_("mã kiểm tra các dòng"), max_length=64, blank=True)
    warnings = models.JSONField(_("lưu ý khi lập"), default=list, blank=True)
    person_count = models.PositiveIntegerField(_("số người"), default=0)
    line_count = models.PositiveIntegerField(_("số dòng"), default=0)
    amount_total = models.BigIntegerField(_("tổng số tiền chi"), default=0)
    recovery_total = models.BigIntegerField(_("tổng truy thu"), default=0)

    class Meta:
        verbose_name = _("bảng chi trả hằng tháng")
        verbose_name_plural = _("bảng chi trả hằng tháng")
        ordering = ["-month", "register"]
        constraints = [
            models.UniqueConstraint(fields=["register", "month"], name="payrollmonth_one_per_register_month"),
            models.CheckConstraint(condition=Q(register__in=list(REGISTERS)), name="payrollmonth_register_known"),
            models.CheckConstraint(condition=Q(amount_total__gte=0) & Q(recovery_total__lte=0),
                                   name="payrollmonth_totals_signed"),
        ]

    def __str__(self) -> str:
        return f"Chi trả {self.get_register_display().lower()} tháng {self.month:%m/%Y}"

    @property
    def period(self) -> str:
        return f"{self.month:%Y-%m}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã trình thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt")
    SENT = "sent", _("Đã gửi tổ chức chi trả")
    RESULTS = "results", _("Đã có kết quả chi trả")
    RECONCILED = "reconciled", _("Đã đối soát")


# A sheet's lines are frozen from submission on (the database trigger of migration 0002 uses the same list).
FROZEN_STATUSES = (SheetStatus.SUBMITTED, SheetStatus.APPRAISED, SheetStatus.APPROVED, SheetStatus.SENT,
                   SheetStatus.RESULTS, SheetStatus.RECONCILED)
SENT_STATUSES = (SheetStatus.SENT, SheetStatus.RESULTS, SheetStatus.RECONCILED)


class SheetStep(models.TextChoices):
    PREPARE = "prepare", _("Lập bảng chi trả")
    SUBMIT = "submit", _("Trình thẩm định")
    RETURN = "return", _("Trả lại")
    APPRAISE = "appraise", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt")
    SEND = "send", _("Gửi tổ chức chi trả")
    RESULTS = "results", _("Nhận đủ kết quả chi trả")
    RECONCILE = "reconcile", _("Đối soát")


class PayrollSheet(TimeStampedModel):
    """The month's list of one commune for one register: what the payment agent pays there."""

    payroll_month = models.ForeignKey(PayrollMonth, on_delete=models.PROTECT, related_name="sheets")
    register = models.CharField(_("sổ"), max_length=10, choices=REGISTER_CHOICES)
    month = models.DateField(_("tháng chi trả"))
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("trạng thái"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    digest = models.CharField(_("mã kiểm tra các dòng"), max_length=64, blank=True)
    person_count = models.PositiveIntegerField(_("số người được chi"), default=0)
    line_count = models.PositiveIntegerField(_("số dòng"), default=0)
    amount_total = models.BigIntegerField(_("tổng số tiền chi"), default=0)
    recovery_total = models.BigIntegerField(_("tổng truy thu"), default=0)
    fee_rate = models.DecimalField(_("tỷ lệ phí chi trả"), max_digits=6, decimal_places=5, null=True, blank=True)
    fee_amount = models.BigIntegerField(_("phí chi trả"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tổ chức chi trả"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="payroll_sheets")
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
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bảng chi trả của xã")
        verbose_name_plural = _("bảng chi trả của xã")
        ordering = ["payroll_month", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["payroll_month", "commune"], name="payrollsheet_one_per_commune"),
            models.CheckConstraint(condition=Q(amount_total__gte=0) & Q(recovery_total__lte=0)
                                   & (Q(fee_amount__isnull=True) | Q(fee_amount__gte=0)),
                                   name="payrollsheet_totals_signed"),
            # Maker-checker in the database: whoever prepared, submitted or appraised never approves.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | (~Q(approved_by=F("prepared_by")) & (Q(submitted_by__isnull=True) | ~Q(approved_by=F("submitted_by")))
                   & (Q(appraised_by__isnull=True) | ~Q(approved_by=F("appraised_by")))),
                name="payrollsheet_approver_not_maker"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "sent", "results", "reconciled"]) | Q(approved_by__isnull=False),
                name="payrollsheet_approved_has_approver"),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "results", "reconciled"])
                | (Q(agent__isnull=False) & Q(sent_by__isnull=False)),
                name="payrollsheet_sent_has_agent"),
        ]
        indexes = [models.Index(fields=["register", "month", "status"], name="payrollsheet_month_status_idx")]

    def __str__(self) -> str:
        return f"Bảng chi trả {self.get_register_display().lower()} tháng {self.month:%m/%Y} – {self.commune.name}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_sent(self) -> bool:
        return self.status in SENT_STATUSES


class SheetEvent(WorkflowEventBase):
    """One step of a sheet's workflow (``payroll.permissions.SHEET_WORKFLOW``)."""

    sheet = models.ForeignKey(PayrollSheet, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=SheetStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý bảng chi trả")
        verbose_name_plural = _("các bước xử lý bảng chi trả")


class LineKind(models.TextChoices):
    """The engine's kinds (``ansinh.payroll.engine.ALL_KINDS``), named for the user."""

    REGULAR = "regular", _("Trợ cấp tháng")
    ARREARS = "arrears", _("Truy lĩnh")
    RECOVERY = "recovery", _("Truy thu")
    DEATH_LUMP_SUM = "death_lump_sum", _("Trợ cấp một lần khi chết")
    FUNERAL_SUPPORT = "funeral_support", _("Mai táng phí")


class PayrollLine(models.Model):
    """One amount of one person in a sheet: ``entitlement_month`` is the month it settles (the payroll month
    for a regular line, an earlier month for arrears and recoveries, the month of death for one-off amounts).
    ``carried``: an amount already in an earlier list that the agent could not pay (carried to this one)."""

    # 10⁵ lines a month are written by COPY: every index and every foreign-key check costs. The foreign keys are
    # served by the composite indexes below; ``payroll_month``, ``register``, ``month`` and ``commune`` are copies of
    # the sheet's (which has their constraints), kept on the line for the constraints and the aggregates.
    sheet = models.ForeignKey(PayrollSheet, on_delete=models.CASCADE, related_name="lines", db_index=False)
    payroll_month = models.ForeignKey(PayrollMonth, on_delete=models.DO_NOTHING, related_name="lines",
                                      db_index=False, db_constraint=False)
    register = models.CharField(_("sổ"), max_length=10, choices=REGISTER_CHOICES)
    month = models.DateField(_("tháng chi trả"))
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                                db_constraint=False)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="payroll_lines",
                               db_index=False)
    enrolment = models.ForeignKey("programmes.Enrolment", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payroll_lines", db_index=False)
    seq = models.PositiveIntegerField(_("STT"))
    entitlement_month = models.DateField(_("tháng được hưởng"))
    kind = models.CharField(_("khoản"), max_length=16, choices=LineKind.choices)
    amount = models.BigIntegerField(_("số tiền"))
    carried = models.BooleanField(_("chưa nhận từ tháng trước"), default=False)
    facts = models.JSONField(_("dữ liệu tính"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dòng chi trả hằng tháng")
        verbose_name_plural = _("dòng chi trả hằng tháng")
        ordering = ["sheet", "seq", "entitlement_month", "kind"]
        constraints = [
            models.CheckConstraint(condition=(Q(kind="recovery") & Q(amount__lt=0))
                                   | (~Q(kind="recovery") & Q(amount__gt=0)),
                                   name="payrollline_amount_signed"),
            models.CheckConstraint(condition=~Q(kind="regular") | (Q(entitlement_month=F("month")) & Q(carried=False)),
                                   name="payrollline_regular_is_the_month"),
            models.CheckConstraint(condition=Q(entitlement_month__lte=F("month")),
                                   name="payrollline_entitlement_not_after_month"),
            models.CheckConstraint(condition=Q(register__in=list(REGISTERS)), name="payrollline_register_known"),
            # One regular line per person, register and entitlement month, whatever writes it.
            models.UniqueConstraint(fields=["register", "person", "entitlement_month"], condition=Q(kind="regular"),
                                    name="payrollline_regular_once"),
            models.UniqueConstraint(fields=["payroll_month", "person", "entitlement_month", "kind", "carried"],
                                    name="payrollline_one_per_kind_and_month"),
        ]
        indexes = [models.Index(fields=["person", "register", "month"], name="payrollline_person_idx"),
                   models.Index(fields=["sheet", "seq"], name="payrollline_sheet_seq_idx"),
                   models.Index(fields=["register", "month"], name="payrollline_register_month_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.entitlement_month:%m/%Y}: {self.amount}"


class ResultStatus(models.TextChoices):
    PAID = "paid", _("Đã chi trả")
    UNPAID = "unpaid", _("Không chi trả được")


class UnpaidReason(models.TextChoices):
    DIED = "died", _("Đã mất")
    ABSENT = "absent", _("Vắng mặt")
    MOVED = "moved", _("Chuyển đi")
    REFUSED = "refused", _("Từ chối nhận")
    WRONG_DATA = "wrong_data", _("Sai thông tin")


class ResultsImport(ImportRecord):
    """One results file of the payment agent for one sheet, through the shared import lifecycle."""

    sheet = models.ForeignKey(PayrollSheet, on_delete=models.PROTECT, related_name="result_imports")

    class Meta(ImportRecord.Meta):
        verbose_name = _("lần nhập kết quả chi trả hằng tháng")
        verbose_name_plural = _("các lần nhập kết quả chi trả hằng tháng")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "file_sha256"], condition=Q(status="committed"),
                                    name="payrollresults_committed_once_per_sheet"),
        ]

    @property
    def applied_rows(self) -> int:
        return int((self.result or {}).get("applied", 0))


class LineResult(models.Model):
    """What the payment agent reported for one line (the person's result, on each of their lines)."""

    line = models.OneToOneField(PayrollLine, on_delete=models.PROTECT, related_name="result")
    sheet = models.ForeignKey(PayrollSheet, on_delete=models.PROTECT, related_name="results")
    status = models.CharField(_("kết quả"), max_length=8, choices=ResultStatus.choices)
    paid_date = models.DateField(_("ngày chi trả"), null=True, blank=True)
    reason = models.CharField(_("lý do không chi trả"), max_length=12, choices=UnpaidReason.choices, blank=True)
    results_import = models.ForeignKey(ResultsImport, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="line_results")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả chi trả")
        verbose_name_plural = _("kết quả chi trả")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="paid", paid_date__isnull=False, reason="")
                | (Q(status="unpaid", paid_date__isnull=True) & ~Q(reason="")),
                name="lineresult_status_consistent"),
        ]
        indexes = [models.Index(fields=["sheet", "status"], name="lineresult_sheet_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.line_id})"


class EntryKind(models.TextChoices):
    DEBT = "debt", _("Phải thu hồi")
    REPAYMENT = "repayment", _("Đã nộp lại")


class RecoveryOrigin(models.TextChoices):
    LATE_DEATH = "late_death", _("Chi sau khi chết (báo tử muộn)")
    RATE_CUT = "rate_cut", _("Giảm mức hưởng từ tháng đã chi")
    OVERPAYMENT = "overpayment", _("Chi thừa khác (thôi hưởng, tạm dừng)")
    INSPECTION = "inspection", _("Truy thu theo kết luận thanh tra")


class RecoveryEntry(models.Model):
    """One entry of a person's recoveries ledger (per register): a debt (an overpayment the engine found when a
    sheet was sent, or an inspection conclusion with its document) or a repayment with its receipt. Never
    changed or deleted; what is still owed = debts − repayments."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="recovery_entries")
    register = models.CharField(_("sổ"), max_length=10, choices=REGISTER_CHOICES)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=EntryKind.choices)
    origin = models.CharField(_("nguồn gốc khoản phải thu"), max_length=12, choices=RecoveryOrigin.choices,
                              blank=True)
    amount = models.BigIntegerField(_("số tiền"))
    document_number = models.CharField(_("số văn bản / chứng từ"), max_length=80, blank=True)
    document_date = models.DateField(_("ngày văn bản / chứng từ"), null=True, blank=True)
    line = models.OneToOneField(PayrollLine, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="recovery_entry")
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sổ theo dõi truy thu")
        verbose_name_plural = _("sổ theo dõi truy thu")
        ordering = ["person", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recoveryentry_amount_positive"),
            models.CheckConstraint(condition=(Q(kind="debt") & ~Q(origin="")) | (Q(kind="repayment") & Q(origin="")),
                                   name="recoveryentry_debt_has_origin"),
            models.CheckConstraint(condition=Q(line__isnull=False) | (~Q(document_number="")
                                                                      & Q(document_date__isnull=False)),
                                   name="recoveryentry_document_or_line"),
            models.CheckConstraint(condition=~Q(origin="inspection") | ~Q(document_number=""),
                                   name="recoveryentry_inspection_has_document"),
            models.CheckConstraint(condition=Q(register__in=list(REGISTERS)), name="recoveryentry_register_known"),
        ]
        indexes = [models.Index(fields=["person", "register"], name="recoveryentry_person_idx"),
                   models.Index(fields=["commune", "origin"], name="recoveryentry_commune_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.document_number or self.line_id})"
