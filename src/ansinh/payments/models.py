"""Payments of approved lists: batches per commune and payment agent, lines, results imports.

The database enforces that nobody is paid twice for the same programme and group
(``paymentline_paid_once``): a results file, a shell session or the admin cannot break it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel, WorkflowEventBase


class Channel(models.TextChoices):
    POST_OFFICE = "post_office", _("Bưu điện (chi tiền mặt)")
    BANK = "bank", _("Chuyển khoản ngân hàng")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Đã lập")
    EXPORTED = "exported", _("Đã gửi tổ chức chi trả")
    RESULTS = "results", _("Đã nhận kết quả")
    RECONCILED = "reconciled", _("Đã đối soát")


class BatchStep(models.TextChoices):
    CREATE = "create", _("Lập đợt chi trả")
    EXPORT = "export", _("Gửi tổ chức chi trả")
    RESULTS = "results", _("Nhận đủ kết quả")
    RECONCILE = "reconcile", _("Đối soát")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Chưa có kết quả")
    PAID = "paid", _("Đã chi trả")
    UNPAID = "unpaid", _("Không chi trả được")


class UnpaidReason(models.TextChoices):
    DIED = "died", _("Đã mất")
    ABSENT = "absent", _("Vắng mặt")
    MOVED = "moved", _("Chuyển đi")
    REFUSED = "refused", _("Từ chối nhận")
    WRONG_DATA = "wrong_data", _("Sai thông tin")


class PaymentBatch(TimeStampedModel):
    beneficiary_list = models.ForeignKey("programmes.BeneficiaryList", on_delete=models.PROTECT,
                                         related_name="payment_batches")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("hình thức chi trả"), max_length=12, choices=Channel.choices,
                               default=Channel.POST_OFFICE)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tổ chức chi trả"), on_delete=models.PROTECT,
                              related_name="payment_batches")
    status = models.CharField(_("trạng thái"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    line_count = models.PositiveIntegerField(default=0)
    amount_total = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đợt chi trả")
        verbose_name_plural = _("đợt chi trả")
        ordering = ["commune__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["beneficiary_list", "agent"], name="batch_one_per_list_agent"),
            models.CheckConstraint(condition=Q(amount_total__gte=0), name="batch_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"Đợt chi trả {self.beneficiary_list} ({self.get_channel_display()})"


class PaymentLine(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines")
    row = models.OneToOneField("programmes.ListRow", on_delete=models.PROTECT, related_name="payment_line")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("programmes.BeneficiaryGroup", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("STT"))
    amount = models.BigIntegerField(_("số tiền phải trả"))
    status = models.CharField(_("kết quả"), max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING)
    paid_date = models.DateField(_("ngày chi trả"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("số tiền đã trả"), default=0)
    unpaid_reason = models.CharField(_("lý do không chi trả"), max_length=12, choices=UnpaidReason.choices,
                                     blank=True)
    returned_amount = models.BigIntegerField(_("kinh phí đã hoàn trả"), default=0)
    bank_account = models.CharField(_("số tài khoản"), max_length=30, blank=True)
    bank_name = models.CharField(_("ngân hàng"), max_length=120, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dòng chi trả")
        verbose_name_plural = _("dòng chi trả")
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["person", "programme", "group"], condition=Q(status="paid"),
                                    name="paymentline_paid_once"),
            models.UniqueConstraint(fields=["batch", "seq"], name="paymentline_batch_seq_uniq"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(paid_amount__gte=0) & Q(returned_amount__gte=0),
                                   name="paymentline_amounts_nonnegative"),
            models.CheckConstraint(
                condition=(Q(status="pending", paid_amount=0, unpaid_reason="")
                           | Q(status="paid", paid_amount=F("amount"), paid_date__isnull=False, unpaid_reason="")
                           | (Q(status="unpaid", paid_amount=0) & ~Q(unpaid_reason=""))),
                name="paymentline_status_consistent"),
            models.CheckConstraint(condition=Q(returned_amount__lte=F("amount") - F("paid_amount")),
                                   name="paymentline_returned_within_unpaid"),
        ]
        indexes = [models.Index(fields=["batch", "status"], name="paymentline_batch_status_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.seq}"


class BatchEvent(WorkflowEventBase):
    """One step of a payment batch (``payments.permissions.BATCH_WORKFLOW``)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=BatchStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý đợt chi trả")
        verbose_name_plural = _("các bước xử lý đợt chi trả")


class ResultImport(ImportRecord):
    """One results file of the payment agent for one batch, through the shared import lifecycle."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="result_imports")

    class Meta(ImportRecord.Meta):
        verbose_name = _("lần nhập kết quả chi trả")
        verbose_name_plural = _("các lần nhập kết quả chi trả")
        constraints = [
            # The same results file is applied to a batch once (two at once: the second is refused).
            models.UniqueConstraint(fields=["batch", "file_sha256"], condition=Q(status="committed"),
                                    name="resultimport_committed_once_per_batch"),
        ]

    @property
    def applied_rows(self) -> int:
        return int((self.result or {}).get("applied", 0))

    @property
    def unchanged_rows(self) -> int:
        return int((self.result or {}).get("unchanged", 0))
