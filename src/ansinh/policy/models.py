"""Dated parameter values added by administrators, with maker-checker approval.

The YAML parameters of the rules package stay the base; an approved ``ParameterChange`` becomes a
``ParameterAddition`` applied on top of them (see ``selectors.approved_additions``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import WorkflowEventBase
from ansinh.policy.bridge import ParameterAddition


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")
    WITHDRAWN = "withdrawn", _("Đã rút")


class ChangeStep(models.TextChoices):
    PROPOSE = "propose", _("Đề xuất")
    APPROVE = "approve", _("Duyệt")
    REJECT = "reject", _("Từ chối")
    WITHDRAW = "withdraw", _("Rút đề xuất")


class ParameterChange(models.Model):
    """One dated value for one parameter, proposed by an administrator and decided by another."""

    parameter = models.CharField(_("tham số"), max_length=200, db_index=True,
                                 help_text=_("Đường dẫn của tham số, ví dụ tgxh.standard_level"))
    start = models.DateField(_("áp dụng từ ngày"))
    value = models.JSONField(_("giá trị"), help_text=_("Số, đúng/sai, ngày YYYY-MM-DD hoặc tên quy tắc"))
    reference = models.CharField(_("căn cứ pháp lý"), max_length=500,
                                 help_text=_("Số văn bản, điều, ngày ban hành/hiệu lực"))
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=ChangeStatus.choices,
                              default=ChangeStatus.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đề xuất"),
                                    on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("đề xuất lúc"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người duyệt/từ chối"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True,
                                      help_text=_("Lúc duyệt, từ chối hoặc rút đề xuất"))
    rejection_reason = models.TextField(_("lý do từ chối"), blank=True)

    class Meta:
        verbose_name = _("giá trị tham số bổ sung")
        verbose_name_plural = _("giá trị tham số bổ sung")
        ordering = ["parameter", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="parameter_change_checker_not_maker",
                violation_error_message=_("Người duyệt phải khác người đề xuất."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ChangeStatus.PROPOSED, decided_by__isnull=True, decided_at__isnull=True)
                    | Q(status=ChangeStatus.WITHDRAWN, decided_by__isnull=True, decided_at__isnull=False)
                    | Q(status__in=[ChangeStatus.APPROVED, ChangeStatus.REJECTED], decided_by__isnull=False,
                        decided_at__isnull=False)
                ),
                name="parameter_change_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.REJECTED) | ~Q(rejection_reason=""),
                name="parameter_change_rejection_has_reason",
            ),
            models.CheckConstraint(condition=~Q(reference=""), name="parameter_change_reference_required"),
            models.UniqueConstraint(
                fields=["parameter", "start"], condition=Q(status=ChangeStatus.APPROVED),
                name="parameter_change_one_approved_per_date",
                violation_error_message=_("Tham số này đã có một giá trị được duyệt từ cùng ngày."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parameter} từ {self.start:%d/%m/%Y} = {self.value} ({self.get_status_display()})"

    def as_addition(self) -> ParameterAddition:
        return ParameterAddition(parameter=self.parameter, start=self.start, value=self.value,
                                 reference=self.reference)


class ParameterChangeEvent(WorkflowEventBase):
    """One step of a parameter change (``policy.permissions.PARAMETER_WORKFLOW``)."""

    change = models.ForeignKey(ParameterChange, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=ChangeStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý đề xuất tham số")
        verbose_name_plural = _("các bước xử lý đề xuất tham số")
