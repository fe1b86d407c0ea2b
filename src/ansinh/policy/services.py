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
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.policy.bridge import (
    ParameterAdditionError,
    build_tax_benefit_system,
    find_parameter,
    validate_value,
)
from ansinh.policy.models import ChangeStatus, ChangeStep, ParameterChange
from ansinh.policy.permissions import PARAMETER_WORKFLOW, require_parameter_manager
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
        validate_value(leaf, value)
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
    PARAMETER_WORKFLOW.record(change, ChangeStep.PROPOSE, actor=actor, note=reference)
    audit_record(actor=actor, action="parameter_change_propose", obj=change,
                 summary=f"Đề xuất {parameter} = {value} từ {start:%d/%m/%Y} ({reference})",
                 details={"parameter": parameter, "start": start.isoformat(), "value": value})
    return change


def _decide(change: ParameterChange, actor: User) -> list[str]:
    change.decided_by, change.decided_at = actor, timezone.now()
    return ["decided_by", "decided_at"]


@transaction.atomic(durable=True)
def parameter_change_approve(*, actor: User, change: ParameterChange) -> ParameterChange:
    """Approve a proposal (by an administrator other than the proposer); computations then use it."""

    def approve(locked: ParameterChange) -> list[str]:
        _check_no_approved_on(parameter=locked.parameter, start=locked.start, exclude_pk=locked.pk)
        try:
            build_tax_benefit_system((*approved_additions(), locked.as_addition()))
        except ParameterAdditionError as err:
            raise DomainError(f"Không áp dụng được giá trị này: {err}") from None
        return _decide(locked, actor)

    try:
        with transaction.atomic():
            return PARAMETER_WORKFLOW.perform(
                change, ChangeStep.APPROVE, actor=actor, update=approve,
                summary=f"Duyệt {change.parameter} = {change.value} từ {change.start:%d/%m/%Y}",
                details={"proposed_by": change.proposed_by_id})
    except IntegrityError as err:  # another approval for the same parameter and date won the race
        raise ConcurrentChange("Một giá trị khác cho cùng tham số và ngày vừa được duyệt. Hãy tải lại trang.") from err


@transaction.atomic(durable=True)
def parameter_change_reject(*, actor: User, change: ParameterChange, reason: str) -> ParameterChange:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Hãy ghi lý do từ chối.", field="reason")

    def reject(locked: ParameterChange) -> list[str]:
        locked.rejection_reason = reason
        return [*_decide(locked, actor), "rejection_reason"]

    return PARAMETER_WORKFLOW.perform(change, ChangeStep.REJECT, actor=actor, note=reason, update=reject,
                                      summary=f"Từ chối {change.parameter} = {change.value} từ "
                                              f"{change.start:%d/%m/%Y}: {reason}")


@transaction.atomic(durable=True)
def parameter_change_withdraw(*, actor: User, change: ParameterChange) -> ParameterChange:
    """The proposer takes back a proposal not yet decided."""

    def withdraw(locked: ParameterChange) -> list[str]:
        locked.decided_at = timezone.now()
        return ["decided_at"]

    return PARAMETER_WORKFLOW.perform(change, ChangeStep.WITHDRAW, actor=actor, update=withdraw,
                                      summary=f"Rút đề xuất {change.parameter} = {change.value} từ "
                                              f"{change.start:%d/%m/%Y}")


__all__ = ["parameter_change_propose", "parameter_change_approve",
           "parameter_change_reject", "parameter_change_withdraw"]
