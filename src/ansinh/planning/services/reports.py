"""Unit reports: open for a period (not before it opens), enter the values, submit; the level above accepts (only
when every unit below has been accepted) or returns with a reason; acceptance locks the figures until reopened with
a reason. Every step through ``REPORT_WORKFLOW`` (row lock, maker-checker, event and audit rows)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.planning import selectors
from ansinh.planning.models import (
    ReportForm,
    ReportingPeriod,
    ReportStatus,
    ReportStep,
    Source,
    UnitReport,
)
from ansinh.planning.permissions import ACCEPTORS, REPORT_WORKFLOW, can_accept, require_covers
from ansinh.planning.services.plan import achievement_write, decimal_value


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
    from ansinh.core.audit import audit_record

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
