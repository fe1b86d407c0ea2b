"""Unit reports: open for a period (not before it opens), enter the values, submit; the level above accepts (only
when every unit below has been accepted) or returns with a reason; acceptance locks the figures until reopened with
a reason. Every step through ``REPORT_WORKFLOW`` (row lock, maker-checker, event and audit rows)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.planning import selectors
from ansinh.planning.models import (
    OrgUnit,
    PeriodKind,
    ReportForm,
    ReportingPeriod,
    ReportObligation,
    ReportStatus,
    ReportStep,
    Source,
    UnitReport,
)
from ansinh.planning.permissions import (
    ACCEPTORS,
    REPORT_WORKFLOW,
    can_accept,
    require_covers,
    require_planner,
)
from ansinh.planning.services.plan import CODE, achievement_write, decimal_value

MAX_DUE_DAYS = 90


# ---------------------------------------------------------------- defining the reporting regime

@transaction.atomic(durable=True)
def report_form_define(*, actor, code: str, name: str, period_kind: str, indicators) -> ReportForm:
    """A report form (biểu báo cáo): its period kind and the indicators it carries (entered by the units)."""
    require_planner(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not CODE.fullmatch(code) or len(code) > 40:
        raise DomainError("Mã biểu gồm chữ không dấu, chữ số, «_» hoặc «-» (tối đa 40 ký tự), ví dụ bc-6-thang.",
                          field="code")
    if not name:
        raise DomainError("Ghi tên báo cáo.", field="name")
    if period_kind not in PeriodKind.values:
        raise DomainError("Kỳ báo cáo không hợp lệ.", field="period_kind")
    indicators = list(indicators)
    if not indicators:
        raise DomainError("Chọn ít nhất một chỉ tiêu của biểu.", field="indicators")
    computed = [i.name for i in indicators if i.source == Source.COMPUTED]
    if computed:
        raise DomainError(f"Chỉ tiêu «{computed[0]}» tính từ dữ liệu của hệ thống: đơn vị không báo cáo chỉ tiêu "
                          "này.", field="indicators")
    if ReportForm.objects.filter(code=code).exists():
        raise DomainError(f"Mã biểu «{code}» đã có.", field="code")
    form = ReportForm.objects.create(code=code, name=name[:200], period_kind=period_kind)
    form.indicators.set(indicators)
    audit_record(actor=actor, action="planning.form_define", obj=form,
                 summary=f"Biểu {code}: {name[:120]} ({PeriodKind(period_kind).label})",
                 details={"indicators": [i.code for i in indicators]})
    return form


@transaction.atomic(durable=True)
def obligation_set(*, actor, form: ReportForm, unit: OrgUnit, due_days: int, valid_from: dt.date,  # noqa: PLR0913 — the record's own fields, keyword-only
                   valid_to: dt.date | None = None) -> ReportObligation:
    """From ``valid_from`` the unit sends ``form`` each period, ``due_days`` days after the data window ends. One
    obligation of a form per unit at a time: end the current one first (``obligation_end``)."""
    require_planner(actor)
    if not isinstance(due_days, int) or not 0 <= due_days <= MAX_DUE_DAYS:
        raise DomainError(f"Hạn gửi là số ngày từ 0 đến {MAX_DUE_DAYS} sau ngày chốt số liệu.", field="due_days")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("Ngày kết thúc trước ngày bắt đầu áp dụng.", field="valid_to")
    if not unit.valid_on(valid_from):
        raise DomainError(f"Đơn vị «{unit.name}» không có hiệu lực ngày {valid_from:%d/%m/%Y}.", field="unit")
    if unit.valid_to is not None and (valid_to is None or valid_to > unit.valid_to):
        valid_to = unit.valid_to  # a unit that ends stops reporting with it
    current = ReportObligation.objects.select_for_update().filter(form=form, unit=unit).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        current = current.filter(valid_from__lte=valid_to)
    clash = current.first()
    if clash is not None:
        raise DomainError(f"{unit.name} đã có chế độ báo cáo «{form.name}» từ ngày {clash.valid_from:%d/%m/%Y}"
                          + (f" đến {clash.valid_to:%d/%m/%Y}" if clash.valid_to else "")
                          + ": kết thúc chế độ đó trước.", field="unit")
    ob = ReportObligation.objects.create(form=form, unit=unit, due_days=due_days, valid_from=valid_from,
                                         valid_to=valid_to)
    audit_record(actor=actor, action="planning.obligation_set", obj=ob,
                 summary=f"{unit.name} báo cáo «{form.name}» từ {valid_from:%d/%m/%Y}, hạn {due_days} ngày")
    return ob


@transaction.atomic(durable=True)
def obligation_end(*, actor, obligation: ReportObligation, last_day: dt.date) -> ReportObligation:
    """The unit stops sending the form after ``last_day`` (the reports already opened stay)."""
    require_planner(actor)
    locked = ReportObligation.objects.select_for_update().select_related("form", "unit").get(pk=obligation.pk)
    if last_day < locked.valid_from:
        raise DomainError(f"Ngày kết thúc trước ngày bắt đầu áp dụng ({locked.valid_from:%d/%m/%Y}).",
                          field="last_day")
    if locked.valid_to is not None and locked.valid_to <= last_day:
        raise DomainError(f"Chế độ báo cáo đã kết thúc ngày {locked.valid_to:%d/%m/%Y}.", field="last_day")
    locked.valid_to = last_day
    locked.save(update_fields=["valid_to"])
    audit_record(actor=actor, action="planning.obligation_end", obj=locked,
                 summary=f"{locked.unit.name} thôi báo cáo «{locked.form.name}» sau {last_day:%d/%m/%Y}")
    return locked


# ---------------------------------------------------------------- a unit's report


def _obligation(form: ReportForm, unit, period: ReportingPeriod):
    ob = selectors.obligations_on(period.end).filter(form=form, unit=unit).first()
    if ob is None:
        raise DomainError(f"«{unit.name}» không có chế độ báo cáo «{form.name}» vào kỳ {period.label}.", field="form")
    if form.period_kind != period.kind:
        raise DomainError(f"Biểu «{form.name}» không báo cáo theo kỳ {period.label}.", field="period")
    return ob


@transaction.atomic(durable=True)
def report_open(*, actor, form: ReportForm, unit, period: ReportingPeriod, today: dt.date | None = None) -> UnitReport:
    require_covers(actor, unit)
    today = today or timezone.localdate()
    if today < period.opens_on:
        raise DomainError(f"Kỳ {period.label} chưa mở nhận báo cáo: mở từ ngày {period.opens_on:%d/%m/%Y}.",
                          field="period")
    ob = _obligation(form, unit, period)
    if UnitReport.objects.filter(form=form, unit=unit, period=period).exists():
        raise DomainError(f"Báo cáo «{form.name}» kỳ {period.label} của {unit.name} đã được lập.", field="period")
    report = UnitReport.objects.create(form=form, unit=unit, period=period, prepared_by=actor,
                                       due_date=period.end + dt.timedelta(days=ob.due_days))
    REPORT_WORKFLOW.record(report, ReportStep.OPEN, actor=actor)
    audit_record(actor=actor, action="planning_report.open", obj=report, summary=f"Lập {report}")
    return report


@transaction.atomic(durable=True)
def report_values_enter(*, actor, report: UnitReport, values: dict[str, object]) -> UnitReport:
    """``values``: indicator code → the figure as typed. All of them or none: a bad value writes nothing."""
    require_covers(actor, report.unit)
    indicators = {i.code: i for i in report.form.indicators.all()}
    unknown = [c for c in values if c not in indicators]
    if unknown:
        raise DomainError(f"Chỉ tiêu «{unknown[0][:40]}» không thuộc biểu «{report.form.name}».", field="values")
    numbers = {code: decimal_value(v, label=f"Số liệu «{indicators[code].name}»") for code, v in values.items()
               if v not in (None, "")}

    def write(locked: UnitReport):
        for code, number in numbers.items():
            achievement_write(indicator=indicators[code], unit=locked.unit, period=locked.period, value=number,
                              source=Source.REPORTED, actor=actor, report=locked)
        return []
    return REPORT_WORKFLOW.perform(report, ReportStep.ENTER, actor=actor, update=write,
                                   summary=f"Nhập {len(numbers)} số liệu: {report}")


@transaction.atomic(durable=True)
def report_submit(*, actor, report: UnitReport, received_on: dt.date | None = None) -> UnitReport:
    """``received_on``: the day the office received a report sent on paper (default today)."""
    require_covers(actor, report.unit)
    today = timezone.localdate()
    day = received_on or today
    if day > today or day < report.period.opens_on:
        raise DomainError("Ngày gửi báo cáo không được sau hôm nay hoặc trước ngày mở kỳ báo cáo.", field="received_on")

    def stamp(locked: UnitReport):
        children = selectors.children_on(locked.unit, locked.period.end)
        if not children and not locked.achievements.exists():
            raise DomainError("Báo cáo chưa có số liệu nào: nhập số liệu trước khi gửi.", field="values")
        locked.submitted_on, locked.return_reason = day, ""
        return ["submitted_on", "return_reason"]
    return REPORT_WORKFLOW.perform(report, ReportStep.SUBMIT, actor=actor, update=stamp,
                                   summary=f"Gửi {report}")


def _require_acceptor(actor) -> None:
    if actor.role in ACCEPTORS and not can_accept(actor):
        raise PermissionDenied("Chỉ cấp trên (Sở) được chấp nhận hoặc trả lại báo cáo.")


@transaction.atomic(durable=True)
def report_accept(*, actor, report: UnitReport) -> UnitReport:
    _require_acceptor(actor)

    def children_done(locked: UnitReport):
        missing = []
        for child in selectors.children_on(locked.unit, locked.period.end):
            if not selectors.obligations_on(locked.period.end).filter(form=locked.form, unit=child).exists():
                continue
            if not UnitReport.objects.filter(form=locked.form, unit=child, period=locked.period,
                                             status=ReportStatus.ACCEPTED).exists():
                missing.append(child.name)
        if missing:
            raise DomainError(f"Chưa chấp nhận được: còn {len(missing)} đơn vị cấp dưới chưa được chấp nhận báo cáo ("
                              + ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "") + ").")
        return []
    return REPORT_WORKFLOW.perform(report, ReportStep.ACCEPT, actor=actor, update=children_done,
                                   summary=f"Chấp nhận {report}")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("Ghi lý do (ít nhất 5 ký tự).", field="reason")
    return reason[:2000]


@transaction.atomic(durable=True)
def report_return(*, actor, report: UnitReport, reason: str) -> UnitReport:
    _require_acceptor(actor)
    text = _reason(reason)

    def keep(locked: UnitReport):
        locked.return_reason = text
        return ["return_reason"]
    return REPORT_WORKFLOW.perform(report, ReportStep.RETURN, actor=actor, note=text, update=keep,
                                   summary=f"Trả lại {report}")


@transaction.atomic(durable=True)
def report_reopen(*, actor, report: UnitReport, reason: str) -> UnitReport:
    """Un-approve: the figures are open again (audited, with the reason). Refused while the report of the unit above
    is accepted: reopen that one first."""
    _require_acceptor(actor)
    text = _reason(reason)

    def reopen(locked: UnitReport):
        parent = selectors.parent_on(locked.unit, locked.period.end)
        if parent is not None and UnitReport.objects.filter(form=locked.form, unit=parent, period=locked.period,
                                                            status=ReportStatus.ACCEPTED).exists():
            raise DomainError(f"Báo cáo tổng hợp của {parent.name} đã được chấp nhận: mở khoá báo cáo đó trước.")
        locked.return_reason, locked.accepted_by, locked.accepted_at = text, None, None
        return ["return_reason", "accepted_by", "accepted_at"]
    return REPORT_WORKFLOW.perform(report, ReportStep.REOPEN, actor=actor, note=text, update=reopen,
                                   summary=f"Mở khoá {report}")
