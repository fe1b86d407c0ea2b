"""Petitions (khiếu nại, tố cáo, kiến nghị, phản ánh) with their legal deadlines, and inspections with the amounts
their conclusions order to recover, linked to the payroll's recoveries ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import TimeStampedModel, WorkflowEventBase


class PetitionKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    FEEDBACK = "feedback", _("Phản ánh")


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Tiếp công dân trực tiếp")
    POST = "post", _("Đơn gửi qua bưu điện")
    ONLINE = "online", _("Cổng dịch vụ công, thư điện tử")
    TRANSFERRED = "transferred", _("Cơ quan khác chuyển đến")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ACCEPTED = "accepted", _("Đã thụ lý")
    REJECTED = "rejected", _("Không thụ lý")
    DECIDED = "decided", _("Đã có quyết định, kết luận")
    CLOSED = "closed", _("Đã kết thúc, lưu hồ sơ")


class PetitionStep(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    ACCEPT = "accept", _("Thụ lý")
    REJECT = "reject", _("Không thụ lý")
    EXTEND = "extend", _("Gia hạn")
    DECIDE = "decide", _("Ban hành quyết định, kết luận")
    CLOSE = "close", _("Kết thúc, theo dõi xong")


class DeadlineStage(models.TextChoices):
    ACCEPT = "accept", _("Thụ lý (kể từ ngày nhận đơn)")
    RESOLVE = "resolve", _("Giải quyết (kể từ ngày thụ lý)")
    RESOLVE_COMPLEX = "resolve_complex", _("Giải quyết vụ việc phức tạp")
    RESOLVE_REMOTE = "resolve_remote", _("Giải quyết ở vùng sâu, vùng xa")
    RESOLVE_REMOTE_COMPLEX = "resolve_remote_complex", _("Giải quyết vụ việc phức tạp ở vùng sâu, vùng xa")
    EXTENSION = "extension", _("Mỗi lần gia hạn")


class DeadlineRule(models.Model):
    """A legal deadline in days. ``days`` empty: not confirmed from the text of the law — the services refuse to
    compute the deadline until an administrator fills it in (with its reference)."""

    kind = models.CharField(_("loại đơn"), max_length=16, choices=PetitionKind.choices)
    stage = models.CharField(_("bước"), max_length=24, choices=DeadlineStage.choices)
    days = models.PositiveIntegerField(_("số ngày"), null=True, blank=True)
    working_days = models.BooleanField(_("tính theo ngày làm việc"), default=False)
    max_extensions = models.PositiveIntegerField(_("số lần gia hạn tối đa"), null=True, blank=True)
    reference = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        verbose_name = _("thời hạn theo luật")
        verbose_name_plural = _("thời hạn theo luật")
        constraints = [models.UniqueConstraint(fields=["kind", "stage"], name="deadlinerule_kind_stage_unique"),
                       models.CheckConstraint(condition=Q(days__isnull=True) | Q(days__gt=0),
                                              name="deadlinerule_days_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.get_stage_display()}: {self.days or 'chưa có'}"


class Petition(TimeStampedModel):
    number = models.CharField(_("số đơn"), max_length=20, unique=True)
    kind = models.CharField(_("loại đơn"), max_length=16, choices=PetitionKind.choices)
    channel = models.CharField(_("nguồn đơn"), max_length=12, choices=Channel.choices)
    received_on = models.DateField(_("ngày nhận"))
    # the petitioner's personal data: shown only to the handlers (casework.permissions.can_see_petitioner)
    petitioner_name = models.CharField(_("họ tên người gửi đơn"), max_length=120)
    petitioner_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    petitioner_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    petitioner_identity = models.CharField(_("số định danh"), max_length=12, blank=True)
    summary = models.TextField(_("nội dung tóm tắt"))
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường nơi phát sinh"), on_delete=models.PROTECT,
                                related_name="+")
    complex_case = models.BooleanField(_("vụ việc phức tạp"), default=False)
    remote_area = models.BooleanField(_("vùng sâu, vùng xa đi lại khó khăn"), default=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PetitionStatus.choices,
                              default=PetitionStatus.RECEIVED, db_index=True)
    acceptance_due = models.DateField(_("hạn thụ lý"))
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    resolution_due = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    extensions = models.PositiveIntegerField(_("số lần gia hạn"), default=0)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người được giao giải quyết"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_reason = models.TextField(_("lý do không thụ lý"), blank=True)
    decision_number = models.CharField(_("số quyết định, kết luận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định, kết luận"), null=True, blank=True)
    outcome = models.TextField(_("kết quả giải quyết"), blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("đơn thư")
        verbose_name_plural = _("đơn thư")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(acceptance_due__gte=F("received_on")), name="petition_due_after_receipt"),
            models.CheckConstraint(condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("received_on")),
                                   name="petition_accepted_after_receipt"),
            models.CheckConstraint(condition=~Q(status="accepted") | (Q(accepted_on__isnull=False)
                                                                      & Q(resolution_due__isnull=False)),
                                   name="petition_accepted_has_deadline"),
            models.CheckConstraint(condition=~Q(status__in=["decided", "closed"]) | ~Q(decision_number=""),
                                   name="petition_decided_has_document"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="petition_rejected_has_reason"),
        ]
        indexes = [models.Index(fields=["commune", "status"], name="petition_commune_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class PetitionEvent(WorkflowEventBase):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=PetitionStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý đơn")
        verbose_name_plural = _("các bước xử lý đơn")


# ---------------------------------------------------------------- inspections

class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Trong kế hoạch")
    CONCLUDED = "concluded", _("Đã có kết luận")


class Inspection(TimeStampedModel):
    """An inspection (thanh tra, kiểm tra) of a commune's payments: its decision, team, subject and conclusion."""

    title = models.CharField(_("tên cuộc thanh tra"), max_length=300)
    decision_number = models.CharField(_("số quyết định thanh tra"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    subject = models.CharField(_("đối tượng thanh tra"), max_length=300)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    team = models.TextField(_("đoàn thanh tra"), help_text=_("Trưởng đoàn, thành viên"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    conclusion_number = models.CharField(_("số kết luận"), max_length=60, blank=True)
    conclusion_date = models.DateField(_("ngày kết luận"), null=True, blank=True)
    findings = models.TextField(_("kết luận, phát hiện"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cuộc thanh tra")
        verbose_name_plural = _("cuộc thanh tra")
        ordering = ["-decision_date", "-pk"]
        constraints = [models.CheckConstraint(
            condition=~Q(status="concluded") | (~Q(conclusion_number="") & Q(conclusion_date__isnull=False)),
            name="inspection_concluded_has_conclusion")]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.title}"


class RecoveryDemand(models.Model):
    """An amount the conclusion orders a person to pay back in a register; once the ledger keeper enters it, it is
    a debt of the payroll's recoveries ledger (``recovery_entry``) and followed up there."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="demands")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    register = models.CharField(_("chế độ"), max_length=10)
    amount = models.BigIntegerField(_("số tiền phải thu hồi"))
    reason = models.CharField(_("lý do"), max_length=300)
    recovery_entry = models.OneToOneField("payroll.RecoveryEntry", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="inspection_demand")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("khoản phải thu hồi theo kết luận")
        verbose_name_plural = _("khoản phải thu hồi theo kết luận")
        ordering = ["inspection", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recoverydemand_amount_positive"),
            models.UniqueConstraint(fields=["inspection", "person", "register"], name="recoverydemand_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.register} {self.amount}"
