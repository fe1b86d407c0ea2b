"""Writes of the personal-data protection registers: data subjects' requests (receive, acknowledge, answer,
refuse) and breaches (record, notify the specialised agency, close) — each a step of ``REQUEST_WORKFLOW`` or
``BREACH_WORKFLOW`` in one durable transaction with its event and audit row. The deadlines come from
``api.legal_deadlines``; an answer deadline not confirmed from the decree refuses the acknowledgement, saying so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ansinh.api.legal_deadlines import (
    ACKNOWLEDGEMENT_REFERENCE,
    ACKNOWLEDGEMENT_WORKING_DAYS,
    BREACH_AUTHORITY,
    BREACH_NOTIFY_HOURS,
    BREACH_REFERENCE,
)
from ansinh.api.models import (
    BreachStep,
    DataBreach,
    DataRequestRule,
    DataSubjectRequest,
    RequestChannel,
    RequestKind,
    RequestStep,
)
from ansinh.api.permissions import BREACH_WORKFLOW, REQUEST_WORKFLOW
from ansinh.core.audit import audit_record
from ansinh.core.calendar import deadline_add
from ansinh.core.calendar import deadline_state as calendar_deadline_state
from ansinh.core.errors import DomainError
from ansinh.core.locks import next_in_sequence
from ansinh.core.text import clean_name, name_problem

WARNING_DAYS = 2  # a request deadline this close is shown as a warning
BREACH_WARNING = dt.timedelta(hours=24)  # the last day of the 72 hours


def _text(value: str | None, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _next_number(model, year: int) -> tuple[int, str]:
    """The next number of the year, under a lock held to the end of the transaction (two intakes at once wait for
    each other; the unique (year, seq) constraint is the database's guarantee)."""
    seq = next_in_sequence(model.objects.filter(year=year), "seq", lock=f"api.{model._meta.model_name}.number.{year}")
    return seq, f"{seq:04d}/{year}"


# ---------------------------------------------------------------- deadlines

def answer_deadline(kind: str, start: dt.date) -> tuple[dt.date, DataRequestRule]:
    """The answer's deadline for a kind of request; refused while the rule has no days (not confirmed)."""
    rule = DataRequestRule.objects.filter(kind=kind).first()
    if rule is None or not rule.days:
        raise DomainError(f"Chưa có thời hạn thực hiện yêu cầu «{RequestKind(kind).label.lower()}»: chưa đối chiếu được "
                          "văn bản NĐ 356/2025/NĐ-CP. Quản trị hệ thống nhập số ngày và căn cứ pháp lý tại «Thời hạn "
                          "trả lời yêu cầu của chủ thể dữ liệu» (trang quản trị) rồi phản hồi lại.")
    return deadline_add(start, rule.days, working=rule.working_days), rule


def deadline_state(due: dt.date | None, today: dt.date | None = None) -> str:
    """'overdue', 'soon' (within WARNING_DAYS) or ''."""
    return calendar_deadline_state(due, warning_days=WARNING_DAYS, today=today)


@dataclass(frozen=True)
class Clock:
    """The 72-hour clock of a breach: time left (negative: overdue), the state for the page."""

    due: dt.datetime
    left: dt.timedelta
    state: str  # 'running', 'soon' (last 24 hours), 'overdue', 'notified', 'late' (notified after the due time)

    @property
    def text(self) -> str:
        minutes = int(abs(self.left).total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        span = f"{hours} giờ {minutes:02d} phút"
        if self.state in ("notified", "late"):
            return "đã thông báo đúng hạn" if self.state == "notified" else f"đã thông báo, muộn {span}"
        return f"quá hạn {span}" if self.state == "overdue" else f"còn {span}"


def breach_clock(breach: DataBreach, now: dt.datetime | None = None) -> Clock:
    now = now or timezone.now()
    if breach.notified_at is not None:
        left = breach.notify_due - breach.notified_at
        return Clock(breach.notify_due, left, "notified" if left >= dt.timedelta(0) else "late")
    left = breach.notify_due - now
    state = "overdue" if left < dt.timedelta(0) else "soon" if left <= BREACH_WARNING else "running"
    return Clock(breach.notify_due, left, state)


# ---------------------------------------------------------------- data subjects' requests

@dataclass(frozen=True)
class RequestDetails:
    kind: str
    channel: str
    received_on: dt.date | None
    requester_name: str
    details: str
    requester_identity: str = ""
    requester_contact: str = ""
    on_behalf: bool = False


def _checked_request(details: RequestDetails) -> dict:
    if details.kind not in RequestKind.values:
        raise DomainError("Chọn loại yêu cầu.", field="kind")
    if details.channel not in RequestChannel.values:
        raise DomainError("Chọn cách gửi yêu cầu.", field="channel")
    today = timezone.localdate()
    if details.received_on is None or details.received_on > today:
        raise DomainError("Ngày nhận yêu cầu không hợp lệ (không được sau hôm nay).", field="received_on")
    name = clean_name(details.requester_name)[:120]
    if not name or (problem := name_problem(name)):
        raise DomainError(problem if name else "Ghi họ tên người yêu cầu.", field="requester_name")
    identity = (details.requester_identity or "").strip()
    if identity and not (identity.isascii() and identity.isdigit() and len(identity) in (9, 12)):
        raise DomainError("Số định danh gồm 12 chữ số (hoặc CMND 9 chữ số).", field="requester_identity")
    text = _text(details.details, 5000)
    if not text:
        raise DomainError("Ghi nội dung yêu cầu (dữ liệu nào, yêu cầu gì).", field="details")
    return {"kind": details.kind, "channel": details.channel, "received_on": details.received_on,
            "requester_name": name, "requester_identity": identity, "details": text,
            "requester_contact": clean_name(details.requester_contact)[:300], "on_behalf": bool(details.on_behalf)}


@transaction.atomic(durable=True)
def request_receive(*, actor, details: RequestDetails, person=None) -> DataSubjectRequest:
    """Record a request; its acknowledgement is due 2 working days after its receipt. ``person``: the registry's
    person with the subject's identity number (found by the page in the actor's area), or None."""
    REQUEST_WORKFLOW.require(actor, RequestStep.RECEIVE)
    fields = _checked_request(details)
    due = deadline_add(fields["received_on"], ACKNOWLEDGEMENT_WORKING_DAYS, working=True)
    seq, number = _next_number(DataSubjectRequest, fields["received_on"].year)
    request = DataSubjectRequest.objects.create(year=fields["received_on"].year, seq=seq, number=number,
                                                acknowledgement_due=due, created_by=actor, person=person, **fields)
    REQUEST_WORKFLOW.record(request, RequestStep.RECEIVE, actor=actor, note=ACKNOWLEDGEMENT_REFERENCE)
    audit_record(actor=actor, action="api_data_request.receive", obj=request,
                 summary=f"Tiếp nhận yêu cầu {number} ({request.get_kind_display()}), hạn phản hồi {due:%d/%m/%Y}")
    return request


def _day(value: dt.date | None, *, after: dt.date, field: str, what: str) -> dt.date:
    if value is None or value < after or value > timezone.localdate():
        raise DomainError(f"{what} phải từ ngày {after:%d/%m/%Y} đến hôm nay.", field=field)
    return value


@transaction.atomic(durable=True)
def request_acknowledge(*, actor, request: DataSubjectRequest, acknowledged_on: dt.date | None,
                        note: str = "") -> DataSubjectRequest:
    """The subject is told the procedure and the answer's deadline (computed here from ``DataRequestRule``)."""

    def update(locked):
        locked.acknowledged_on = _day(acknowledged_on, after=locked.received_on, field="acknowledged_on",
                                      what="Ngày phản hồi")
        locked.answer_due, rule = answer_deadline(locked.kind, locked.received_on)
        locked.answer_reference = rule.reference[:300]
        return ["acknowledged_on", "answer_due", "answer_reference"]

    return REQUEST_WORKFLOW.perform(request, RequestStep.ACKNOWLEDGE, actor=actor, update=update,
                                    note=_text(note, 2000), summary=f"Phản hồi yêu cầu {request.number}")


@transaction.atomic(durable=True)
def request_answer(*, actor, request: DataSubjectRequest, answered_on: dt.date | None,
                   outcome: str) -> DataSubjectRequest:
    outcome = _text(outcome, 5000)
    if not outcome:
        raise DomainError("Ghi kết quả thực hiện (đã cung cấp tệp, đã chỉnh sửa trường nào…).", field="outcome")

    def update(locked):
        locked.answered_on = _day(answered_on, after=locked.received_on, field="answered_on", what="Ngày trả lời")
        locked.outcome = outcome
        return ["answered_on", "outcome"]

    return REQUEST_WORKFLOW.perform(request, RequestStep.ANSWER, actor=actor, update=update,
                                    summary=f"Trả lời yêu cầu {request.number}")


@transaction.atomic(durable=True)
def request_refuse(*, actor, request: DataSubjectRequest, answered_on: dt.date | None,
                   reason: str) -> DataSubjectRequest:
    reason = _text(reason, 2000)
    if not reason:
        raise DomainError("Ghi lý do từ chối (căn cứ pháp lý, ví dụ xử lý dữ liệu không cần sự đồng ý theo Luật "
                          "91/2025/QH15, Điều 19).", field="reason")

    def update(locked):
        locked.answered_on = _day(answered_on, after=locked.received_on, field="answered_on", what="Ngày trả lời")
        locked.refusal_reason = reason
        return ["answered_on", "refusal_reason"]

    return REQUEST_WORKFLOW.perform(request, RequestStep.REFUSE, actor=actor, update=update, note=reason,
                                    summary=f"Từ chối yêu cầu {request.number}")


# ---------------------------------------------------------------- breaches

@dataclass(frozen=True)
class BreachDetails:
    detected_at: dt.datetime | None
    description: str
    data_affected: str
    persons_affected: int | None = None
    sensitive: bool = False
    measures: str = ""


@transaction.atomic(durable=True)
def breach_record(*, actor, details: BreachDetails) -> DataBreach:
    """A breach and its 72-hour clock from the time it was detected."""
    BREACH_WORKFLOW.require(actor, BreachStep.RECORD)
    now = timezone.now()
    detected = details.detected_at
    if detected is None or detected > now + dt.timedelta(minutes=5):
        raise DomainError("Thời điểm phát hiện không hợp lệ (ngày/tháng/năm giờ:phút, không được sau lúc này).",
                          field="detected_at")
    description = _text(details.description, 5000)
    if not description:
        raise DomainError("Mô tả vi phạm (điều gì xảy ra, ở hệ thống nào, phát hiện thế nào).", field="description")
    data = _text(details.data_affected, 2000)
    if not data:
        raise DomainError("Ghi loại dữ liệu bị ảnh hưởng (họ tên, số định danh, diện hưởng…).", field="data_affected")
    if details.persons_affected is not None and not 0 <= details.persons_affected <= 200_000_000:
        raise DomainError("Số người bị ảnh hưởng không hợp lệ.", field="persons_affected")
    local = timezone.localtime(detected)
    seq, number = _next_number(DataBreach, local.year)
    breach = DataBreach.objects.create(
        year=local.year, seq=seq, number=number, detected_at=detected, description=description, data_affected=data,
        persons_affected=details.persons_affected, sensitive=bool(details.sensitive),
        notify_due=detected + dt.timedelta(hours=BREACH_NOTIFY_HOURS), measures=_text(details.measures, 5000),
        created_by=actor)
    BREACH_WORKFLOW.record(breach, BreachStep.RECORD, actor=actor, note=BREACH_REFERENCE)
    audit_record(actor=actor, action="api_data_breach.record", obj=breach,
                 summary=f"Ghi nhận vi phạm dữ liệu cá nhân {number}, hạn thông báo "
                         f"{timezone.localtime(breach.notify_due):%d/%m/%Y %H:%M}")
    return breach


@transaction.atomic(durable=True)
def breach_notify(*, actor, breach: DataBreach, notified_at: dt.datetime | None, reference: str,
                  notified_to: str = "", late_reason: str = "", measures: str = "") -> DataBreach:
    reference = _text(reference, 80)
    if not reference:
        raise DomainError("Ghi số văn bản (hoặc mã tiếp nhận) của thông báo.", field="reference")

    def update(locked):
        if notified_at is None or notified_at < locked.detected_at or notified_at > timezone.now() + dt.timedelta(
                minutes=5):
            raise DomainError("Thời điểm thông báo phải từ lúc phát hiện đến lúc này.", field="notified_at")
        late = _text(late_reason, 2000)
        if notified_at > locked.notify_due and not late:
            raise DomainError("Thông báo sau 72 giờ: ghi lý do chậm (kèm theo thông báo gửi cơ quan chuyên trách).",
                              field="late_reason")
        locked.notified_at, locked.notification_reference = notified_at, reference
        locked.notified_to = _text(notified_to, 200) or BREACH_AUTHORITY[:200]
        locked.late_reason = late
        fields = ["notified_at", "notification_reference", "notified_to", "late_reason"]
        if extra := _text(measures, 5000):
            locked.measures = "\n".join(m for m in (locked.measures, extra) if m)[:10000]
            fields.append("measures")
        return fields

    return BREACH_WORKFLOW.perform(breach, BreachStep.NOTIFY, actor=actor, update=update, note=reference,
                                   summary=f"Thông báo vi phạm {breach.number} cho cơ quan chuyên trách")


@transaction.atomic(durable=True)
def breach_close(*, actor, breach: DataBreach, measures: str) -> DataBreach:
    measures = _text(measures, 5000)
    if not measures:
        raise DomainError("Ghi các biện pháp đã khắc phục trước khi kết thúc.", field="measures")

    def update(locked):
        locked.measures = "\n".join(m for m in (locked.measures, measures) if m)[:10000]
        locked.closed_at = timezone.now()
        return ["measures", "closed_at"]

    return BREACH_WORKFLOW.perform(breach, BreachStep.CLOSE, actor=actor, update=update,
                                   summary=f"Kết thúc vụ vi phạm {breach.number}")
