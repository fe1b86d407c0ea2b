"""The organisation as data: units, their parents and fields of work with validity dates. The 2025 reorganisation
(functions moved to Nội vụ, Y tế, Nông nghiệp và Môi trường, Giáo dục; district offices ended on 30/6/2025) is a
call of these services with dates, never a code change."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.planning.models import OrgLink, OrgUnit, Responsibility, UnitKind, WorkField
from ansinh.planning.permissions import require_organiser

ONE_DAY = dt.timedelta(days=1)


def _overlaps(qs, start: dt.date, end: dt.date | None):
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return qs if end is None else qs.filter(valid_from__lte=end)


@transaction.atomic(durable=True)
def org_unit_create(*, actor, code: str, name: str, kind: str, valid_from: dt.date, parent: OrgUnit | None = None,  # noqa: PLR0913 — the record's own fields, keyword-only
                    admin_unit=None, short_name: str = "", head_name: str = "", head_title: str = "", order: int = 0,
                    legal_basis: str = "") -> OrgUnit:
    require_organiser(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise DomainError("Đơn vị cần có mã và tên.", field="name")
    if kind not in UnitKind.values:
        raise DomainError("Loại đơn vị không hợp lệ.", field="kind")
    if OrgUnit.objects.filter(code=code).exists():
        raise DomainError(f"Mã đơn vị «{code}» đã có.", field="code")
    unit = OrgUnit.objects.create(code=code, name=name, kind=kind, valid_from=valid_from, admin_unit=admin_unit,
                                  short_name=short_name, head_name=head_name, head_title=head_title, order=order,
                                  legal_basis=legal_basis)
    if parent is not None:
        _link(unit, parent, valid_from, legal_basis)
    audit_record(actor=actor, action="planning.unit_create", obj=unit, summary=f"Thêm đơn vị {name} từ {valid_from:%d/%m/%Y}")
    return unit


def _link(child: OrgUnit, parent: OrgUnit, start: dt.date, basis: str) -> OrgLink:
    if not parent.valid_on(start):
        raise DomainError(f"Đơn vị cấp trên «{parent.name}» không còn hiệu lực ngày {start:%d/%m/%Y}.", field="parent")
    if child.pk == parent.pk:
        raise DomainError("Một đơn vị không thể là cấp trên của chính nó.", field="parent")
    if _overlaps(OrgLink.objects.select_for_update().filter(child=child), start, None).exists():
        raise DomainError(f"«{child.name}» đã có cấp trên từ ngày {start:%d/%m/%Y}; kết thúc quan hệ cũ trước.",
                          field="parent")
    return OrgLink.objects.create(child=child, parent=parent, valid_from=start, legal_basis=basis)


@transaction.atomic(durable=True)
def org_unit_move(*, actor, unit: OrgUnit, new_parent: OrgUnit, on: dt.date, legal_basis: str) -> OrgLink:
    """From ``on``, ``unit`` is under ``new_parent``; the old link ends the day before."""
    require_organiser(actor)
    if not legal_basis.strip():
        raise DomainError("Ghi căn cứ của việc chuyển đơn vị (quyết định, nghị định…).", field="legal_basis")
    for link in OrgLink.objects.select_for_update().filter(child=unit, valid_to__isnull=True):
        if link.valid_from >= on:
            raise DomainError("Ngày chuyển phải sau ngày bắt đầu của quan hệ cấp trên hiện tại.", field="on")
        link.valid_to = on - ONE_DAY
        link.save(update_fields=["valid_to"])
    link = _link(unit, new_parent, on, legal_basis)
    audit_record(actor=actor, action="planning.unit_move", obj=unit,
                 summary=f"{unit.name} chuyển về {new_parent.name} từ {on:%d/%m/%Y}", details={"basis": legal_basis})
    return link


@transaction.atomic(durable=True)
def org_unit_close(*, actor, unit: OrgUnit, last_day: dt.date, successor: OrgUnit | None = None,
                   legal_basis: str) -> OrgUnit:
    """The unit ends on ``last_day`` (its links and fields end with it); ``successor`` takes over its records."""
    require_organiser(actor)
    locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if last_day < locked.valid_from:
        raise DomainError("Ngày kết thúc trước ngày thành lập đơn vị.", field="last_day")
    if locked.valid_to is not None and locked.valid_to < last_day:
        raise DomainError(f"Đơn vị đã kết thúc ngày {locked.valid_to:%d/%m/%Y}.", field="last_day")
    locked.valid_to, locked.successor = last_day, successor
    locked.legal_basis = (locked.legal_basis + "; " if locked.legal_basis else "") + legal_basis
    locked.save(update_fields=["valid_to", "successor", "legal_basis", "updated_at"])
    for qs in (OrgLink.objects.filter(child=locked), OrgLink.objects.filter(parent=locked),
               Responsibility.objects.filter(unit=locked)):
        qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)).update(valid_to=last_day)
    audit_record(actor=actor, action="planning.unit_close", obj=locked,
                 summary=f"{locked.name} kết thúc ngày {last_day:%d/%m/%Y}", details={"basis": legal_basis})
    return locked


@transaction.atomic(durable=True)
def responsibility_assign(*, actor, field: str, unit: OrgUnit, on: dt.date, legal_basis: str = "") -> Responsibility:
    """From ``on`` the field of work is held by ``unit``; whoever held it before stops the day before."""
    require_organiser(actor)
    if field not in WorkField.values:
        raise DomainError("Lĩnh vực không hợp lệ.", field="field")
    if not unit.valid_on(on):
        raise DomainError(f"«{unit.name}» không có hiệu lực ngày {on:%d/%m/%Y}.", field="unit")
    for held in Responsibility.objects.select_for_update().filter(field=field, valid_to__isnull=True):
        if held.valid_from >= on:
            raise DomainError("Ngày giao lĩnh vực phải sau ngày giao trước đó.", field="on")
        held.valid_to = on - ONE_DAY
        held.save(update_fields=["valid_to"])
    row = Responsibility.objects.create(field=field, unit=unit, valid_from=on, legal_basis=legal_basis)
    audit_record(actor=actor, action="planning.responsibility", obj=row,
                 summary=f"Lĩnh vực {WorkField(field).label} giao {unit.name} từ {on:%d/%m/%Y}")
    return row
