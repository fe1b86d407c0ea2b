"""Reads of the plan, scoped by the user's area: a unit outside it (and its reports, tasks) is a 404. The roll-up
follows the hierarchy valid on the period's last day; a figure comes with where it came from (provenance)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ansinh.accounts.permissions import area_commune_ids, user_sees_whole_province
from ansinh.planning import queries
from ansinh.planning.checks import percent
from ansinh.planning.models import (
    Achievement,
    Aggregation,
    Conclusion,
    ConclusionItem,
    IncomingDocument,
    Indicator,
    IssuerLevel,
    OrgLink,
    OrgUnit,
    OutgoingDocument,
    ReportForm,
    ReportingPeriod,
    ReportObligation,
    ReportStatus,
    Section,
    Source,
    Target,
    Task,
    TaskKind,
    TaskStatus,
    UnitReport,
    _valid_on,
)
from ansinh.planning.permissions import can_read

NOT_FOUND = "Không tìm thấy (hoặc nằm ngoài địa bàn của bạn)."


def _get(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(NOT_FOUND)
    return obj


# ---------------------------------------------------------------- organisation

def units_for_user(*, user) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.select_related("admin_unit")
    if not can_read(user):
        return units.none()
    if user_sees_whole_province(user):
        return units
    return units.filter(Q(admin_unit_id=user.area_id) | Q(admin_unit_id__in=area_commune_ids(user)))


def unit_get(*, user, pk: int) -> OrgUnit:
    return _get(units_for_user(user=user), pk)


def units_valid_on(day: dt.date) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(_valid_on("", day))


def children_on(unit: OrgUnit, day: dt.date) -> list[OrgUnit]:
    links = (OrgLink.objects.filter(_valid_on("", day), parent=unit).filter(_valid_on("child__", day))
             .select_related("child").order_by("child__order", "child__name"))
    return [link.child for link in links]


def parent_on(unit: OrgUnit, day: dt.date) -> OrgUnit | None:
    link = OrgLink.objects.filter(_valid_on("", day), child=unit).select_related("parent").first()
    return link.parent if link else None


def tree_on(day: dt.date) -> list[tuple[int, OrgUnit]]:
    """(depth, unit) of every unit valid on ``day``, parents before children (roots: no parent on that day)."""
    links = list(OrgLink.objects.filter(_valid_on("", day)).values_list("parent_id", "child_id"))
    units = {u.pk: u for u in units_valid_on(day).select_related("admin_unit")}
    kids: dict[int, list[int]] = {}
    has_parent = set()
    for parent, child in links:
        if parent in units and child in units:
            kids.setdefault(parent, []).append(child)
            has_parent.add(child)
    out: list[tuple[int, OrgUnit]] = []

    def walk(pk: int, depth: int) -> None:
        out.append((depth, units[pk]))
        for child in sorted(kids.get(pk, []), key=lambda c: (units[c].order, units[c].name)):
            walk(child, depth + 1)

    for pk in sorted((pk for pk in units if pk not in has_parent), key=lambda p: (units[p].order, units[p].name)):
        walk(pk, 0)
    return out


def responsibilities_on(day: dt.date):
    from ansinh.planning.models import Responsibility

    return Responsibility.objects.filter(_valid_on("", day)).select_related("unit").order_by("field")


def department_on(day: dt.date) -> OrgUnit | None:
    """The department (kind «Sở») valid on ``day`` that has no parent of its own kind: the plan's root."""
    from ansinh.planning.models import UnitKind

    return units_valid_on(day).filter(kind=UnitKind.DEPARTMENT).order_by("order", "pk").first()


# ---------------------------------------------------------------- indicators, forms, obligations

def indicators_for_user(*, user) -> QuerySet[Indicator]:
    """The indicators are the department's: every reader sees all of them."""
    return Indicator.objects.order_by("field", "code") if can_read(user) else Indicator.objects.none()


def indicator_get(*, user, pk: int) -> Indicator:
    return _get(indicators_for_user(user=user), pk)


def forms_for_user(*, user) -> QuerySet[ReportForm]:
    return ReportForm.objects.order_by("code").prefetch_related("indicators") if can_read(user) \
        else ReportForm.objects.none()


def form_get(*, user, pk: int) -> ReportForm:
    return _get(forms_for_user(user=user), pk)


def obligations_for_user(*, user) -> QuerySet[ReportObligation]:
    """The obligations of the units the user covers."""
    return ReportObligation.objects.filter(unit__in=units_for_user(user=user)).select_related("form", "unit") \
        .order_by("form__code", "unit__order", "unit__name", "valid_from")


def obligation_get(*, user, pk: int) -> ReportObligation:
    return _get(obligations_for_user(user=user), pk)


# ---------------------------------------------------------------- targets and achievements

def targets_for_user(*, user, year: int | None = None, current: bool = True) -> QuerySet[Target]:
    """Targets of the units the user covers (``current``: the version in force of each)."""
    qs = Target.objects.filter(unit__in=units_for_user(user=user)).select_related("indicator", "unit", "set_by")
    if year:
        qs = qs.filter(year=year)
    if current:
        qs = qs.filter(is_current=True)
    return qs.order_by("-year", "indicator__field", "indicator__code", "unit__order", "unit__name")


def target_get(*, user, pk: int) -> Target:
    return _get(targets_for_user(user=user, current=False), pk)


def current_target(*, indicator: Indicator, unit: OrgUnit, year: int) -> Target | None:
    return Target.objects.filter(indicator=indicator, unit=unit, year=year, is_current=True).first()


def target_history(*, indicator: Indicator, unit: OrgUnit, year: int) -> QuerySet[Target]:
    return Target.objects.filter(indicator=indicator, unit=unit, year=year).select_related("set_by").order_by("version")


@dataclass
class Figure:
    """A value and where it came from: the query (computed), the reports or files of the units (reported,
    imported), and the units it was rolled up from."""
    value: Decimal | None
    source: str
    query: str = ""
    units: list[str] = field(default_factory=list)

    @property
    def provenance(self) -> str:
        if self.source == Source.COMPUTED:
            return f"truy vấn {self.query}"
        if self.units:
            return "cộng dồn báo cáo của " + ", ".join(self.units[:6]) + ("…" if len(self.units) > 6 else "")
        return "số liệu của đơn vị"


def _aggregate(values: list[Decimal], how: str) -> Decimal | None:
    if not values:
        return None
    if how == Aggregation.AVERAGE:
        return (sum(values) / len(values)).quantize(Decimal("0.01"))
    if how == Aggregation.LAST:
        return values[-1]
    return sum(values)


def achievement(*, indicator: Indicator, unit: OrgUnit | None, period: ReportingPeriod, breakdown: str = "") -> Figure:
    """The figure of ``indicator`` for ``unit`` (None: the department) in ``period``: computed by its named query over
    the unit's area, or the unit's own row, or else the aggregate of its children (the hierarchy on the period's
    last day), recursively."""
    if indicator.source == Source.COMPUTED:
        area = unit.admin_unit if unit is not None else None
        value = queries.run(indicator.query, start=period.start, end=period.end, year=period.year, area=area)
        return Figure(None if value is None else Decimal(value), Source.COMPUTED, query=indicator.query)
    if unit is None:
        unit = department_on(period.end)
        if unit is None:
            return Figure(None, indicator.source)
    own = Achievement.objects.filter(indicator=indicator, unit=unit, period=period, breakdown=breakdown).first()
    if own is not None:
        return Figure(own.value, own.source, units=[unit.name])
    parts = [achievement(indicator=indicator, unit=child, period=period, breakdown=breakdown)
             for child in children_on(unit, period.end)]
    values = [p.value for p in parts if p.value is not None]
    names = [n for p in parts if p.value is not None for n in p.units]
    return Figure(_aggregate(values, indicator.aggregation), indicator.source, units=names)


@dataclass
class PlanRow:
    indicator: Indicator
    target: Target | None
    figure: Figure

    @property
    def percent(self) -> Decimal | None:
        if self.target is None or self.figure.value is None:
            return None
        return percent(self.figure.value, self.target.value, rounding=self.indicator.percent_rounding)


def plan_rows(*, period: ReportingPeriod, unit: OrgUnit | None = None) -> list[PlanRow]:
    """Every active indicator with a target for the unit (the department when None) in the period's year."""
    root = unit or department_on(period.end)
    rows = []
    targets = {t.indicator_id: t for t in Target.objects.filter(unit=root, year=period.year, is_current=True)} \
        if root else {}
    for ind in Indicator.objects.filter(active=True).order_by("field", "code"):
        target = targets.get(ind.pk)
        if target is None and unit is not None:
            continue
        rows.append(PlanRow(indicator=ind, target=target, figure=achievement(indicator=ind, unit=unit, period=period)))
    return rows


def periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.order_by("-start")


def period_by_code(code: str) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(code=code).first()


# ---------------------------------------------------------------- unit reports

def reports_for_user(*, user, period: ReportingPeriod | None = None, status: str = "") -> QuerySet[UnitReport]:
    qs = UnitReport.objects.select_related("unit", "period", "form", "submitted_by", "accepted_by") \
        .filter(unit__in=units_for_user(user=user))
    if period is not None:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("period__start", "unit__order", "unit__name")


def report_get(*, user, pk: int) -> UnitReport:
    return _get(reports_for_user(user=user), pk)


def report_values(report: UnitReport) -> list[tuple[Indicator, Decimal | None]]:
    """The report's figures: its own rows, or for a unit with units below it the roll-up of theirs."""
    rows = {a.indicator_id: a.value for a in Achievement.objects.filter(report=report, breakdown="")}
    consolidated = bool(children_on(report.unit, report.period.end))
    return [(ind, achievement(indicator=ind, unit=report.unit, period=report.period).value if consolidated
             else rows.get(ind.pk)) for ind in report.form.indicators.order_by("code")]


def obligations_on(day: dt.date) -> QuerySet[ReportObligation]:
    return ReportObligation.objects.filter(_valid_on("", day)).filter(_valid_on("unit__", day)) \
        .select_related("form", "unit")


@dataclass
class TrackingRow:
    unit: OrgUnit
    form_id: int
    form_name: str
    due: dt.date
    report: UnitReport | None
    state: str  # on_time, late, missing, not_due

    @property
    def state_label(self) -> str:
        return TRACKING_LABELS[self.state]


TRACKING_LABELS = {"on_time": "Gửi đúng hạn", "late": "Gửi muộn", "missing": "Quá hạn, chưa gửi",
                   "not_due": "Chưa đến hạn"}


def tracking(*, user, period: ReportingPeriod, today: dt.date | None = None) -> list[TrackingRow]:
    """Each obligation of the period (valid on its last day) for the units the user covers: sent on time, late,
    missing after the deadline, or not yet due (the Chánh Văn phòng's Monday page)."""
    today = today or timezone.localdate()
    visible = set(units_for_user(user=user).values_list("pk", flat=True))
    reports = {(r.form_id, r.unit_id): r for r in UnitReport.objects.filter(period=period)}
    rows = []
    for ob in obligations_on(period.end).filter(form__period_kind=period.kind).order_by("unit__order", "unit__name"):
        if ob.unit_id not in visible:
            continue
        due = period.end + dt.timedelta(days=ob.due_days)
        report = reports.get((ob.form_id, ob.unit_id))
        sent = report.submitted_on if report is not None and report.status != ReportStatus.DRAFT else None
        if report is not None and report.status == ReportStatus.RETURNED:
            sent = None
        if sent is not None:
            state = "on_time" if sent <= due else "late"
        else:
            state = "missing" if today > due else "not_due"
        rows.append(TrackingRow(unit=ob.unit, form_id=ob.form_id, form_name=ob.form.name, due=due, report=report, state=state))
    return rows


# ---------------------------------------------------------------- tasks

def tasks_for_user(*, user, year: int | None = None, kind: str = "", status: str = "",
                   on: dt.date | None = None) -> QuerySet[Task]:
    qs = Task.objects.select_related("owner").filter(owner__in=units_for_user(user=user))
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status_filter(status, on or timezone.localdate()))
    return qs.order_by("year", "code")


def status_filter(status: str, on: dt.date) -> Q:
    done = Q(completed_on__isnull=False, completed_on__lte=on)
    return {
        TaskStatus.DONE_ON_TIME: done & Q(completed_on__lte=models_f("deadline")),
        TaskStatus.DONE_LATE: done & Q(completed_on__gt=models_f("deadline")),
        TaskStatus.OPEN_IN_TIME: ~done & Q(deadline__gte=on),
        TaskStatus.OPEN_OVERDUE: ~done & Q(deadline__lt=on),
    }.get(status, Q())


def models_f(name: str):
    from django.db.models import F

    return F(name)


def task_get(*, user, pk: int) -> Task:
    return _get(tasks_for_user(user=user).prefetch_related("co_units", "notes", "deadline_changes__changed_by"), pk)


def deadline_history(task: Task) -> dict:
    """The original deadline, the changes (previous → new, reason, who, when) and the deadline in force (the one
    the QĐ 42 status is judged against)."""
    changes = list(task.deadline_changes.all())
    return {"original": changes[0].previous if changes else task.deadline, "changes": changes,
            "in_force": task.deadline}


def task_counts(*, user, year: int, on: dt.date, kind: str = TaskKind.FRAMEWORK) -> dict[str, int]:
    qs = tasks_for_user(user=user, year=year, kind=kind)
    counts = {s: qs.filter(status_filter(s, on)).count() for s in TaskStatus.values}
    counts["total"] = qs.count()
    counts["done"] = counts[TaskStatus.DONE_ON_TIME] + counts[TaskStatus.DONE_LATE]
    return counts


# ---------------------------------------------------------------- conclusions and documents

def conclusions_for_user(*, user) -> QuerySet[Conclusion]:
    """The Director's conclusions are the department's: every reader sees them (as the register)."""
    if not can_read(user):
        return Conclusion.objects.none()
    return Conclusion.objects.select_related("period", "document", "created_by").order_by("-meeting_date", "-pk")


def conclusion_get(*, user, pk: int) -> Conclusion:
    return _get(conclusions_for_user(user=user), pk)


def conclusion_sections(conclusion: Conclusion) -> list[tuple[str, list]]:
    """(section label, its items in order) for every section; a numbered item of section I carries ``number`` as
    the notice will write it, and every item knows whether it is the first or last of its section (``first``,
    ``last``: the page's «lên» / «xuống»)."""
    items = list(conclusion.items.order_by("order").prefetch_related("units", "tasks__owner"))
    out = []
    for value, label in Section.choices:
        part = [i for i in items if i.section == value]
        count = 0
        for index, item in enumerate(part):
            item.first, item.last = index == 0, index == len(part) - 1
            if item.numbered and value == Section.KEY:
                count += 1
                item.number = count
            else:
                item.number = None
        out.append((label, part))
    return out


def conclusion_item_get(*, conclusion: Conclusion, pk: int) -> ConclusionItem:
    return _get(conclusion.items.prefetch_related("units", "tasks"), pk)


def item_tasks(item: ConclusionItem) -> list[Task]:
    """The tasks a paragraph became, each with its number of progress notes (``notes_count``)."""
    return list(item.tasks.select_related("owner").annotate(notes_count=Count("notes")).order_by("code"))


def documents_for_user(*, user) -> QuerySet[OutgoingDocument]:
    if not can_read(user):
        return OutgoingDocument.objects.none()
    return OutgoingDocument.objects.select_related("registered_by", "drafting_unit").order_by("-issued_on", "-pk")


def document_get(*, user, pk: int) -> OutgoingDocument:
    return _get(documents_for_user(user=user), pk)


def register_counts(*, year: int, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Documents the department issued, per type (the register counts them; none typed by hand)."""
    qs = OutgoingDocument.objects.filter(year=year)
    if start:
        qs = qs.filter(issued_on__gte=start)
    if end:
        qs = qs.filter(issued_on__lte=end)
    out: dict[str, int] = {}
    for doc_type in qs.values_list("doc_type", flat=True):
        out[doc_type] = out.get(doc_type, 0) + 1
    return out


# ---------------------------------------------------------------- the incoming-document register

def incoming_for_user(*, user, year: int, level: str = "", text: str = "") -> QuerySet[IncomingDocument]:
    """The department's register: every reader of the plan reads it (it holds no one's personal data). ``text``
    finds a number and symbol, an issuer or words of the summary (as typed, tones and case as in the register)."""
    if not can_read(user):
        raise Http404("Không tìm thấy.")
    qs = IncomingDocument.objects.filter(year=year).select_related("handling_unit").order_by("-seq")
    if level:
        qs = qs.filter(level=level)
    if text:
        qs = qs.filter(Q(symbol__icontains=text) | Q(issuer_name__icontains=text) | Q(summary__icontains=text))
    return qs


def incoming_counts(*, year: int) -> dict:
    """The year's entries by level, and the province's documents issued on the department's advice."""
    counts = dict(IncomingDocument.objects.filter(year=year).values_list("level").annotate(n=Count("id")))
    advised = IncomingDocument.objects.filter(year=year, advised=True).count()
    return {"levels": [(label, counts.get(value, 0)) for value, label in IssuerLevel.choices], "advised": advised,
            "total": sum(counts.values())}
