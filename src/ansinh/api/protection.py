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
    DataRequestExtension,
    DataRequestRule,
    DataSubjectRequest,
    RequestChannel,
    RequestKind,
    RequestStatus,
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

def _kind_label(kind: str) -> str:
    return RequestKind(kind).label.lower()


def third_party_kinds() -> list[str]:
    """The kinds whose rule has days of its own when a processor or a third party must stop processing too."""
    return list(DataRequestRule.objects.filter(third_party_days__isnull=False).values_list("kind", flat=True))


def _require_third_party_rule(kind: str, rule: DataRequestRule | None) -> DataRequestRule:
    if rule is None or not rule.third_party_days:
        kinds = ", ".join(f"«{_kind_label(k)}»" for k in third_party_kinds()) or "(chưa có loại nào)"
        raise DomainError(f"Yêu cầu «{_kind_label(kind)}» không có thời hạn riêng khi phải yêu cầu bên xử lý, bên thứ "
                          f"ba ngừng xử lý; thời hạn đó chỉ áp dụng cho yêu cầu {kinds} (NĐ 356/2025/NĐ-CP).",
                          field="third_party_stop")
    return rule


def answer_deadline(kind: str, start: dt.date, *, third_party: bool = False) -> tuple[dt.date, DataRequestRule]:
    """The answer's deadline for a kind of request (``third_party``: a processor or a third party must stop too —
    the rule's ``third_party_days``, 20 for withdrawal, restriction, objection); refused while the rule has no days
    (not confirmed)."""
    rule = DataRequestRule.objects.filter(kind=kind).first()
    if rule is None or not rule.days:
        raise DomainError(f"Chưa có thời hạn thực hiện yêu cầu «{_kind_label(kind)}»: chưa đối chiếu được "
                          "văn bản NĐ 356/2025/NĐ-CP. Quản trị hệ thống nhập số ngày và căn cứ pháp lý tại «Thời hạn "
                          "trả lời yêu cầu của chủ thể dữ liệu» (trang quản trị) rồi phản hồi lại.")
    days = _require_third_party_rule(kind, rule).third_party_days if third_party else rule.days
    return deadline_add(start, days, working=rule.working_days), rule


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
    third_party_stop: bool = False  # a processor or a third party must stop processing too (20 days)


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
    if details.third_party_stop:
        _require_third_party_rule(details.kind, DataRequestRule.objects.filter(kind=details.kind).first())
    return {"kind": details.kind, "channel": details.channel, "received_on": details.received_on,
            "requester_name": name, "requester_identity": identity, "details": text,
            "requester_contact": clean_name(details.requester_contact)[:300], "on_behalf": bool(details.on_behalf),
            "third_party_stop": bool(details.third_party_stop)}


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
                 summary=f"Tiếp nhận yêu cầu {number} ({request.get_kind_display()}), hạn phản hồi {due:%d/%m/%Y}",
                 details={"third_party_stop": request.third_party_stop})
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
        locked.answer_due, rule = answer_deadline(locked.kind, locked.received_on, third_party=locked.third_party_stop)
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


def _locked_open_request(request: DataSubjectRequest, *, what: str) -> DataSubjectRequest:
    """The request under its row lock, refused with the date when it was already answered or refused."""
    locked = REQUEST_WORKFLOW.lock(request)
    if locked.status in (RequestStatus.ANSWERED, RequestStatus.REFUSED):
        done = "trả lời" if locked.status == RequestStatus.ANSWERED else "từ chối"
        raise DomainError(f"Yêu cầu {locked.number} đã được {done} ngày {locked.answered_on:%d/%m/%Y}: không {what} "
                          "sau khi đã trả lời.")
    return locked


def _extension_of(request: DataSubjectRequest) -> DataRequestExtension | None:
    return DataRequestExtension.objects.filter(request=request).first()  # read under the request's lock


@transaction.atomic(durable=True)
def request_extend(*, actor, request: DataSubjectRequest, days: int | None, reason: str,
                   decided_on: dt.date | None) -> DataRequestExtension:
    """The one extension of the answer's deadline (NĐ 356/2025/NĐ-CP: once, at most the rule's ``extension_days``,
    15 for withdrawal, restriction, objection), with its reason, decided by an administrator before the deadline
    passes. The new deadline counts from the previous one. A second extension is refused here under the row lock,
    and by the database (one ``DataRequestExtension`` per request)."""
    reason = _text(reason, 2000)
    if not reason:
        raise DomainError("Ghi lý do gia hạn (vì sao chưa thực hiện được trong thời hạn).", field="reason")
    REQUEST_WORKFLOW.require(actor, RequestStep.EXTEND)
    locked = _locked_open_request(request, what="gia hạn")
    if locked.status != RequestStatus.ACKNOWLEDGED or locked.answer_due is None:
        raise DomainError(f"Yêu cầu {locked.number} chưa được phản hồi nên chưa có thời hạn trả lời để gia hạn: "
                          "ghi phản hồi trước.")
    if (previous := _extension_of(locked)) is not None:
        raise DomainError(f"Yêu cầu {locked.number} đã được gia hạn một lần (ngày {previous.decided_on:%d/%m/%Y}, thêm "
                          f"{previous.days} ngày, đến {previous.new_due:%d/%m/%Y}): chỉ được gia hạn một lần.")
    rule = DataRequestRule.objects.filter(kind=locked.kind).first()
    if rule is None or not rule.extension_days:
        raise DomainError(f"Yêu cầu «{_kind_label(locked.kind)}» chưa có quy định gia hạn (số ngày tối đa): quản trị "
                          "hệ thống nhập tại «Thời hạn trả lời yêu cầu của chủ thể dữ liệu» (trang quản trị).")
    if days is None or not 1 <= days <= rule.extension_days:
        raise DomainError(f"Chỉ được gia hạn một lần, tối đa {rule.extension_days} ngày (NĐ 356/2025/NĐ-CP)"
                          + (f"; bạn ghi {days} ngày." if days is not None else ": ghi số ngày gia hạn."),
                          field="days")
    today, due = timezone.localdate(), locked.answer_due
    if decided_on is None or decided_on < locked.acknowledged_on or decided_on > min(today, due):
        raise DomainError(f"Ngày quyết định gia hạn phải từ ngày phản hồi ({locked.acknowledged_on:%d/%m/%Y}) đến hạn "
                          f"trả lời ({due:%d/%m/%Y}) và không sau hôm nay: quá hạn thì không gia hạn được nữa.",
                          field="decided_on")
    new_due = deadline_add(due, days, working=rule.working_days)
    extension = DataRequestExtension(request=locked, days=days, reason=reason, decided_on=decided_on,
                                     previous_due=due, new_due=new_due, created_by=actor)

    def update(row):
        extension.request = row
        extension.full_clean(exclude=["request", "created_by"])
        extension.save()
        row.answer_due = new_due
        return ["answer_due"]

    REQUEST_WORKFLOW.perform(locked, RequestStep.EXTEND, actor=actor, update=update, note=reason,
                             summary=f"Gia hạn trả lời yêu cầu {locked.number} thêm {days} ngày, từ "
                                     f"{due:%d/%m/%Y} đến {new_due:%d/%m/%Y}",
                             details={"days": days, "previous_due": due.isoformat(), "new_due": new_due.isoformat(),
                                      "reason": reason[:500]})
    return extension


@transaction.atomic(durable=True)
def request_mark_third_party(*, actor, request: DataSubjectRequest, note: str = "") -> DataSubjectRequest:
    """Before the answer: a processor or a third party must stop processing too, so the answer's deadline is the
    rule's ``third_party_days`` (20) from the receipt instead of its ``days`` (15); an extension already granted
    moves with it (the same number of days, from the new deadline)."""
    REQUEST_WORKFLOW.require(actor, RequestStep.THIRD_PARTY)
    locked = _locked_open_request(request, what="ghi việc phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý")
    if locked.third_party_stop:
        raise DomainError(f"Yêu cầu {locked.number} đã ghi việc phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý.")
    rule = _require_third_party_rule(locked.kind, DataRequestRule.objects.filter(kind=locked.kind).first())
    before, due, extension = locked.answer_due, None, None
    if before is not None:  # acknowledged: the deadline moves now (else the acknowledgement computes it)
        due = deadline_add(locked.received_on, rule.third_party_days, working=rule.working_days)
        if (extension := _extension_of(locked)) is not None:
            extension.previous_due = due
            extension.new_due = due = deadline_add(due, extension.days, working=rule.working_days)

    def update(row):
        row.third_party_stop = True
        if due is None:
            return ["third_party_stop"]
        if extension is not None:
            extension.save(update_fields=["previous_due", "new_due"])
        row.answer_due = due
        return ["third_party_stop", "answer_due"]

    return REQUEST_WORKFLOW.perform(
        locked, RequestStep.THIRD_PARTY, actor=actor, update=update, note=_text(note, 2000),
        summary=f"Yêu cầu {locked.number}: phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý "
                f"(thời hạn {rule.third_party_days} ngày" + (f", hạn trả lời {due:%d/%m/%Y})" if due else ")"),
        details={"previous_due": before.isoformat() if before else "", "answer_due": due.isoformat() if due else ""})


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
