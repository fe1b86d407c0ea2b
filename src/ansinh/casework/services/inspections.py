"""Inspections: recorded and concluded by the inspector with the amounts to recover per person; the conclusion's
amounts entered into the payroll's recoveries ledger by a ledger keeper (``payroll.services.recoveries`` — the
one ledger; each amount linked to its debt in the same transaction)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.casework.models import Inspection, InspectionStatus, RecoveryDemand
from ansinh.casework.permissions import require_inspector
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.formatting import vn_money
from ansinh.payroll.models import REGISTERS
from ansinh.payroll.services.recoveries import MAX_AMOUNT, inspection_debt_write


def _text(value: str, limit: int, field: str, label: str) -> str:
    clean = (value or "").replace("\x00", "").strip()[:limit]
    if not clean:
        raise DomainError(f"Ghi {label}.", field=field)
    return clean


@transaction.atomic(durable=True)
def inspection_create(*, actor, commune, title: str, decision_number: str, decision_date: dt.date | None,
                      subject: str, team: str) -> Inspection:
    require_inspector(actor, commune.pk)
    if decision_date is None or decision_date > timezone.localdate():
        raise DomainError("Ngày quyết định thanh tra không hợp lệ.", field="decision_date")
    inspection = Inspection.objects.create(
        commune=commune, title=_text(title, 300, "title", "tên cuộc thanh tra"),
        decision_number=_text(decision_number, 60, "decision_number", "số quyết định thanh tra"),
        decision_date=decision_date, subject=_text(subject, 300, "subject", "đối tượng thanh tra"),
        team=_text(team, 2000, "team", "đoàn thanh tra"), created_by=actor)
    audit_record(actor=actor, action="casework.inspection_create", obj=inspection, summary=str(inspection)[:500])
    return inspection


@transaction.atomic(durable=True)
def demand_add(*, actor, inspection: Inspection, person, register: str, amount: int, reason: str) -> RecoveryDemand:
    require_inspector(actor, inspection.commune_id)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != InspectionStatus.PLANNED:
        raise DomainError("Kết luận đã ban hành: không thêm khoản phải thu hồi.")
    if person.commune_id != locked.commune_id:
        raise DomainError("Người này không thuộc xã/phường của cuộc thanh tra.", field="person")
    if register not in REGISTERS:
        raise DomainError("Chọn chế độ.", field="register")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise DomainError("Số tiền phải là số nguyên dương (đồng).", field="amount")
    try:
        with transaction.atomic():
            demand = RecoveryDemand.objects.create(inspection=locked, person=person, register=register, amount=amount,
                                                   reason=_text(reason, 300, "reason", "lý do"), recorded_by=actor)
    except IntegrityError as err:
        raise DomainError(f"{person.full_name} đã có khoản phải thu hồi của chế độ này trong kết luận.") from err
    audit_record(actor=actor, action="casework.demand_add", obj=demand,
                 summary=f"{locked.decision_number}: {person.full_name} phải thu hồi {vn_money(amount)}")
    return demand


@transaction.atomic(durable=True)
def inspection_conclude(*, actor, inspection: Inspection, conclusion_number: str, conclusion_date: dt.date | None,
                        findings: str) -> Inspection:
    require_inspector(actor, inspection.commune_id)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status == InspectionStatus.CONCLUDED:
        raise ConcurrentChange(f"Cuộc thanh tra đã có kết luận {locked.conclusion_number}.")
    if conclusion_date is None or conclusion_date < locked.decision_date or conclusion_date > timezone.localdate():
        raise DomainError("Ngày kết luận phải từ ngày quyết định thanh tra đến hôm nay.", field="conclusion_date")
    locked.conclusion_number = _text(conclusion_number, 60, "conclusion_number", "số kết luận thanh tra")
    locked.conclusion_date, locked.findings = conclusion_date, _text(findings, 10000, "findings", "nội dung kết luận")
    locked.status = InspectionStatus.CONCLUDED
    locked.save(update_fields=["conclusion_number", "conclusion_date", "findings", "status", "updated_at"])
    audit_record(actor=actor, action="casework.inspection_conclude", obj=locked,
                 summary=f"Kết luận thanh tra {locked.conclusion_number}")
    return locked


@transaction.atomic(durable=True)
def demands_to_ledger(*, actor, inspection: Inspection) -> int:
    """Every amount of the conclusion not yet in the ledger becomes a debt there («truy thu theo kết luận thanh
    tra»), linked to it. The ledger's own service checks the keeper's role and area."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != InspectionStatus.CONCLUDED:
        raise DomainError("Chỉ ghi vào sổ truy thu khi cuộc thanh tra đã có kết luận.")
    demands = list(RecoveryDemand.objects.select_for_update().select_related("person")
                   .filter(inspection=locked, recovery_entry__isnull=True))
    if not demands:
        raise DomainError("Mọi khoản phải thu hồi của kết luận đã có trong sổ truy thu.")
    for demand in demands:
        demand.recovery_entry = inspection_debt_write(
            actor=actor, person=demand.person, register=demand.register, amount=demand.amount,
            document_number=locked.conclusion_number, document_date=locked.conclusion_date,
            note=f"{demand.reason} (cuộc thanh tra {locked.decision_number})")
        demand.save(update_fields=["recovery_entry"])
    audit_record(actor=actor, action="casework.demands_to_ledger", obj=locked,
                 summary=f"Ghi {len(demands)} khoản của kết luận {locked.conclusion_number} vào sổ truy thu")
    return len(demands)
