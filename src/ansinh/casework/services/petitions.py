"""Petitions: receive, accept or refuse, extend, decide, close — each a step of ``PETITION_WORKFLOW`` in one durable
transaction with its event and audit row. Deadlines come from ``DeadlineRule``; a rule without days (not confirmed
from the law) refuses the step that needs it, saying so.

A second-time complaint (khiếu nại lần hai, Luật Khiếu nại 2011, Điều 33) names the first-time petition (when it is
in the system) or the first-time decision as the complainant brings it; the time limit to lodge it is computed at
receipt (``lodging_due``), its acceptance and resolution deadlines are the second-time rules (Điều 36, 37). One
lodged after the time limit is received and shown as late, but accepted only once a handler records the objective
obstacle that delayed it (trở ngại khách quan); otherwise the handler refuses it (không thụ lý) with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.permissions import require_commune_in_area
from ansinh.casework.models import (
    DeadlineRule,
    DeadlineStage,
    Petition,
    PetitionKind,
    PetitionStatus,
    PetitionStep,
)
from ansinh.casework.permissions import HANDLERS, PETITION_WORKFLOW
from ansinh.core.audit import audit_record
from ansinh.core.calendar import deadline_add
from ansinh.core.calendar import deadline_state as calendar_deadline_state
from ansinh.core.errors import DomainError
from ansinh.core.text import clean_name, name_problem

WARNING_DAYS = 5  # a deadline this close is shown as a warning
OBSTACLES = "ốm đau, thiên tai, địch họa, đi công tác, học tập ở nơi xa hoặc trở ngại khách quan khác"


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """``start`` + ``days`` calendar days, or working days (``core.calendar``)."""
    return deadline_add(start, days, working=working)


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
    return calendar_deadline_state(due, warning_days=WARNING_DAYS, today=today)


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
    # a second-time complaint: the first petition (in the system) or the first decision brought by the complainant
    second_time: bool = False
    first_petition: Petition | None = None
    first_decision_number: str = ""
    first_decision_date: dt.date | None = None
    first_decision_received_on: dt.date | None = None
    late_reason: str = ""


def _number(received_on: dt.date) -> str:
    count = Petition.objects.filter(number__startswith=f"{received_on:%Y}/").count() + 1
    return f"{received_on:%Y}/{count:05d}"


def _text(value: str, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


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
    identity = identity_checked(details.petitioner_identity, field="petitioner_identity")
    summary = _text(details.summary, 5000)
    if not summary:
        raise DomainError("Ghi nội dung tóm tắt của đơn.", field="summary")
    phone = "".join(ch for ch in details.petitioner_phone or "" if ch.isdigit() or ch in "+ ")[:20]
    return {"kind": details.kind, "channel": details.channel, "received_on": details.received_on,
            "petitioner_name": name, "petitioner_address": clean_name(details.petitioner_address)[:300],
            "petitioner_phone": phone, "petitioner_identity": identity, "summary": summary,
            "complex_case": bool(details.complex_case), "remote_area": bool(details.remote_area)}


def identity_checked(value: str, *, field: str) -> str:
    identity = (value or "").strip()
    if identity and not (identity.isascii() and identity.isdigit() and len(identity) in (9, 12)):
        raise DomainError("Số định danh gồm 12 chữ số (hoặc CMND 9 chữ số).", field=field)
    return identity


def _lodging_stage(remote_area: bool) -> str:
    return DeadlineStage.LODGE_2_REMOTE if remote_area else DeadlineStage.LODGE_2


def _from_first_petition(first: Petition, received: dt.date, commune) -> tuple[str, dt.date | None, dt.date | None]:
    """(its decision number, its decision date, the end of its deadline when it was left without a decision)."""
    if first.kind != PetitionKind.COMPLAINT or first.second_time:
        raise DomainError(f"Đơn {first.number} không phải khiếu nại lần đầu: chỉ khiếu nại lần hai đối với quyết định "
                          "giải quyết khiếu nại lần đầu (sau quyết định lần hai là khởi kiện tại Tòa án).",
                          field="first_petition")
    if first.commune_id != commune.pk:
        raise DomainError(f"Đơn lần đầu {first.number} thuộc {first.commune.name}: khiếu nại lần hai ghi cùng "
                          "xã/phường với đơn lần đầu.", field="commune")
    if first.status in (PetitionStatus.DECIDED, PetitionStatus.CLOSED):
        return first.decision_number, first.decision_date, None
    if first.status == PetitionStatus.ACCEPTED and first.resolution_due < received:
        return "", None, first.resolution_due  # no decision within the Điều 28 deadline: counted from its end
    if first.status == PetitionStatus.ACCEPTED:
        raise DomainError(f"Đơn {first.number} đang trong thời hạn giải quyết lần đầu (đến "
                          f"{first.resolution_due:%d/%m/%Y}): chưa khiếu nại lần hai được (Luật Khiếu nại 2011, "
                          "Điều 33).", field="first_petition")
    raise DomainError(f"Đơn {first.number} chưa được thụ lý giải quyết lần đầu ({first.get_status_display().lower()}): "
                      "không có quyết định lần đầu để khiếu nại lần hai.", field="first_petition")


def _decision_received(decided: dt.date, got: dt.date | None, received: dt.date) -> dt.date:
    if got is None:
        raise DomainError("Ghi ngày người khiếu nại nhận được quyết định giải quyết lần đầu: thời hạn khiếu nại lần hai "
                          "tính từ ngày đó (Luật Khiếu nại 2011, Điều 33).", field="first_decision_received_on")
    if not decided <= got <= received:
        raise DomainError("Ngày nhận quyết định lần đầu phải từ ngày quyết định đến ngày nhận đơn lần hai.",
                          field="first_decision_received_on")
    return got


def _second_time(details: PetitionDetails, fields: dict, commune) -> dict:
    """The second-time fields, checked, with the time limit to lodge it: from the day the first decision was
    received, or from the end of the first-time deadline left without a decision (Luật Khiếu nại 2011, Điều 33)."""
    first = details.first_petition
    if not details.second_time:
        if first is not None or details.first_decision_number:
            raise DomainError("Đánh dấu «Khiếu nại lần hai» khi ghi đơn hoặc quyết định lần đầu.", field="second_time")
        return {}
    if fields["kind"] != PetitionKind.COMPLAINT:
        raise DomainError("Chỉ đơn khiếu nại mới có khiếu nại lần hai (Luật Khiếu nại 2011, Điều 33).",
                          field="second_time")
    received = fields["received_on"]
    number, decided, got = _text(details.first_decision_number, 60), details.first_decision_date, None
    undecided_end = None
    if first is not None:
        number, decided, undecided_end = _from_first_petition(first, received, commune)
    elif not number or decided is None:
        raise DomainError("Ghi số và ngày của quyết định giải quyết khiếu nại lần đầu (hoặc số đơn lần đầu nếu đơn đó "
                          "có trong hệ thống).", field="first_decision_number")
    if undecided_end is None:
        got = _decision_received(decided, details.first_decision_received_on, received)
    due, _rule = deadline(PetitionKind.COMPLAINT, _lodging_stage(fields["remote_area"]), undecided_end or got)
    return {"second_time": True, "first_petition": first, "first_decision_number": number,
            "first_decision_date": decided, "first_decision_received_on": got, "lodging_due": due,
            "late_reason": _text(details.late_reason, 2000)}


def petition_receive_in_transaction(*, actor, commune, details: PetitionDetails, refuse_late: bool = False) -> Petition:
    """Receive a petition inside the caller's transaction (``petition_receive``, or a citizen reception that takes
    the citizen's petition, ``receptions.reception_record``). ``refuse_late``: a second-time complaint past its
    time limit without an objective obstacle is refused before anything is written (the reception desk, where the
    handler explains the time limit instead) rather than received and shown late."""
    PETITION_WORKFLOW.require(actor, PetitionStep.RECEIVE)
    require_commune_in_area(actor, commune.pk)
    fields = _checked(details)
    second = _second_time(details, fields, commune)
    if refuse_late and second and not second["late_reason"] and (
            unsaved := Petition(**fields, **second)).lodged_late:
        raise DomainError(late_refusal_at_reception(unsaved), field="late_reason")
    stage = DeadlineStage.ACCEPT_2 if second else DeadlineStage.ACCEPT
    due, rule = deadline(fields["kind"], stage, fields["received_on"])
    from ansinh.core.locks import advisory_lock

    advisory_lock("casework.petition.number")
    petition = Petition.objects.create(number=_number(fields["received_on"]), commune=commune, created_by=actor,
                                       acceptance_due=due, **fields, **second)
    note = rule.reference
    summary = f"Tiếp nhận đơn {petition.number} ({petition.get_kind_display()}), hạn thụ lý {due:%d/%m/%Y}"
    if second:
        first = petition.first_petition.number if petition.first_petition else petition.first_decision_number
        note = (f"Khiếu nại lần hai đối với {first}; hạn khiếu nại lần hai {petition.lodging_due:%d/%m/%Y} "
                "(Luật Khiếu nại 2011, Điều 33)")
        if petition.lodged_late and petition.late_reason:
            note += f"; nộp quá hạn — trở ngại khách quan: {petition.late_reason}"
        summary += f"; khiếu nại lần hai đối với {first}" + (" — nộp quá hạn" if petition.lodged_late else "")
    PETITION_WORKFLOW.record(petition, PetitionStep.RECEIVE, actor=actor, note=note[:2000])
    audit_record(actor=actor, action="casework_petition.receive", obj=petition, summary=summary)
    return petition


@transaction.atomic(durable=True)
def petition_receive(*, actor, commune, details: PetitionDetails) -> Petition:
    return petition_receive_in_transaction(actor=actor, commune=commune, details=details)


def _resolution_stage(petition: Petition) -> str:
    if petition.kind != PetitionKind.COMPLAINT:
        return DeadlineStage.RESOLVE
    key = (petition.complex_case, petition.remote_area)
    if petition.second_time:
        return {(False, False): DeadlineStage.RESOLVE_2, (True, False): DeadlineStage.RESOLVE_2_COMPLEX,
                (False, True): DeadlineStage.RESOLVE_2_REMOTE, (True, True): DeadlineStage.RESOLVE_2_REMOTE_COMPLEX}[key]
    return {(False, False): DeadlineStage.RESOLVE, (True, False): DeadlineStage.RESOLVE_COMPLEX,
            (False, True): DeadlineStage.RESOLVE_REMOTE,
            (True, True): DeadlineStage.RESOLVE_REMOTE_COMPLEX}[key]


def _past_time_limit(petition: Petition) -> str:
    rule = DeadlineRule.objects.filter(kind=PetitionKind.COMPLAINT, stage=_lodging_stage(petition.remote_area)).first()
    days = f"{rule.days} ngày" if rule and rule.days else "thời hạn"
    start = (f"kể từ ngày nhận quyết định giải quyết lần đầu {petition.first_decision_received_on:%d/%m/%Y}"
             if petition.first_decision_received_on else "kể từ ngày hết thời hạn giải quyết lần đầu")
    return (f"Khiếu nại lần hai nhận ngày {petition.received_on:%d/%m/%Y}, quá thời hạn khiếu nại lần hai (hết ngày "
            f"{petition.lodging_due:%d/%m/%Y}: {days} {start}, Luật Khiếu nại 2011, Điều 33).")


def late_refusal(petition: Petition) -> str:
    """Why a second-time complaint lodged after its time limit is not accepted as it stands (Điều 33), or ''."""
    if not petition.lodged_late:
        return ""
    return (f"{_past_time_limit(petition)} Chỉ thụ lý khi người khiếu nại có trở ngại khách quan ({OBSTACLES} — "
            "Điều 9): ghi trở ngại đó vào ô «Trở ngại khách quan»; nếu không, chọn «Không thụ lý» và ghi lý do quá "
            "thời hạn khiếu nại.")


def late_refusal_at_reception(petition: Petition) -> str:
    """Why the reception desk does not take a second-time complaint past its time limit as it stands."""
    return (f"{_past_time_limit(petition)} Chỉ tiếp nhận đơn khi người khiếu nại có trở ngại khách quan ({OBSTACLES} — "
            "Luật Khiếu nại 2011, Điều 9): ghi trở ngại đó vào ô «Trở ngại khách quan»; nếu không, chọn hướng xử lý "
            "«Giải thích, hướng dẫn» và ghi nội dung đã giải thích cho công dân về thời hạn khiếu nại.")


@transaction.atomic(durable=True)
def petition_accept(*, actor, petition: Petition, accepted_on: dt.date | None, handler,
                    late_reason: str = "") -> Petition:
    if handler is None or handler.role not in HANDLERS:
        raise DomainError("Chọn cán bộ xử lý đơn được giao giải quyết.", field="handler")
    late_reason = _text(late_reason, 2000)

    def update(locked):
        if accepted_on is None or accepted_on < locked.received_on or accepted_on > timezone.localdate():
            raise DomainError("Ngày thụ lý phải từ ngày nhận đơn đến hôm nay.", field="accepted_on")
        changed = ["accepted_on", "resolution_due", "handler"]
        if late_reason and locked.second_time:
            locked.late_reason = late_reason
            changed.append("late_reason")
        if locked.lodged_late and not locked.late_reason:
            raise DomainError(late_refusal(locked), field="late_reason")
        due, _rule = deadline(locked.kind, _resolution_stage(locked), accepted_on)
        locked.accepted_on, locked.resolution_due, locked.handler = accepted_on, due, handler
        return changed

    note = f"Trở ngại khách quan (nộp quá hạn): {late_reason}" if late_reason and petition.lodged_late else ""
    return PETITION_WORKFLOW.perform(petition, PetitionStep.ACCEPT, actor=actor, update=update, note=note,
                                     summary=f"Thụ lý đơn {petition.number}")


@transaction.atomic(durable=True)
def petition_reject(*, actor, petition: Petition, reason: str) -> Petition:
    reason = _text(reason, 2000)
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
    number = _text(decision_number, 60)
    if not number:
        raise DomainError("Ghi số quyết định giải quyết khiếu nại hoặc kết luận nội dung tố cáo.",
                          field="decision_number")

    def update(locked):
        if decision_date is None or decision_date < locked.accepted_on or decision_date > timezone.localdate():
            raise DomainError("Ngày quyết định phải từ ngày thụ lý đến hôm nay.", field="decision_date")
        locked.decision_number, locked.decision_date = number, decision_date
        locked.outcome = _text(outcome, 5000)
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
