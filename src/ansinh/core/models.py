"""Common model pieces and the audit trail of user actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per user-facing action: who did what to which record, when."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=64)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    summary = models.CharField(_("tóm tắt"), max_length=500)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"


# ---------------------------------------------------------------- the shared import lifecycle

class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra")
    QUEUED = "queued", _("Chờ ghi")
    COMMITTING = "committing", _("Đang ghi")
    COMMITTED = "committed", _("Đã ghi vào CSDL")
    FAILED = "failed", _("Không đọc được tệp")
    CANCELLED = "cancelled", _("Đã huỷ")


IMPORT_IN_PROGRESS = (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.COMMITTING)


def import_upload_to(instance: ImportRecord, filename: str) -> str:
    """imports/<app>_<model>/<yyyy>/<mm>/<random>.<ext>: never the user's name (it may be hostile)."""
    import uuid
    from pathlib import Path

    from django.utils import timezone

    suffix = "".join(c for c in Path(filename).suffix.lower()[:6] if c.isalnum() or c == ".") or ".bin"
    today = timezone.localdate()
    return f"imports/{instance._meta.label_lower.replace('.', '_')}/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def import_report_to(instance: ImportRecord, filename: str) -> str:
    import uuid

    from django.utils import timezone

    today = timezone.localdate()
    return f"imports/{instance._meta.label_lower.replace('.', '_')}/{today:%Y/%m}/{uuid.uuid4().hex}_loi.xlsx"


class ImportRecord(TimeStampedModel):
    """One uploaded file and its life: stored, checked once, committed (all rows or the valid ones) or
    cancelled. Concrete models add what the file is for (a payment batch, a register, a commune list) and
    a unique constraint «one committed file per digest and target» (see ``core.imports``)."""

    kind_code: str = ""  # set by the concrete model: the key of its ImportKind

    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(_("mã kiểm tra tệp"), max_length=64, db_index=True)
    stored_file = models.FileField(_("tệp đã lưu"), upload_to=import_upload_to, max_length=300)
    error_report = models.FileField(_("báo cáo lỗi"), upload_to=import_report_to, max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"),
                                   on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.AdminUnit", verbose_name=_("địa bàn của người tải lên"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.CHECKING)
    valid_only = models.BooleanField(_("chỉ ghi các dòng hợp lệ"), default=False)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    error_rows = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    written_rows = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    column_mapping = models.JSONField(_("ghép cột"), default=dict, blank=True,
                                      help_text=_("Tiêu đề trong tệp → trường (người dùng chọn)"))
    summary = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    result = models.JSONField(_("kết quả ghi"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    committed_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in IMPORT_IN_PROGRESS

    @property
    def valid_rows(self) -> int:
        return max(self.total_rows - self.error_rows, 0)


# ---------------------------------------------------------------- the shared workflow engine

class WorkflowEventBase(models.Model):
    """One step of an object's workflow (``core.workflow``): who moved it from which state to which.

    Concrete models add the foreign key to their object and ``step`` choices from the app's step enum.
    """

    step = models.CharField(_("bước"), max_length=30)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"),
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} {self.from_status}→{self.to_status}"


# ---------------------------------------------------------------- the calendar of public holidays

class PublicHoliday(models.Model):
    """A day off that is not a Saturday or Sunday (Bộ luật Lao động 2019, Điều 112: Tết Dương lịch, Tết Âm lịch,
    Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, and the days the Prime Minister's notice adds each year). Entered by
    an administrator for each year — the lunar dates and the extra days change every year, so none is shipped.
    Working-day deadlines (``core.calendar``) skip them."""

    day = models.DateField(_("ngày nghỉ"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=120)
    reference = models.CharField(_("căn cứ"), max_length=300, blank=True,
                                 help_text=_("Ví dụ: Bộ luật Lao động 2019, Điều 112; thông báo của Bộ Nội vụ."))

    class Meta:
        verbose_name = _("ngày nghỉ lễ, tết")
        verbose_name_plural = _("lịch nghỉ lễ, tết")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.name}"
