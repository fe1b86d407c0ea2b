"""Matching runs, candidate pairs, decisions and merges (the Django side of ``ansinh.matching``).

The registry's ``Person`` is not edited: a merged person is kept and marked by an active
``PersonMerge`` (``undone_at`` empty), which records every row it moved so undo is exact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel


class MatchingSettings(models.Model):
    """The province's matching settings: one row (pk=1)."""

    auto_merge_enabled = models.BooleanField(_("cho phép tự động gộp"), default=False)
    auto_merge_threshold = models.FloatField(_("ngưỡng tự động gộp"), default=0.999)
    review_threshold = models.FloatField(_("ngưỡng đưa vào xem xét"), default=0.8)  # F1 0,97 at 1,3M (docs/matching.md)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("người cập nhật"))

    class Meta:
        verbose_name = _("cài đặt ghép trùng")
        verbose_name_plural = _("cài đặt ghép trùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_threshold__gt=0) & Q(review_threshold__lte=F("auto_merge_threshold"))
                & Q(auto_merge_threshold__lt=1),
                name="matchingsettings_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Ngưỡng {self.review_threshold} / {self.auto_merge_threshold}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ chạy")
    RUNNING = "running", _("Đang chạy")
    FINISHED = "finished", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class MatchRun(TimeStampedModel):
    """One matching run over the whole registry."""

    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người chạy"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)  # percent
    stage = models.CharField(_("bước"), max_length=200, blank=True)
    review_threshold = models.FloatField(_("ngưỡng xem xét"))
    auto_merge_threshold = models.FloatField(_("ngưỡng tự động gộp"))
    auto_merge_enabled = models.BooleanField(_("tự động gộp"), default=False)
    records = models.PositiveIntegerField(_("số nhân khẩu"), default=0)
    pairs_total = models.PositiveIntegerField(_("số cặp nghi trùng"), default=0)
    pairs_auto = models.PositiveIntegerField(_("cặp trên ngưỡng tự động"), default=0)
    pairs_review = models.PositiveIntegerField(_("cặp cần xem xét"), default=0)
    pairs_known = models.PositiveIntegerField(_("cặp đã quyết định trước"), default=0)
    pairs_queued = models.PositiveIntegerField(_("cặp đã có trong danh sách chờ"), default=0)
    model_source = models.CharField(_("mô hình đã dùng"), max_length=200, blank=True)
    auto_merged = models.PositiveIntegerField(_("cặp đã tự động gộp"), default=0)
    seconds = models.FloatField(_("thời gian chạy (giây)"), default=0)
    model = models.JSONField(_("mô hình"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)

    class Meta:
        verbose_name = _("lần chạy ghép trùng")
        verbose_name_plural = _("các lần chạy ghép trùng")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="matchrun_progress_percent")]

    def __str__(self) -> str:
        return f"Lần chạy #{self.pk} ({self.get_status_display()})"


class Band(models.TextChoices):
    AUTO = "auto", _("Trên ngưỡng tự động gộp")
    REVIEW = "review", _("Cần xem xét")


class PairStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    MERGED = "merged", _("Cùng một người (đã gộp)")
    DIFFERENT = "different", _("Hai người khác nhau")
    SUPERSEDED = "superseded", _("Thay bằng lần chạy sau")


class CandidatePair(models.Model):
    """Two registry people the model thinks may be one; ``person_low`` has the smaller id."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("lần chạy"))
    person_low = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("nhân khẩu thứ nhất"))
    person_high = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("nhân khẩu thứ hai"))
    probability = models.FloatField(_("xác suất trùng"))
    match_weight = models.FloatField(_("trọng số"))
    evidence = models.JSONField(_("bằng chứng theo trường"), default=list, blank=True)
    band = models.CharField(_("mức"), max_length=6, choices=Band.choices)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("người quyết định"))
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("cặp nghi trùng")
        verbose_name_plural = _("các cặp nghi trùng")
        constraints = [
            models.UniqueConstraint(fields=["run", "person_low", "person_high"], name="candidatepair_run_pair_uniq"),
            # a re-run stores only new pairs: one pair of people waits in the queue at most once
            models.UniqueConstraint(fields=["person_low", "person_high"], condition=Q(status="pending"),
                                    name="candidatepair_one_pending_per_pair"),
            models.CheckConstraint(condition=Q(person_low__lt=F("person_high")), name="candidatepair_low_lt_high"),
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=1),
                                   name="candidatepair_probability_range"),
        ]
        indexes = [
            models.Index(fields=["status", "-probability"], name="candidatepair_queue_idx"),
            models.Index(fields=["person_low", "person_high"], name="candidatepair_persons_idx"),
            models.Index(fields=["person_high"], name="candidatepair_high_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.person_low_id} ~ #{self.person_high_id} ({self.probability:.3f})"


class NonMatch(models.Model):
    """"Different people", remembered for the unordered pair: never proposed again."""

    person_low = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("nhân khẩu thứ nhất"))
    person_high = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("nhân khẩu thứ hai"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người quyết định"))
    decided_at = models.DateTimeField(_("quyết định lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("cặp khác người")
        verbose_name_plural = _("các cặp khác người")
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="nonmatch_pair_uniq"),
            models.CheckConstraint(condition=Q(person_low__lt=F("person_high")), name="nonmatch_low_lt_high"),
        ]

    def __str__(self) -> str:
        return f"#{self.person_low_id} ≠ #{self.person_high_id}"


class PersonMerge(models.Model):
    """``merged`` was found to be ``kept``: what moved (to undo it exactly) and who did it."""

    kept = models.ForeignKey("registry.Person", verbose_name=_("bản ghi giữ lại"), on_delete=models.PROTECT,
                             related_name="+")
    merged = models.ForeignKey("registry.Person", verbose_name=_("bản ghi được gộp"), on_delete=models.PROTECT,
                               related_name="+")
    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges",
                             verbose_name=_("cặp nghi trùng"))
    automatic = models.BooleanField(_("tự động"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("người gộp"))
    merged_at = models.DateTimeField(_("gộp lúc"), auto_now_add=True)
    # [{"model": "programmes.enrolment", "pk": 5, "field": "person", "old": 12}, ...] in the order applied
    moved = models.JSONField(_("các dòng đã chuyển"), default=list, blank=True)
    # {"kept": {"pid": [old, new], ...}, "merged": {"pid": [old, new], ...}}: person fields changed
    person_fields = models.JSONField(_("thông tin nhân khẩu trước khi gộp"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("hoàn tác lúc"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("người hoàn tác"))

    class Meta:
        verbose_name = _("lần gộp nhân khẩu")
        verbose_name_plural = _("các lần gộp nhân khẩu")
        ordering = ["-merged_at", "-id"]
        constraints = [
            # a person is merged into at most one other at a time (a concurrent second merge fails here)
            models.UniqueConstraint(fields=["merged"], condition=Q(undone_at__isnull=True),
                                    name="personmerge_one_active_per_person"),
            models.CheckConstraint(condition=~Q(kept=F("merged")), name="personmerge_not_self"),
        ]

    def __str__(self) -> str:
        return f"#{self.merged_id} → #{self.kept_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


def match_output_to(instance: FileMatch, filename: str) -> str:
    import uuid

    from django.utils import timezone

    return f"imports/matching_filematch/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}_ket_qua.{instance.output_kind}"


class FileMatch(ImportRecord):
    """An uploaded list matched within itself (and optionally against the registry), through the shared import
    lifecycle: checked, then «committed» = matched, the result file kept for download."""

    against_registry = models.BooleanField(_("so với CSDL"), default=False)
    output_kind = models.CharField(_("loại tệp kết quả"), max_length=4, default="xlsx")
    output_file = models.FileField(_("tệp kết quả"), upload_to=match_output_to, max_length=300, blank=True)

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp ghép trùng")
        verbose_name_plural = _("các tệp ghép trùng")
