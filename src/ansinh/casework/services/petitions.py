"""Petitions: receive, accept or refuse, extend, decide, close — each a step of ``PETITION_WORKFLOW`` in one durable
transaction with its event and audit row. Deadlines come from ``DeadlineRule``; a rule without days (not confirmed
from the law) refuses the step that needs it, saying so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.permissions import require_commune_in_area
from ansinh.casework.models import DeadlineRule, DeadlineStage, Petition, PetitionKind, PetitionStep
from ansinh.casework.permissions import HANDLERS, PETITION_WORKFLOW
from ansinh.core.audit import audit_record
from ansinh.core.calendar import working_days_add
from ansinh.core.errors import DomainError
from ansinh.core.text import clean_name, name_problem

WARNING_DAYS = 5  # a deadline this close is shown as a warning


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """``start`` + ``days`` calendar days, or working days (Monday–Friday without the public holidays of the
    calendar, ``core.calendar``)."""
    if not working:
        return start + dt.timedelta(days=days)
    return working_days_add(start, days)


def deadline(kind: str, stage: str, start: dt.date) -> tuple[dt.date, DeadlineRule]:
    rule = DeadlineRule.objects.filter(kind=kind, stage=stage).first()
    if rule is None or not rule.days:
        label = PetitionKind(kind).label.lower()
        raise DomainError(f"Chưa có thời hạn «{DeadlineStage(stage).label.lower()}» đối với đơn {label}: chưa đối chiếu "
                          "được văn bản luật. Quản trị hệ thống nhập số ngày và căn cứ pháp lý tại «Thời hạn theo luật» "
                          "rồi làm lại.")
    return add_days(start, rule.days, working=rule.working_days), rule


def deadline_state(due: dt.date | None, today: dt.date | None = None) -> str:
    """'overdue', 'soon' (within WARNING_DAYS) or '' ."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    return "soon" if (due - today).days <= WARNING_DAYS else ""


@dataclass(frozen=True)
class PetitionDetails:
    kind: str
    channel: str
    received_on: dt.date | None
    petitioner_name: str
    summary: str
    petitioner_address: str = ""
    petitioner_phone: str = ""
    petitioner_identity: str = ""
    complex_case: bool = False
    remote_area: bool = False


def _number(received_on: dt.date) -> str:
    count = Petition.objects.filter(number__startswith=f"{received_on:%Y}/").count() + 1
    return f"{received_on:%Y}/{count:05d}"


def _checked(details: PetitionDetails) -> dict:
    from ansinh.casework.models import Channel

    if details.kind not in PetitionKind.values:
        raise DomainError("Chọn loại đơn.", field="kind")
    if details.channel not in Channel.values:
        raise DomainError("Chọn nguồn đơn.", field="channel")
    today = timezone.localdate()
    if details.received_on is None or details.received_on > today:
        raise DomainError("Ngày nhận đơn không hợp lệ (không được sau hôm nay).", field="received_on")
    name = clean_name(details.petitioner_name)[:120]
    if not name or (problem := name_problem(name)):
        raise DomainError(problem if name else "Ghi họ tên người gửi đơn.", field="petitioner_name")
    identity = (details.petitioner_identity or "").strip()
    if identity and not (identity.isascii() and identity.isdigit() and len(identity) in (9, 12)):
        raise DomainError("Số định danh gồm 12 chữ số (hoặc CMND 9 chữ số).", field="petitioner_identity")
    summary = (details.summary or "").replace("\x00", "").strip()[:5000]
    if not summary:
        raise DomainError("Ghi nội dung tóm tắt của đơn.", field="summary")
    phone = "".join(ch for ch in details.petitioner_phone or "" if ch.isdigit() or ch in "+ ")[:20]
    return {"kind": details.kind, "channel": details.channel, "received_on": details.received_on,
            "petitioner_name": name, "petitioner_address": clean_name(details.petitioner_address)[:300],
            "petitioner_phone": phone, "petitioner_identity": identity, "summary": summary,
            "complex_case": bool(details.complex_case), "remote_area": bool(details.remote_area)}


@transaction.atomic(durable=True)
def petition_receive(*, actor, commune, details: PetitionDetails) -> Petition:
    PETITION_WORKFLOW.require(actor, PetitionStep.RECEIVE)
    require_commune_in_area(actor, commune.pk)
    fields = _checked(details)
    due, rule = deadline(fields["kind"], DeadlineStage.ACCEPT, fields["received_on"])
    from ansinh.core.locks import advisory_lock

    advisory_lock("casework.petition.number")
    petition = Petition.objects.create(number=_number(fields["received_on"]), commune=commune, created_by=actor,
                                       acceptance_due=due, **fields)
    PETITION_WORKFLOW.record(petition, PetitionStep.RECEIVE, actor=actor, note=rule.reference)
    audit_record(actor=actor, action="casework_petition.receive", obj=petition,
                 summary=f"Tiếp nhận đơn {petition.number} ({petition.get_kind_display()}), hạn thụ lý {due:%d/%m/%Y}")
    return petition


def _resolution_stage(petition: Petition) -> str:
    if petition.kind != PetitionKind.COMPLAINT:
        return DeadlineStage.RESOLVE
    return {(False, False): DeadlineStage.RESOLVE, (True, False): DeadlineStage.RESOLVE_COMPLEX,
            (False, True): DeadlineStage.RESOLVE_REMOTE,
            (True, True): DeadlineStage.RESOLVE_REMOTE_COMPLEX}[(petition.complex_case, petition.remote_area)]


@transaction.atomic(durable=True)
def petition_accept(*, actor, petition: Petition, accepted_on: dt.date | None, handler) -> Petition:
    if handler is None or handler.role not in HANDLERS:
        raise DomainError("Chọn cán bộ xử lý đơn được giao giải quyết.", field="handler")

    def update(locked):
        if accepted_on is None or accepted_on < locked.received_on or accepted_on > timezone.localdate():
            raise DomainError("Ngày thụ lý phải từ ngày nhận đơn đến hôm nay.", field="accepted_on")
        due, _rule = deadline(locked.kind, _resolution_stage(locked), accepted_on)
        locked.accepted_on, locked.resolution_due, locked.handler = accepted_on, due, handler
        return ["accepted_on", "resolution_due", "handler"]

    return PETITION_WORKFLOW.perform(petition, PetitionStep.ACCEPT, actor=actor, update=update,
                                     summary=f"Thụ lý đơn {petition.number}")


@transaction.atomic(durable=True)
def petition_reject(*, actor, petition: Petition, reason: str) -> Petition:
    reason = (reason or "").replace("\x00", "").strip()[:2000]
    if not reason:
        raise DomainError("Ghi lý do không thụ lý (thông báo cho người gửi đơn).", field="reason")

    def update(locked):
        locked.rejection_reason = reason
        return ["rejection_reason"]

    return PETITION_WORKFLOW.perform(petition, PetitionStep.REJECT, actor=actor, update=update, note=reason)


@transaction.atomic(durable=True)
def petition_extend(*, actor, petition: Petition, note: str) -> Petition:
    """Extend a denunciation's resolution (Luật Tố cáo 2018, Điều 30): at most the rule's number of extensions."""

    def update(locked):
        if locked.kind != PetitionKind.DENUNCIATION:
            raise DomainError("Chỉ đơn tố cáo được gia hạn; khiếu nại phức tạp có thời hạn dài hơn từ khi thụ lý.")
        due, rule = deadline(locked.kind, DeadlineStage.EXTENSION, locked.resolution_due)
        if rule.max_extensions is not None and locked.extensions >= rule.max_extensions:
            raise DomainError(f"Đã gia hạn {locked.extensions} lần, tối đa {rule.max_extensions} lần ({rule.reference}).")
        locked.resolution_due, locked.extensions = due, locked.extensions + 1
        return ["resolution_due", "extensions"]

    return PETITION_WORKFLOW.perform(petition, PetitionStep.EXTEND, actor=actor, update=update, note=note[:2000])


@transaction.atomic(durable=True)
def petition_decide(*, actor, petition: Petition, decision_number: str, decision_date: dt.date | None,
                    outcome: str) -> Petition:
    number = (decision_number or "").replace("\x00", "").strip()[:60]
    if not number:
        raise DomainError("Ghi số quyết định giải quyết khiếu nại hoặc kết luận nội dung tố cáo.",
                          field="decision_number")

    def update(locked):
        if decision_date is None or decision_date < locked.accepted_on or decision_date > timezone.localdate():
            raise DomainError("Ngày quyết định phải từ ngày thụ lý đến hôm nay.", field="decision_date")
        locked.decision_number, locked.decision_date = number, decision_date
        locked.outcome = (outcome or "").replace("\x00", "").strip()[:5000]
        return ["decision_number", "decision_date", "outcome"]

    return PETITION_WORKFLOW.perform(petition, PetitionStep.DECIDE, actor=actor, update=update)


@transaction.atomic(durable=True)
def petition_close(*, actor, petition: Petition, closed_on: dt.date | None, note: str = "") -> Petition:
    def update(locked):
        if closed_on is None or closed_on < locked.decision_date or closed_on > timezone.localdate():
            raise DomainError("Ngày kết thúc phải từ ngày quyết định đến hôm nay.", field="closed_on")
        locked.closed_on = closed_on
        return ["closed_on"]

    return PETITION_WORKFLOW.perform(petition, PetitionStep.CLOSE, actor=actor, update=update, note=note[:2000])

