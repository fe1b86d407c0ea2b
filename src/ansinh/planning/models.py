"""The department's management cycle as data: the organisation (units, their parents and fields of work, each with
validity dates), indicators and their versioned targets, achievements per period and unit, the units' periodic
reports (on the shared workflow engine), tasks (framework tasks and the tasks of a conclusion), conclusions and the
outgoing-document register with its numbers. Nothing here knows the 2020 or the 2025 organisation: both are rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import ImportRecord, TimeStampedModel, WorkflowEventBase


def _valid_on(prefix: str, day: dt.date) -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (Q(**{f"{prefix}valid_to__isnull": True})
                                                      | Q(**{f"{prefix}valid_to__gte": day}))


# ---------------------------------------------------------------- organisation

class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở")
    OFFICE = "office", _("Phòng chuyên môn, Văn phòng, Thanh tra Sở")
    ATTACHED = "attached", _("Đơn vị sự nghiệp trực thuộc")
    DISTRICT_OFFICE = "district_office", _("Phòng LĐ-TBXH cấp huyện")
    COMMUNE = "commune", _("UBND cấp xã")
    OTHER_DEPARTMENT = "other_department", _("Sở, ngành khác của tỉnh")
    PROVINCE = "province", _("UBND tỉnh")


class OrgUnit(TimeStampedModel):
    """An office, unit or authority, valid between two dates. A unit that is merged or renamed ends; its successor is
    a new unit (``successor``), so that the figures of a period keep the unit they were reported by."""

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=40, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    admin_unit = models.ForeignKey("geo.AdminUnit", verbose_name=_("địa bàn"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    head_name = models.CharField(_("người đứng đầu"), max_length=120, blank=True)
    head_title = models.CharField(_("chức vụ người đứng đầu"), max_length=120, blank=True)
    successor = models.ForeignKey("self", verbose_name=_("đơn vị kế thừa"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="predecessors")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    legal_basis = models.CharField(_("căn cứ thành lập / giải thể"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="planning_orgunit_dates"),
            models.CheckConstraint(condition=~Q(successor=F("id")), name="planning_orgunit_not_own_successor"),
        ]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def valid_in_year(self, year: int) -> bool:
        return self.valid_from <= dt.date(year, 12, 31) and (self.valid_to is None or self.valid_to >= dt.date(year, 1, 1))


class OrgLink(models.Model):
    """``child`` is under ``parent`` between two dates (the hierarchy that roll-ups follow on a period's date)."""

    child = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="parent_links")
    parent = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị cấp trên"), on_delete=models.PROTECT,
                               related_name="child_links")
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quan hệ cấp trên – cấp dưới")
        verbose_name_plural = _("quan hệ cấp trên – cấp dưới")
        constraints = [
            models.CheckConstraint(condition=~Q(child=F("parent")), name="planning_orglink_not_self"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="planning_orglink_dates"),
            models.UniqueConstraint(fields=["child", "valid_from"], name="planning_orglink_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.child} ⊂ {self.parent} ({self.valid_from:%d/%m/%Y}–{self.valid_to or ''})"


class WorkField(models.TextChoices):
    LABOUR = "labour", _("Lao động – Việc làm")
    VOCATIONAL = "vocational", _("Giáo dục nghề nghiệp")
    MERIT = "merit", _("Người có công")
    SOCIAL_PROTECTION = "social_protection", _("Bảo trợ xã hội")
    POVERTY = "poverty", _("Giảm nghèo")
    CHILDREN = "children", _("Trẻ em")
    GENDER = "gender", _("Bình đẳng giới")
    SOCIAL_EVILS = "social_evils", _("Phòng, chống tệ nạn xã hội")
    INSPECTION = "inspection", _("Thanh tra")
    PLANNING_FINANCE = "planning_finance", _("Kế hoạch – Tài chính")
    ADMINISTRATION = "administration", _("Tổ chức, hành chính, tổng hợp")


class Responsibility(models.Model):
    """Which unit holds a field of work between two dates (the 2025 reorganisation moves fields, as rows)."""

    field = models.CharField(_("lĩnh vực"), max_length=20, choices=WorkField.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị phụ trách"), on_delete=models.PROTECT,
                             related_name="responsibilities")
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực phụ trách")
        verbose_name_plural = _("lĩnh vực phụ trách")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="planning_responsibility_dates"),
            models.UniqueConstraint(fields=["field", "unit", "valid_from"], name="planning_responsibility_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.unit}"


# ---------------------------------------------------------------- indicators, targets, achievements

class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng")
    AVERAGE = "average", _("Bình quân")
    LAST = "last", _("Giá trị cuối kỳ")


class Source(models.TextChoices):
    REPORTED = "reported", _("Đơn vị báo cáo")
    IMPORTED = "imported", _("Nhập từ tệp Excel")
    COMPUTED = "computed", _("Tính từ dữ liệu của hệ thống")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("Làm tròn (từ 5 trở lên làm tròn lên)")
    DOWN = "down", _("Cắt bỏ phần lẻ sau 2 chữ số thập phân")


class Indicator(TimeStampedModel):
    code = models.SlugField(_("mã chỉ tiêu"), max_length=60, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    measure_unit = models.CharField(_("đơn vị tính"), max_length=40)
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=WorkField.choices)
    aggregation = models.CharField(_("cách cộng dồn"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    source = models.CharField(_("nguồn số liệu"), max_length=10, choices=Source.choices, default=Source.REPORTED)
    query = models.CharField(_("truy vấn tính"), max_length=60, blank=True,
                             help_text=_("Tên truy vấn trong planning.queries (chỉ tiêu tính từ dữ liệu)"))
    breakdowns = models.JSONField(_("phân tổ"), default=list, blank=True)  # ["sex", "commune"]
    percent_rounding = models.CharField(_("cách làm tròn tỷ lệ % kế hoạch"), max_length=10, choices=Rounding.choices,
                                        default=Rounding.HALF_UP)
    description = models.TextField(_("định nghĩa"), blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["field", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(source="computed", query__gt="") | (~Q(source="computed") & Q(query="")),
                                   name="planning_indicator_query_iff_computed"),
        ]

    def __str__(self) -> str:
        return self.name


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    NINE_MONTHS = "nine", _("9 tháng")
    YEAR = "year", _("Năm")


class ReportingPeriod(models.Model):
    """A reporting period with its data window (NĐ 09/2019: the 6-month report's data run 15/12 of the previous year
    to 14/6) and the day it opens for reporting. Deadlines are on the obligations (parameters), not here."""

    code = models.CharField(_("mã kỳ"), max_length=12, unique=True)  # 2020-H1, 2020-Q3, 2020-06, 2020
    kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    start = models.DateField(_("số liệu từ ngày"))
    end = models.DateField(_("số liệu đến ngày"))
    opens_on = models.DateField(_("mở nhận báo cáo từ ngày"))
    label = models.CharField(_("tên kỳ"), max_length=80)

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["start", "kind"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="planning_period_dates")]

    def __str__(self) -> str:
        return self.label


class Target(models.Model):
    """A target of an indicator for a unit and a year. Adjusting it adds a version; the original stays."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="targets")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("kế hoạch"), max_digits=20, decimal_places=2)
    version = models.PositiveSmallIntegerField(_("lần giao"), default=1)
    is_current = models.BooleanField(_("đang áp dụng"), default=True)
    supersedes = models.OneToOneField("self", verbose_name=_("thay cho"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    reason = models.CharField(_("căn cứ / lý do"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người giao"), on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(_("giao lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch (chỉ tiêu giao)")
        verbose_name_plural = _("kế hoạch (chỉ tiêu giao)")
        ordering = ["indicator", "unit", "year", "version"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="planning_target_not_negative"),
            models.CheckConstraint(condition=Q(version__gte=1), name="planning_target_version_positive"),
            models.UniqueConstraint(fields=["indicator", "unit", "year", "version"], name="planning_target_version"),
            models.UniqueConstraint(fields=["indicator", "unit", "year"], condition=Q(is_current=True),
                                    name="planning_target_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit} {self.year}: {self.value} (lần {self.version})"


class Achievement(models.Model):
    """The figure of an indicator for a unit and a period (``breakdown`` empty: the total; ``sex:F``,
    ``commune:<id>``: a disaggregation), with where it came from."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="achievements")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="achievements")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ"), on_delete=models.PROTECT,
                               related_name="achievements")
    breakdown = models.CharField(_("phân tổ"), max_length=40, blank=True, default="")
    value = models.DecimalField(_("thực hiện"), max_digits=20, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    report = models.ForeignKey("UnitReport", verbose_name=_("báo cáo"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="achievements")
    import_record = models.ForeignKey("AchievementImport", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="achievements")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="planning_achievement_not_negative"),
            models.UniqueConstraint(fields=["indicator", "unit", "period", "breakdown"],
                                    name="planning_achievement_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit} {self.period}: {self.value}"


class AchievementImport(ImportRecord):
    """An Excel/CSV file of achievements (indicator code, unit code, period, value) through ``core.imports``."""

    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="+")

    class Meta(ImportRecord.Meta):
        verbose_name = _("tệp kết quả thực hiện")
        verbose_name_plural = _("tệp kết quả thực hiện")
        constraints = [models.UniqueConstraint(fields=["file_sha256", "period"], condition=Q(status="committed"),
                                               name="planning_achievement_import_once")]


# ---------------------------------------------------------------- unit reports

class ReportForm(models.Model):
    code = models.SlugField(_("mã biểu"), max_length=40, unique=True)
    name = models.CharField(_("tên báo cáo"), max_length=200)
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=8, choices=PeriodKind.choices)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("chỉ tiêu"), related_name="forms")

    class Meta:
        verbose_name = _("biểu báo cáo")
        verbose_name_plural = _("biểu báo cáo")

    def __str__(self) -> str:
        return self.name


class ReportObligation(models.Model):
    """A unit must send a form each period, ``due_days`` days after the period's data window ends (a parameter)."""

    form = models.ForeignKey(ReportForm, verbose_name=_("biểu"), on_delete=models.PROTECT, related_name="obligations")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT,
                             related_name="obligations")
    due_days = models.PositiveSmallIntegerField(_("hạn gửi (số ngày sau ngày chốt số liệu)"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "valid_from"], name="planning_obligation_one_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="planning_obligation_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.form} – {self.unit}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã gửi, chờ chấp nhận")
    ACCEPTED = "accepted", _("Đã chấp nhận (khoá số liệu)")
    RETURNED = "returned", _("Bị trả lại")


class ReportStep(models.TextChoices):
    OPEN = "open", _("Lập báo cáo")
    ENTER = "enter", _("Nhập số liệu")
    SUBMIT = "submit", _("Gửi báo cáo")
    ACCEPT = "accept", _("Chấp nhận")
    RETURN = "return", _("Trả lại")
    REOPEN = "reopen", _("Mở khoá")


class UnitReport(TimeStampedModel):
    form = models.ForeignKey(ReportForm, verbose_name=_("biểu"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ"), on_delete=models.PROTECT,
                               related_name="reports")
    status = models.CharField(_("trạng thái"), max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    due_date = models.DateField(_("hạn gửi"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    accepted_at = models.DateTimeField(_("chấp nhận lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại / mở khoá"), blank=True)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["period", "unit__order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "period"], name="planning_report_one_per_period"),
            models.CheckConstraint(condition=Q(accepted_by__isnull=True) | ~Q(accepted_by=F("submitted_by")),
                                   name="planning_report_acceptor_not_submitter"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(accepted_by__isnull=False),
                                   name="planning_report_accepted_has_acceptor"),
        ]

    def __str__(self) -> str:
        return f"{self.form.name} – {self.unit.name} – {self.period.label}"


class ReportEvent(WorkflowEventBase):
    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=ReportStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý báo cáo")
        verbose_name_plural = _("bước xử lý báo cáo")


# ---------------------------------------------------------------- tasks

class TaskKind(models.TextChoices):
    FRAMEWORK = "framework", _("Nhiệm vụ khung")
    CONCLUSION = "conclusion", _("Nhiệm vụ theo kết luận")


class TaskStatus(models.TextChoices):
    """QĐ 42/2014/QĐ-TTg (sửa đổi bởi QĐ 23/2018/QĐ-TTg): the four states of a task on a given day."""
    DONE_ON_TIME = "done_on_time", _("Đã hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Đã hoàn thành quá hạn")
    OPEN_IN_TIME = "open_in_time", _("Chưa hoàn thành, trong hạn")
    OPEN_OVERDUE = "open_overdue", _("Chưa hoàn thành, quá hạn")


class Task(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("năm"))
    code = models.CharField(_("số hiệu"), max_length=30)
    kind = models.CharField(_("loại"), max_length=12, choices=TaskKind.choices)
    title = models.TextField(_("nội dung nhiệm vụ"))
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=WorkField.choices, blank=True)
    owner = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT,
                              related_name="tasks")
    co_units = models.ManyToManyField(OrgUnit, verbose_name=_("đơn vị phối hợp"), blank=True,
                                      related_name="co_tasks")
    assigned_on = models.DateField(_("ngày giao"))
    deadline = models.DateField(_("hạn hoàn thành"))
    product = models.CharField(_("sản phẩm"), max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    conclusion_item = models.ForeignKey("ConclusionItem", verbose_name=_("theo kết luận"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="planning_task_code"),
            models.CheckConstraint(condition=Q(deadline__gte=F("assigned_on")), name="planning_task_deadline"),
            models.CheckConstraint(condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("assigned_on")),
                                   name="planning_task_completed_after_assigned"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="planning_task_progress"),
            models.CheckConstraint(condition=Q(completed_on__isnull=True) | Q(progress=100),
                                   name="planning_task_completed_is_100"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title[:80]}"

    def status_on(self, day: dt.date) -> str:
        if self.completed_on is not None and self.completed_on <= day:
            return TaskStatus.DONE_ON_TIME if self.completed_on <= self.deadline else TaskStatus.DONE_LATE
        return TaskStatus.OPEN_IN_TIME if day <= self.deadline else TaskStatus.OPEN_OVERDUE


class TaskDeadlineChange(models.Model):
    """A change of a task's deadline (gia hạn, điều chỉnh thời hạn) with its reason. ``Task.deadline`` is the deadline
    in force (the QĐ 42 status is judged against it); the first change's ``previous`` is the original deadline."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_changes")
    previous = models.DateField(_("hạn trước khi điều chỉnh"))
    deadline = models.DateField(_("hạn mới"))
    reason = models.CharField(_("lý do, căn cứ điều chỉnh"), max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người điều chỉnh"),
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("điều chỉnh lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh hạn nhiệm vụ")
        verbose_name_plural = _("điều chỉnh hạn nhiệm vụ")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(deadline=F("previous")), name="planning_deadline_change_differs"),
            models.CheckConstraint(condition=~Q(reason=""), name="planning_deadline_change_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code}: {self.previous:%d/%m/%Y} → {self.deadline:%d/%m/%Y}"


class TaskNote(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("ngày"))
    text = models.TextField(_("nội dung"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    attachment = models.FileField(_("tệp kèm theo"), upload_to="planning/tasks/%Y/", blank=True, max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="planning_tasknote_progress")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.on:%d/%m/%Y}: {self.progress}%"


# ---------------------------------------------------------------- conclusions and official documents

class DocType(models.TextChoices):
    """NĐ 30/2020/NĐ-CP, Phụ lục III (the abbreviations are the codes)."""
    TB = "TB", _("Thông báo")
    BC = "BC", _("Báo cáo")
    KH = "KH", _("Kế hoạch")
    CTR = "CTr", _("Chương trình")
    QD = "QĐ", _("Quyết định")
    TTR = "TTr", _("Tờ trình")
    CV = "CV", _("Công văn")


class NumberSeries(models.Model):
    """The register's counter for one issuing body, type and year. ``opening`` is the last number already used on
    paper when the register starts in the system mid-year (the first number it gives is ``opening + 1``)."""

    issuer = models.CharField(_("cơ quan ban hành (ký hiệu)"), max_length=30)
    doc_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocType.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    opening = models.PositiveIntegerField(_("số cuối đã cấp trước khi dùng hệ thống"), default=0)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "year"], name="planning_series_one"),
            models.CheckConstraint(condition=Q(last_number__gte=F("opening")), name="planning_series_last_ge_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}-{self.issuer} {self.year}"


class DocumentKind(models.TextChoices):
    CONCLUSION = "conclusion", _("Thông báo kết luận")
    SEMIANNUAL = "semiannual", _("Báo cáo sơ kết 6 tháng")
    OTHER = "other", _("Văn bản khác")


class OutgoingDocument(TimeStampedModel):
    """One entry of the outgoing-document register (sổ văn bản đi) and, when ansinh wrote it, its files and the
    figures it quotes (name, text, value, query) — each traceable to the query that computed it."""

    issuer = models.CharField(_("cơ quan ban hành (ký hiệu)"), max_length=30)
    doc_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocType.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("số và ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    kind = models.CharField(_("loại"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    summary = models.CharField(_("trích yếu"), max_length=500)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    drafting_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị soạn thảo"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    docx = models.FileField(_("tệp .docx"), upload_to="planning/documents/%Y/", blank=True, max_length=300)
    pdf = models.FileField(_("tệp .pdf"), upload_to="planning/documents/%Y/", blank=True, max_length=300)
    figures = models.JSONField(_("số liệu trích dẫn"), default=list, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-year", "doc_type", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "year", "number"], name="planning_document_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planning_document_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} – {self.summary[:80]}"


class Conclusion(TimeStampedModel):
    """A meeting's conclusion notice being composed section by section; once issued it is linked to its register
    entry and its tasks stay linked to its items."""

    title = models.CharField(_("trích yếu"), max_length=500)
    meeting_date = models.DateField(_("ngày họp"))
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.PROTECT,
                               related_name="+")
    opening = models.TextField(_("phần mở đầu"), blank=True)
    closing = models.TextField(_("phần kết"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, default="CHÁNH VĂN PHÒNG")
    authority = models.CharField(_("thẩm quyền ký"), max_length=40, default="TL. GIÁM ĐỐC")
    recipients = models.JSONField(_("nơi nhận"), default=list)
    document = models.OneToOneField(OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="conclusion")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("thông báo kết luận")
        verbose_name_plural = _("thông báo kết luận")

    def __str__(self) -> str:
        return self.title


class Section(models.TextChoices):
    ASSESSMENT = "assessment", _("Đánh giá chung")
    KEY = "key", _("I. Nhiệm vụ trọng tâm")
    FIELD = "field", _("II. Nhiệm vụ cụ thể")


class ConclusionItem(models.Model):
    """One paragraph or bullet. ``text`` may quote figures as ``[[name]]`` (planning.figures), filled in from the
    database when the document is written."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("phần"), max_length=12, choices=Section.choices)
    heading = models.CharField(_("tiểu mục"), max_length=200, blank=True)  # "1. Lĩnh vực Lao động - Việc làm"
    numbered = models.BooleanField(_("đánh số"), default=False)
    order = models.PositiveIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung"))
    units = models.ManyToManyField(OrgUnit, verbose_name=_("đơn vị thực hiện"), blank=True, related_name="+")

    class Meta:
        ordering = ["conclusion", "order"]
        constraints = [models.UniqueConstraint(fields=["conclusion", "order"], name="planning_item_order")]

    def __str__(self) -> str:
        return self.text[:80]


class IssuerLevel(models.TextChoices):
    CENTRAL = "central", _("Trung ương (Quốc hội, Chính phủ, Thủ tướng, bộ, ngành)")
    PROVINCE = "province", _("Tỉnh (Tỉnh uỷ, HĐND, UBND tỉnh)")
    OTHER = "other", _("Cơ quan, đơn vị khác")


class IncomingDocument(TimeStampedModel):
    """One entry of the incoming-document register (sổ văn bản đến, NĐ 30/2020 Điều 22): numbered per year in the
    order received. It is what the report counts as «triển khai 119 văn bản trung ương» (the central documents
    received in the period) and «tham mưu UBND tỉnh ban hành 71 văn bản» (the province's documents issued in the
    period on the department's advice)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    seq = models.PositiveIntegerField(_("số đến"))
    received_on = models.DateField(_("ngày đến"))
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200)
    level = models.CharField(_("cấp ban hành"), max_length=10, choices=IssuerLevel.choices)
    symbol = models.CharField(_("số và ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    summary = models.CharField(_("trích yếu"), max_length=500)
    advised = models.BooleanField(_("Sở tham mưu ban hành"), default=False)
    handling_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị xử lý"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="planning_incoming_seq"),
            models.UniqueConstraint(fields=["issuer_name", "symbol", "issued_on"], name="planning_incoming_once"),
            models.CheckConstraint(condition=Q(issued_on__lte=F("received_on")),
                                   name="planning_incoming_issued_before_received"),
            models.CheckConstraint(condition=Q(advised=False) | Q(level="province"),
                                   name="planning_incoming_advised_by_province"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} – {self.summary[:80]}"
