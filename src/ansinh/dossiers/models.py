"""Digitised dossiers (hồ sơ lưu trữ): the paper file of a person and matter, where it sits in the archive, who
borrowed it, its scanned documents (every version kept), the text read from each page, and the campaign's
imports of scans.

A scan is never overwritten: replacing it adds a version (``DocumentVersion.number`` + 1 under the document's
row lock); the stored file's SHA-256 is unique across the archive, so the same scan cannot enter twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel


class DossierCategory(models.TextChoices):
    NCC = "ncc", _("Hồ sơ người có công")
    TGXH = "tgxh", _("Hồ sơ trợ giúp xã hội")
    OTHER = "other", _("Hồ sơ khác")


class DigitisationStatus(models.TextChoices):
    NOT_DIGITISED = "not_digitised", _("Chưa số hoá")
    SCANNED = "scanned", _("Đã quét")
    OCR_DONE = "ocr_done", _("Đã nhận dạng chữ")
    CHECKED = "checked", _("Đã kiểm tra")


class Dossier(TimeStampedModel):
    number = models.CharField(_("số hồ sơ"), max_length=40, unique=True)
    category = models.CharField(_("loại hồ sơ"), max_length=8, choices=DossierCategory.choices)
    matter = models.CharField(_("nội dung"), max_length=200, help_text=_("Ví dụ: Hưởng trợ cấp thương binh"))
    holder_name = models.CharField(_("họ tên người có hồ sơ"), max_length=120)
    holder_search_key = models.CharField(max_length=120, db_index=True, editable=False)
    person = models.ForeignKey("registry.Person", verbose_name=_("người trong sổ hộ tịch"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="dossiers")
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("tình trạng số hoá"), max_length=14, choices=DigitisationStatus.choices,
                              default=DigitisationStatus.NOT_DIGITISED, db_index=True)
    warehouse = models.CharField(_("kho"), max_length=40, blank=True)
    shelf = models.CharField(_("kệ"), max_length=20, blank=True)
    box = models.CharField(_("hộp"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("người kiểm tra"))
    checked_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ lưu trữ")
        verbose_name_plural = _("hồ sơ lưu trữ")
        ordering = ["number"]
        constraints = [
            # one dossier per person and matter
            models.UniqueConstraint(fields=["person", "category", "matter"], condition=Q(person__isnull=False),
                                    name="dossier_one_per_person_matter"),
            # a checked dossier names its checker, who is never the one who registered it (maker-checker)
            models.CheckConstraint(condition=~Q(status="checked") | Q(checked_by__isnull=False),
                                   name="dossier_checked_has_checker"),
            models.CheckConstraint(condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("created_by")),
                                   name="dossier_checker_not_maker"),
            models.CheckConstraint(condition=~Q(number=""), name="dossier_number_not_empty"),
        ]
        indexes = [models.Index(fields=["commune", "status"], name="dossier_commune_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} – {self.holder_name}"

    @property
    def location(self) -> str:
        parts = [f"kho {self.warehouse}" if self.warehouse else "", f"kệ {self.shelf}" if self.shelf else "",
                 f"hộp {self.box}" if self.box else ""]
        return ", ".join(p for p in parts if p) or "—"


class Borrowing(models.Model):
    """The borrowing log (sổ mượn hồ sơ): who took the paper file out, why, until when, and its return."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="borrowings")
    borrower = models.CharField(_("người mượn"), max_length=120)
    borrower_unit = models.CharField(_("đơn vị"), max_length=200, blank=True)
    purpose = models.CharField(_("mục đích"), max_length=300)
    borrowed_on = models.DateField(_("ngày mượn"))
    due_on = models.DateField(_("hạn trả"))
    returned_on = models.DateField(_("ngày trả"), null=True, blank=True)
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("lượt mượn hồ sơ")
        verbose_name_plural = _("sổ mượn hồ sơ")
        ordering = ["-borrowed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(returned_on__isnull=True),
                                    name="borrowing_one_open_per_dossier"),
            models.CheckConstraint(condition=Q(due_on__gte=F("borrowed_on")), name="borrowing_due_after_borrowed"),
            models.CheckConstraint(condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("borrowed_on")),
                                   name="borrowing_returned_after_borrowed"),
        ]

    def __str__(self) -> str:
        return f"{self.borrower} ({self.borrowed_on:%d/%m/%Y})"

    @property
    def overdue(self) -> bool:
        return self.returned_on is None and self.due_on < timezone.localdate()


class Document(models.Model):
    """One paper document of a dossier (a decision, a certificate, a medical record…); its scans are versions."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.title


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"


class OcrStatus(models.TextChoices):
    PENDING = "pending", _("Chờ nhận dạng")
    RUNNING = "running", _("Đang nhận dạng")
    DONE = "done", _("Đã nhận dạng")
    NO_TEXT = "no_text", _("Không có chữ")
    FAILED = "failed", _("Nhận dạng lỗi")


OCR_FINISHED = (OcrStatus.DONE, OcrStatus.NO_TEXT, OcrStatus.FAILED)


def scan_upload_to(instance: DocumentVersion, filename: str) -> str:
    """dossiers/<yyyy>/<mm>/<random>.<format>: never the user's file name (it may be hostile)."""
    today = timezone.localdate()
    return f"dossiers/{today:%Y/%m}/{uuid.uuid4().hex}.{instance.file_format or 'bin'}"


class DocumentVersion(models.Model):
    """One scan of a document. Never changed once stored (except its OCR state); the newest is the current one."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("lần quét"))
    stored_file = models.FileField(_("tệp"), upload_to=scan_upload_to, max_length=200)
    file_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file_format = models.CharField(_("định dạng"), max_length=5, choices=FileFormat.choices)
    size = models.BigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, unique=True)
    page_count = models.PositiveIntegerField(_("số trang"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    is_current = models.BooleanField(_("bản hiện hành"), default=True)
    ocr_status = models.CharField(_("nhận dạng chữ"), max_length=8, choices=OcrStatus.choices,
                                  default=OcrStatus.PENDING, db_index=True)
    ocr_pages_done = models.PositiveIntegerField(default=0)
    ocr_message = models.CharField(_("kết quả nhận dạng"), max_length=500, blank=True)
    ocr_started_at = models.DateTimeField(null=True, blank=True)
    ocr_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản quét")
        verbose_name_plural = _("bản quét")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documentversion_number_unique"),
            models.UniqueConstraint(fields=["document"], condition=Q(is_current=True),
                                    name="documentversion_one_current"),
            models.CheckConstraint(condition=Q(size__gt=0), name="documentversion_not_empty"),
            models.CheckConstraint(condition=Q(page_count__gt=0), name="documentversion_has_pages"),
            models.CheckConstraint(condition=Q(ocr_pages_done__lte=F("page_count")),
                                   name="documentversion_ocr_progress_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.document} (lần {self.number})"

    @property
    def ocr_percent(self) -> int:
        return 100 if self.ocr_status in OCR_FINISHED else int(100 * self.ocr_pages_done / max(self.page_count, 1))


class DocumentPage(models.Model):
    """The text Tesseract read on one page of a version (NFC as read) and its folded form, which is searched."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="pages")
    # copied from the version and its dossier so that a search filters without joins
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(default=True)
    number = models.PositiveIntegerField(_("trang"))
    text = models.TextField(_("nội dung nhận dạng"), blank=True)
    search_key = models.TextField(blank=True, editable=False)  # core.text.fold(text)
    # PostgreSQL: to_tsvector('simple', search_key), written with the page (GIN index); SQLite leaves it empty
    search_vector = SearchVectorField(null=True, editable=False)
    confidence = models.FloatField(_("độ tin cậy trung bình"), null=True, blank=True)

    class Meta:
        verbose_name = _("trang")
        verbose_name_plural = _("trang")
        ordering = ["version", "number"]
        indexes = [models.Index(fields=["commune", "is_current"], name="documentpage_area_idx")]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="documentpage_number_unique"),
                       models.CheckConstraint(condition=Q(number__gte=1), name="documentpage_number_positive")]

    def __str__(self) -> str:
        return f"{self.version} trang {self.number}"


class ScanImport(ImportRecord):
    """A zip of scans named by dossier number (the digitisation campaign), through the shared import lifecycle."""

    class Meta(ImportRecord.Meta):
        verbose_name = _("lần nhập bản quét")
        verbose_name_plural = _("lần nhập bản quét")
        constraints = [models.UniqueConstraint(fields=["file_sha256"], condition=Q(status="committed"),
                                               name="scanimport_one_committed_per_file")]


class DigitisationTarget(models.Model):
    """How many dossiers a unit (the province, a former district or a commune) has to digitise (200.000 for the
    department's NCC files, as the notice says)."""

    unit = models.OneToOneField("geo.AdminUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                                related_name="+")
    target = models.PositiveIntegerField(_("chỉ tiêu số hoá"))

    class Meta:
        verbose_name = _("chỉ tiêu số hoá")
        verbose_name_plural = _("chỉ tiêu số hoá")
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="digitisationtarget_positive")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.target}"
