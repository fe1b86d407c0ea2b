"""Writes of the policy app: dated parameter values under maker-checker.

One user action = one transaction = one audit row. Errors are ``DomainError`` with a Vietnamese
message (``field`` names the form field).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.policy.bridge import (
    ParameterAdditionError,
    _validate_value,
    build_tax_benefit_system,
    find_parameter,
)
from ansinh.policy.models import ChangeStatus, ParameterChange
from ansinh.policy.permissions import require_parameter_manager
from ansinh.policy.selectors import approved_additions

JsonValue = float | int | str | bool


def _checked_value(*, parameter: str, value) -> JsonValue:
    """The value as stored (JSON), after the bridge's type check for the parameter's unit."""
    try:
        leaf = find_parameter(build_tax_benefit_system(), parameter)
    except ParameterAdditionError as err:
        raise DomainError(str(err), field="parameter") from None
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:
        _validate_value(leaf, value)
    except ParameterAdditionError as err:
        raise DomainError(str(err), field="value") from None
    return value


def _check_no_approved_on(*, parameter: str, start: dt.date, exclude_pk: int | None = None) -> None:
    approved = ParameterChange.objects.filter(parameter=parameter, start=start, status=ChangeStatus.APPROVED)
    if exclude_pk is not None:
        approved = approved.exclude(pk=exclude_pk)
    if approved.exists():
        raise DomainError(
            f"Tham số «{parameter}» đã có một giá trị bổ sung được duyệt từ ngày {start:%d/%m/%Y}.",
            field="start",
        )


def _locked_open(change: ParameterChange) -> ParameterChange:
    """The change re-read under a row lock; refused unless it is still waiting for a decision."""
    change = ParameterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PROPOSED:
        raise ConcurrentChange(
            f"Đề xuất này đã được xử lý trước đó (trạng thái: {change.get_status_display()}). Hãy tải lại trang."
        )
    return change


def _require_checker(*, actor: User, change: ParameterChange, verb: str) -> None:
    if change.proposed_by_id == actor.pk:
        raise PermissionDenied(
            f"Bạn là người đề xuất nên không được tự {verb}; cần một quản trị viên khác {verb} đề xuất này."
        )


@transaction.atomic(durable=True)
def parameter_change_propose(*, actor: User, parameter: str, start: dt.date, value: JsonValue,
                             reference: str, note: str = "") -> ParameterChange:
    """Propose a dated value for ``parameter``; it applies only once another administrator approves it."""
    require_parameter_manager(actor)
    parameter, reference = (parameter or "").strip(), (reference or "").strip()
    if not parameter:
        raise DomainError("Hãy chọn tham số.", field="parameter")
    if not isinstance(start, dt.date):
        raise DomainError("Hãy nhập ngày áp dụng (dd/mm/yyyy).", field="start")
    if not reference:
        raise DomainError("Hãy ghi căn cứ pháp lý: số văn bản, điều, ngày.", field="reference")
    value = _checked_value(parameter=parameter, value=value)
    _check_no_approved_on(parameter=parameter, start=start)
    change = ParameterChange(parameter=parameter, start=start, value=value, reference=reference,
                             note=(note or "").strip(), proposed_by=actor, proposed_at=timezone.now())
    change.save()
    audit_record(actor=actor, action="parameter_change_propose", obj=change,
                 summary=f"Đề xuất {parameter} = {value} từ {start:%d/%m/%Y} ({reference})",
                 details={"parameter": parameter, "start": start.isoformat(), "value": value})
    return change


@transaction.atomic(durable=True)
def parameter_change_approve(*, actor: User, change: ParameterChange) -> ParameterChange:
    """Approve a proposal (by an administrator other than the proposer); computations then use it."""
    require_parameter_manager(actor)
    _require_checker(actor=actor, change=change, verb="duyệt")
    change = _locked_open(change)
    _check_no_approved_on(parameter=change.parameter, start=change.start, exclude_pk=change.pk)
    try:
        build_tax_benefit_system((*approved_additions(), change.as_addition()))
    except ParameterAdditionError as err:
        raise DomainError(f"Không áp dụng được giá trị này: {err}") from None
    change.status, change.decided_by, change.decided_at = ChangeStatus.APPROVED, actor, timezone.now()
    try:
        with transaction.atomic():
            change.save(update_fields=["status", "decided_by", "decided_at"])
    except IntegrityError as err:  # another approval for the same parameter and date won the race
        raise ConcurrentChange("Một giá trị khác cho cùng tham số và ngày vừa được duyệt. Hãy tải lại trang.") from err
    audit_record(actor=actor, action="parameter_change_approve", obj=change,
                 summary=f"Duyệt {change.parameter} = {change.value} từ {change.start:%d/%m/%Y}",
                 details={"proposed_by": change.proposed_by_id})
    return change


@transaction.atomic(durable=True)
def parameter_change_reject(*, actor: User, change: ParameterChange, reason: str) -> ParameterChange:
    require_parameter_manager(actor)
    _require_checker(actor=actor, change=change, verb="từ chối")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Hãy ghi lý do từ chối.", field="reason")
    change = _locked_open(change)
    change.status, change.decided_by, change.decided_at = ChangeStatus.REJECTED, actor, timezone.now()
    change.rejection_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    audit_record(actor=actor, action="parameter_change_reject", obj=change,
                 summary=f"Từ chối {change.parameter} = {change.value} từ {change.start:%d/%m/%Y}: {reason}")
    return change


@transaction.atomic(durable=True)
def parameter_change_withdraw(*, actor: User, change: ParameterChange) -> ParameterChange:
    """The proposer takes back a proposal not yet decided."""
    if change.proposed_by_id != actor.pk:
        raise PermissionDenied("Chỉ người đề xuất mới rút được đề xuất này.")
    change = _locked_open(change)
    change.status, change.decided_at = ChangeStatus.WITHDRAWN, timezone.now()
    change.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="parameter_change_withdraw", obj=change,
                 summary=f"Rút đề xuất {change.parameter} = {change.value} từ {change.start:%d/%m/%Y}")
    return change


__all__ = ["parameter_change_propose", "parameter_change_approve",
           "parameter_change_reject", "parameter_change_withdraw"]
