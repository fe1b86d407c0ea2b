"""The steps of a commune's payroll sheet, on the shared workflow engine (``permissions.SHEET_WORKFLOW``).

Each step: role and area, the row locked, the source state (a double click or two people at once: the second is
refused, saying the state the sheet is in), maker-checker from the sheet's own events (whoever generated,
submitted or appraised a sheet never approves it; the database refuses it too), one event row and one audit row.

Sending a sheet to the payment agent freezes it for good and records what it hands over: the agent, the funds
total and the agent's fee (``ncc.payment_agent_fee``, at most 0,75% for NCC — TT 44/2022/TT-BTC), and moves its
recovery lines to the recoveries ledger (each overpayment becomes a debt of the person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from ansinh.accounts.models import User
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.formatting import vn_money, vn_number
from ansinh.payroll.models import PayrollMonth, PayrollSheet, SheetStatus, SheetStep
from ansinh.payroll.permissions import AGENTS, SHEET_WORKFLOW
from ansinh.payroll.services.recoveries import debts_from_sheet
from ansinh.policy.bridge import parameter_at
from ansinh.policy.selectors import approved_additions

MIN_REASON = 5
FEE_PARAMETERS = {"ncc": "ncc.payment_agent_fee"}


@transaction.atomic(durable=True)
def sheet_submit(*, actor: User, sheet: PayrollSheet, note: str = "") -> PayrollSheet:
    """The commune (or the district) has checked its list and submits it for appraisal."""

    def ready(locked: PayrollSheet) -> list[str]:
        if locked.line_count == 0:
            raise DomainError("Bảng chi trả không có dòng nào để trình.")
        locked.return_reason = ""
        return ["return_reason"]

    return SHEET_WORKFLOW.perform(sheet, SheetStep.SUBMIT, actor=actor, note=(note or "").strip(), update=ready,
                                  summary=f"Trình thẩm định {sheet}")


@transaction.atomic(durable=True)
def sheet_return(*, actor: User, sheet: PayrollSheet, reason: str) -> PayrollSheet:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError("Ghi rõ lý do trả lại bảng chi trả.", field="reason")

    def give_back(locked: PayrollSheet) -> list[str]:
        locked.return_reason = reason[:2000]
        return ["return_reason"]

    return SHEET_WORKFLOW.perform(sheet, SheetStep.RETURN, actor=actor, note=reason, update=give_back,
                                  summary=f"Trả lại {sheet}: {reason}")


@transaction.atomic(durable=True)
def sheet_appraise(*, actor: User, sheet: PayrollSheet, note: str = "") -> PayrollSheet:
    return SHEET_WORKFLOW.perform(sheet, SheetStep.APPRAISE, actor=actor, note=(note or "").strip(),
                                  summary=f"Thẩm định {sheet}")


@transaction.atomic(durable=True)
def sheet_approve(*, actor: User, sheet: PayrollSheet, note: str = "") -> PayrollSheet:
    return SHEET_WORKFLOW.perform(sheet, SheetStep.APPROVE, actor=actor, note=(note or "").strip(),
                                  summary=f"Phê duyệt {sheet}: {vn_number(sheet.person_count)} người, {vn_money(sheet.amount_total)}")


def fee_rate(register: str, month: dt.date) -> tuple[Decimal | None, str]:
    """The agent's fee rate for the month (None: no value — the parameter is empty then) and its parameter."""
    parameter = FEE_PARAMETERS.get(register)
    if parameter is None:
        return None, ""
    value = parameter_at(parameter, month, approved_additions())
    return (None if value is None else Decimal(str(value))), parameter


def fee_amount(total: int, rate: Decimal | None) -> int | None:
    if rate is None:
        return None
    return int((Decimal(total) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _send(actor: User, sheet: PayrollSheet, agent: User) -> PayrollSheet:
    if agent is None or agent.role not in AGENTS or not agent.is_active:
        raise PermissionDenied("Tổ chức chi trả phải là tài khoản đang hoạt động có vai trò «Tổ chức chi trả».")

    def hand_over(locked: PayrollSheet) -> list[str]:
        rate, _parameter = fee_rate(locked.register, locked.month)
        locked.agent = agent
        locked.fee_rate, locked.fee_amount = rate, fee_amount(locked.amount_total, rate)
        debts_from_sheet(actor=actor, sheet=locked)
        return ["agent", "fee_rate", "fee_amount"]

    return SHEET_WORKFLOW.perform(sheet, SheetStep.SEND, actor=actor, update=hand_over, note=f"Qua {agent}",
                                  summary=f"Gửi {sheet} cho {agent}: {vn_number(sheet.person_count)} người, {vn_money(sheet.amount_total)}")


@transaction.atomic(durable=True)
def sheet_send(*, actor: User, sheet: PayrollSheet, agent: User) -> PayrollSheet:
    """Send the approved sheet (the list and the funds) to the payment agent: frozen from now on."""
    return _send(actor, sheet, agent)


@transaction.atomic(durable=True)
def sheet_reconcile(*, actor: User, sheet: PayrollSheet, note: str = "") -> PayrollSheet:
    """The district or province confirms the sheet's figures against the agent's report."""
    return SHEET_WORKFLOW.perform(sheet, SheetStep.RECONCILE, actor=actor, note=(note or "").strip(),
                                  summary=f"Đối soát {sheet}")


STEP_SERVICES = {SheetStep.SUBMIT, SheetStep.APPRAISE, SheetStep.APPROVE, SheetStep.RECONCILE}


@transaction.atomic(durable=True)
def sheets_step(*, actor: User, payroll_month: PayrollMonth, step: str, agent: User | None = None,
                sheets: Iterable[PayrollSheet] | None = None) -> int:
    """One step for every sheet of the month this user may take it on now (the province approving all the
    appraised sheets at once, for instance): each sheet through the workflow, its own event and audit row, all in
    one transaction — one refusal and nothing is done. Returns the number of sheets moved."""
    if step not in STEP_SERVICES | {SheetStep.SEND}:
        raise DomainError("Bước không hợp lệ.")
    transition = SHEET_WORKFLOW.transition(step)
    candidates = list(sheets) if sheets is not None else list(
        PayrollSheet.objects.filter(payroll_month=payroll_month, status__in=transition.source)
        .select_related("commune", "payroll_month").order_by("commune__name"))
    moved = 0
    for sheet in candidates:
        if not SHEET_WORKFLOW.available(actor, sheet).get(step):
            continue
        if step == SheetStep.SEND:
            _send(actor, sheet, agent)
        elif step == SheetStep.SUBMIT and sheet.line_count == 0:
            continue
        else:
            SHEET_WORKFLOW.perform(sheet, step, actor=actor, summary=f"{SHEET_WORKFLOW.step_label(step)} {sheet}")
        moved += 1
    if not moved:
        raise DomainError(f"Không có bảng chi trả nào bạn {SHEET_WORKFLOW.step_label(step).lower()} được lúc này.")
    return moved


def sheet_mark_results(*, actor: User, sheet: PayrollSheet) -> PayrollSheet:
    """Every payee of the sheet has a result (called by the results import, inside its transaction)."""
    return SHEET_WORKFLOW.perform(sheet, SheetStep.RESULTS, actor=actor, summary=f"Đủ kết quả chi trả {sheet}")


__all__ = ["sheet_submit", "sheet_return", "sheet_appraise", "sheet_approve", "sheet_send", "sheet_reconcile",
           "sheets_step", "sheet_mark_results", "fee_rate", "fee_amount", "SheetStatus"]
