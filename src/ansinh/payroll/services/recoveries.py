"""The recoveries ledger (sổ theo dõi truy thu), per person and register: debts and repayments, append-only.

Debts come from two places: the engine's recovery lines (an overpayment — a death reported late, a rate cut from
a month already paid, a decrease or suspension after a payment) become debts when their sheet is sent to the
payment agent; and inspection conclusions («truy thu theo kết luận thanh tra»), entered with their document
number and amount. Repayments are recorded with their receipt and never exceed what is still owed.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money
from ansinh.core.locks import advisory_lock
from ansinh.payroll.models import (
    REGISTERS,
    EntryKind,
    PayrollLine,
    PayrollSheet,
    RecoveryEntry,
    RecoveryOrigin,
)
from ansinh.payroll.permissions import require_ledger_keeper
from ansinh.programmes.models import EnrolmentChange, EnrolmentEvent
from ansinh.registry.models import Person

MAX_AMOUNT = 10**12


def _origin(line: PayrollLine, rate_cut_enrolments: set[int]) -> str:
    facts = line.facts if isinstance(line.facts, dict) else json.loads(line.facts or "{}")
    death = facts.get("death_date")
    if death and dt.date.fromisoformat(death) < line.entitlement_month:
        return RecoveryOrigin.LATE_DEATH
    if line.enrolment_id in rate_cut_enrolments:
        return RecoveryOrigin.RATE_CUT
    return RecoveryOrigin.OVERPAYMENT


def debts_from_sheet(*, actor: User, sheet: PayrollSheet) -> int:
    """The sheet's recovery lines as debts of the ledger (inside the send step's transaction)."""
    lines = list(PayrollLine.objects.filter(sheet=sheet, kind="recovery", recovery_entry__isnull=True))
    if not lines:
        return 0
    changed = set(EnrolmentEvent.objects.filter(enrolment_id__in={line.enrolment_id for line in lines if line.enrolment_id},
                                                kind=EnrolmentChange.RATE_CHANGE).values_list("enrolment_id", flat=True))
    entries = [RecoveryEntry(person_id=line.person_id, register=line.register, commune_id=sheet.commune_id,
                             kind=EntryKind.DEBT, origin=_origin(line, changed), amount=-line.amount, line=line,
                             recorded_by=actor,
                             note=f"Truy thu tháng {line.entitlement_month:%m/%Y} (bảng chi trả tháng "
                                  f"{sheet.month:%m/%Y})")
               for line in lines]
    RecoveryEntry.objects.bulk_create(entries)
    return len(entries)


def owed(*, person: Person, register: str) -> int:
    totals = dict(RecoveryEntry.objects.filter(person=person, register=register).values("kind")
                  .annotate(total=Sum("amount")).values_list("kind", "total"))
    return int(totals.get(EntryKind.DEBT, 0) or 0) - int(totals.get(EntryKind.REPAYMENT, 0) or 0)


def _checked(register: str, amount, document_number: str, document_date: dt.date | None) -> tuple[int, str]:
    if register not in REGISTERS:
        raise DomainError("Chọn chế độ (người có công, trợ giúp xã hội, hỗ trợ thu nhập).", field="register")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or amount > MAX_AMOUNT:
        raise DomainError("Số tiền phải là số nguyên dương (đồng).", field="amount")
    document_number = (document_number or "").strip()[:80]
    if not document_number:
        raise DomainError("Ghi số văn bản hoặc chứng từ.", field="document_number")
    if document_date is None or document_date > timezone.localdate():
        raise DomainError("Ngày văn bản không hợp lệ (không được sau hôm nay).", field="document_date")
    return amount, document_number


def inspection_debt_write(*, actor: User, person: Person, register: str, amount: int, document_number: str,
                          document_date: dt.date | None, note: str = "") -> RecoveryEntry:
    """Inside the caller's transaction: the debt of an inspection conclusion (used by ``recovery_inspection_record``
    and by the inspections' «enter the conclusion's amounts into the ledger», which links each amount to its
    entry in the same transaction)."""
    require_ledger_keeper(actor, person.commune_id)
    amount, document_number = _checked(register, amount, document_number, document_date)
    advisory_lock(f"payroll.ledger.{person.pk}.{register}")
    entry = RecoveryEntry.objects.create(person=person, register=register, commune_id=person.commune_id,
                                         kind=EntryKind.DEBT, origin=RecoveryOrigin.INSPECTION, amount=amount,
                                         document_number=document_number, document_date=document_date,
                                         note=(note or "").strip()[:2000], recorded_by=actor)
    audit_record(actor=actor, action="payroll.recovery_inspection", obj=entry,
                 summary=f"Truy thu theo kết luận thanh tra {document_number}: {person.full_name} {vn_money(amount)}",
                 details={"person": person.pk, "register": register, "amount": amount})
    return entry


@transaction.atomic(durable=True)
def recovery_inspection_record(*, actor: User, person: Person, register: str, amount: int, document_number: str,
                               document_date: dt.date | None, note: str = "") -> RecoveryEntry:
    """An inspection conclusion: ``person`` must pay back ``amount`` (kết luận thanh tra số …)."""
    return inspection_debt_write(actor=actor, person=person, register=register, amount=amount,
                                 document_number=document_number, document_date=document_date, note=note)


@transaction.atomic(durable=True)
def recovery_repayment_record(*, actor: User, person: Person, register: str, amount: int, document_number: str,
                              document_date: dt.date | None, note: str = "") -> RecoveryEntry:
    """A repayment (biên lai, giấy nộp tiền) of what ``person`` owes in ``register``; never more than owed."""
    require_ledger_keeper(actor, person.commune_id)
    amount, document_number = _checked(register, amount, document_number, document_date)
    advisory_lock(f"payroll.ledger.{person.pk}.{register}")
    balance = owed(person=person, register=register)
    if amount > balance:
        raise DomainError(f"Số nộp lại {vn_money(amount)} lớn hơn số còn phải thu {vn_money(balance)}.",
                          field="amount")
    entry = RecoveryEntry.objects.create(person=person, register=register, commune_id=person.commune_id,
                                         kind=EntryKind.REPAYMENT, amount=amount, document_number=document_number,
                                         document_date=document_date, note=(note or "").strip()[:2000],
                                         recorded_by=actor)
    audit_record(actor=actor, action="payroll.recovery_repayment", obj=entry,
                 summary=f"Nộp lại {vn_money(amount)} ({document_number}): {person.full_name}; còn phải thu "
                         f"{vn_money(balance - amount)}",
                 details={"person": person.pk, "register": register, "amount": amount, "owed": balance - amount})
    return entry
