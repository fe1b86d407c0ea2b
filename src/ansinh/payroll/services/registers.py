"""Changes of the standing registers as dated events with their decision (``programmes.EnrolmentEvent``), never by
editing history: a decrease, a rate change (re-assessment, a martyr more, a new TGXH category), a suspension and
its resumption, a death, a move to another commune. The payroll reads them month by month (``payroll.sources``).

The enrolment keeps its decided facts; its ``end_date`` (decrease, death) and ``commune`` (move) follow the events
so that the other apps read the current state. The events themselves are never changed (a database trigger).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.locks import advisory_lock
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.payroll import sources
from ansinh.payroll.permissions import require_change_recorder
from ansinh.programmes.models import (
    MARTYR_RELATIVE,
    NCC_CATEGORY_CHOICES,
    NCC_RATE_RANGES,
    PAYROLL_REGISTERS,
    TGXH_CATEGORY_NAMES,
    Enrolment,
    EnrolmentChange,
    EnrolmentEvent,
    EventSource,
)

C = EnrolmentChange
KINDS_RECORDED_HERE = (C.DECREASE, C.RATE_CHANGE, C.SUSPENSION, C.RESUMPTION, C.DEATH, C.MOVE)
NCC_CATEGORIES = {name for name, _label in NCC_CATEGORY_CHOICES}


def ncc_facts_problems(category: str, martyrs: int | None, rate: int | None) -> list[str]:
    """What is wrong with NCC facts (empty: valid) — the same rules as the register file and the database."""
    if category not in NCC_CATEGORIES:
        return [f"Diện người có công «{category}» không có trong danh mục."]
    problems = []
    if category == MARTYR_RELATIVE and (martyrs is None or martyrs < 1):
        problems.append("Thân nhân liệt sĩ cần số liệt sĩ từ 1 trở lên.")
    if category != MARTYR_RELATIVE and martyrs is not None:
        problems.append("Chỉ diện thân nhân liệt sĩ ghi số liệt sĩ.")
    if category in NCC_RATE_RANGES:
        low, high = NCC_RATE_RANGES[category]
        if rate is None or not low <= rate <= high:
            problems.append(f"Tỷ lệ tổn thương của diện này phải từ {low}% đến {high}% (số nguyên).")
    elif rate is not None:
        problems.append("Diện này không ghi tỷ lệ tổn thương.")
    return problems


def _first_of_month(day: dt.date | None, field: str) -> dt.date:
    if not isinstance(day, dt.date):
        raise DomainError("Nhập tháng áp dụng (mm/yyyy).", field=field)
    return day.replace(day=1)


def _state_problems(enrolment: Enrolment, kind: str, month: dt.date, state: sources.EnrolmentState) -> str | None:
    start = enrolment.start_date.replace(day=1)
    if month < start:
        return f"Tháng áp dụng {month:%m/%Y} trước tháng bắt đầu hưởng {start:%m/%Y}."
    ended = enrolment.end_date
    if ended is not None and kind not in (C.DEATH,) and month >= ended.replace(day=1):
        return f"Hồ sơ đã thôi hưởng từ {ended:%d/%m/%Y}: không ghi thêm thay đổi sau ngày đó."
    active = bool(state.segments) and state.segments[-1]["end"] >= sources.FAR
    if kind == C.SUSPENSION and not active:
        return "Hồ sơ đang tạm dừng hưởng: không tạm dừng thêm lần nữa."
    if kind == C.RESUMPTION and active and state.held_from is None:
        return "Hồ sơ đang hưởng bình thường: không có gì để hưởng lại."
    if kind == C.DEATH and state.death_date is not None:
        return f"Đã ghi nhận đối tượng chết ngày {state.death_date:%d/%m/%Y}."
    return None


def _apply_kind(event: EnrolmentEvent, enrolment: Enrolment, state: sources.EnrolmentState, values: dict) -> list[str]:
    """Fill the event's own fields for ``kind``; returns the enrolment fields to update."""
    kind = event.kind
    if kind == C.DEATH:
        death = values.get("death_date")
        if not isinstance(death, dt.date) or death > timezone.localdate():
            raise DomainError("Ngày chết không hợp lệ (không được sau hôm nay).", field="death_date")
        person = enrolment.person
        if death < person.birth_date:
            raise DomainError("Ngày chết trước ngày sinh.", field="death_date")
        if death.replace(day=1) < enrolment.start_date.replace(day=1):
            raise DomainError(f"Ngày chết {death:%d/%m/%Y} trước tháng bắt đầu hưởng {enrolment.start_date:%m/%Y}: "
                              "kiểm tra lại quyết định hưởng.", field="death_date")
        event.death_date = death
        event.effective_month = (death.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if enrolment.end_date is None or enrolment.end_date > event.effective_month:
            enrolment.end_date = event.effective_month
            return ["end_date"]
        return []
    if kind == C.DECREASE:
        if event.effective_month <= enrolment.start_date:
            raise DomainError("Thôi hưởng phải sau tháng bắt đầu hưởng (sai quyết định hưởng: ghi một quyết định "
                              "huỷ riêng).", field="effective_month")
        enrolment.end_date = event.effective_month
        return ["end_date"]
    if kind == C.MOVE:
        to = values.get("to_commune")
        if not isinstance(to, AdminUnit) or to.level != Level.COMMUNE or to.structure != Structure.CURRENT:
            raise DomainError("Chọn xã/phường chuyển đến.", field="to_commune")
        if to.pk == enrolment.commune_id:
            raise DomainError("Xã/phường chuyển đến trùng xã/phường hiện tại.", field="to_commune")
        event.from_commune_id, event.to_commune = enrolment.commune_id, to
        enrolment.commune = to
        return ["commune"]
    if kind == C.RATE_CHANGE:
        _rate_change(event, enrolment, state, values)
    return []


def _rate_change(event: EnrolmentEvent, enrolment: Enrolment, state: sources.EnrolmentState, values: dict) -> None:
    current = state.segments[-1] if state.segments else {
        "ncc_category": enrolment.ncc_category, "ncc_martyr_count": enrolment.ncc_martyr_count,
        "ncc_injury_rate": enrolment.ncc_injury_rate, "tgxh_category": enrolment.tgxh_category}
    if enrolment.register == "ncc":
        category = values.get("ncc_category") or current["ncc_category"] or ""
        martyrs = values.get("ncc_martyr_count", current["ncc_martyr_count"]) if category == MARTYR_RELATIVE else None
        rate = values.get("ncc_injury_rate", current["ncc_injury_rate"]) if category in NCC_RATE_RANGES else None
        problems = ncc_facts_problems(category, martyrs, rate)
        if problems:
            raise DomainError(" ".join(problems), field="ncc_category")
        if (category, martyrs, rate) == (current["ncc_category"], current["ncc_martyr_count"],
                                         current["ncc_injury_rate"]):
            raise DomainError("Mức hưởng mới giống mức đang hưởng: không có gì để điều chỉnh.")
        event.ncc_category, event.ncc_martyr_count, event.ncc_injury_rate = category, martyrs, rate
        return
    category = values.get("tgxh_category") or ""
    if category not in TGXH_CATEGORY_NAMES:
        raise DomainError(f"Diện trợ giúp xã hội «{category}» không có trong danh mục.", field="tgxh_category")
    if category == current["tgxh_category"]:
        raise DomainError("Diện mới giống diện đang hưởng: không có gì để điều chỉnh.")
    event.tgxh_category = category


@transaction.atomic(durable=True)
def enrolment_change_record(*, actor: User, enrolment: Enrolment, kind: str, effective_month: dt.date | None = None,
                            decision_number: str, decision_date: dt.date | None, note: str = "",
                            **values) -> EnrolmentEvent:
    """Record one change of ``enrolment`` from ``effective_month`` with its decision.

    ``values`` by kind: ``death_date`` (death: the month after it is the first not paid); ``to_commune`` (move);
    ``ncc_category`` / ``ncc_martyr_count`` / ``ncc_injury_rate`` or ``tgxh_category`` (rate change)."""
    if kind not in KINDS_RECORDED_HERE:
        raise DomainError("Loại thay đổi không hợp lệ (đối tượng hưởng mới: nhập qua sổ đối tượng).", field="kind")
    if enrolment.register not in PAYROLL_REGISTERS:
        raise DomainError("Chỉ ghi thay đổi cho sổ người có công, trợ giúp xã hội, hỗ trợ thu nhập.")
    require_change_recorder(actor, enrolment.commune_id)
    decision_number = (decision_number or "").strip()[:60]
    if not decision_number:
        raise DomainError("Ghi số quyết định.", field="decision_number")
    if decision_date is None or decision_date > timezone.localdate():
        raise DomainError("Ngày quyết định không hợp lệ (không được sau hôm nay).", field="decision_date")
    if kind == C.DEATH:
        effective_month = (values.get("death_date") or decision_date).replace(day=1)
    month = _first_of_month(effective_month, "effective_month")
    advisory_lock(f"payroll.register.{enrolment.register}")  # a generation of the register waits for the change
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("person", "commune").get(pk=enrolment.pk)
    state = sources.enrolment_state(locked)
    refusal = _state_problems(locked, kind, month, state)
    if refusal:
        raise DomainError(refusal)
    event = EnrolmentEvent(enrolment=locked, kind=kind, source=EventSource.DECISION, effective_month=month,
                           decision_number=decision_number, decision_date=decision_date,
                           note=(note or "").strip()[:2000], recorded_by=actor)
    fields = _apply_kind(event, locked, state, values)
    event.save()
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=f"register_change.{kind}", obj=event,
                 summary=f"{event.get_kind_display()} từ {event.effective_month:%m/%Y}: {locked.person} "
                         f"({locked.get_register_display()}), QĐ {decision_number}",
                 details={"enrolment": locked.pk, "kind": kind, "effective_month": event.effective_month.isoformat()})
    return event
