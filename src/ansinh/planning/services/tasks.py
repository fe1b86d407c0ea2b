"""Tasks: framework tasks of the year and tasks assigned by a conclusion; the owner records progress (and the day it
was completed), the office follows. Status per QĐ 42/2014/QĐ-TTg is derived from the dates (``Task.status_on``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.planning.models import (
    ConclusionItem,
    OrgUnit,
    Task,
    TaskDeadlineChange,
    TaskKind,
    TaskNote,
    WorkField,
)
from ansinh.planning.permissions import TASK_UPDATERS, can_plan, require_covers, require_planner


def _checked(*, title: str, owner: OrgUnit, assigned_on: dt.date, deadline: dt.date, co_units) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Ghi nội dung nhiệm vụ.", field="title")
    if deadline < assigned_on:
        raise DomainError(f"Hạn hoàn thành {deadline:%d/%m/%Y} trước ngày giao {assigned_on:%d/%m/%Y}.",
                          field="deadline")
    for unit in (owner, *co_units):
        if not unit.valid_on(assigned_on):
            raise DomainError(f"Đơn vị «{unit.name}» không có hiệu lực ngày giao {assigned_on:%d/%m/%Y}.",
                              field="owner")
    return title


def task_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 30:
        raise DomainError("Ghi số hiệu nhiệm vụ (tối đa 30 ký tự), ví dụ NVK-12.", field="code")
    return code


@transaction.atomic(durable=True)
def task_create(*, actor, year: int, code: str, title: str, owner: OrgUnit, assigned_on: dt.date, deadline: dt.date,  # noqa: PLR0913 — the record's own fields, keyword-only
                kind: str = TaskKind.FRAMEWORK, co_units=(), product: str = "", field: str = "",
                conclusion_item: ConclusionItem | None = None) -> Task:
    require_planner(actor)
    code = task_code(code)
    co_units = [u for u in co_units if u.pk != owner.pk]
    title = _checked(title=title, owner=owner, assigned_on=assigned_on, deadline=deadline, co_units=co_units)
    if kind not in TaskKind.values:
        raise DomainError("Loại nhiệm vụ không hợp lệ.", field="kind")
    if Task.objects.filter(year=year, code=code).exists():
        raise DomainError(f"Số hiệu nhiệm vụ «{code}» năm {year} đã có.", field="code")
    task = Task.objects.create(year=year, code=code, title=title, owner=owner, assigned_on=assigned_on,
                               deadline=deadline, kind=kind, product=product[:300], field=field,
                               conclusion_item=conclusion_item, created_by=actor)
    task.co_units.set(list(co_units))
    audit_record(actor=actor, action="planning.task_create", obj=task, summary=f"Giao nhiệm vụ {code} cho {owner.name}")
    return task


@transaction.atomic(durable=True)
def task_progress(*, actor, task: Task, on: dt.date, text: str, progress: int, completed: bool = False,
                  attachment=None) -> Task:
    """A progress note of the owner (or the office); ``completed`` sets the day the task was completed (``on``)."""
    if not can_plan(actor):
        require_covers(actor, task.owner, roles=TASK_UPDATERS, doing="cập nhật nhiệm vụ của")
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.completed_on is not None:
        raise DomainError(f"Nhiệm vụ đã hoàn thành ngày {locked.completed_on:%d/%m/%Y}.", field="progress")
    if on < locked.assigned_on or on > timezone.localdate():
        raise DomainError("Ngày cập nhật phải từ ngày giao nhiệm vụ đến hôm nay.", field="on")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise DomainError("Tiến độ là số phần trăm từ 0 đến 100.", field="progress")
    text = (text or "").strip()
    if not text:
        raise DomainError("Ghi nội dung tiến độ.", field="text")
    progress = 100 if completed else progress
    TaskNote.objects.create(task=locked, on=on, text=text[:4000], progress=progress, author=actor,
                            **({"attachment": attachment} if attachment else {}))
    locked.progress = progress
    fields = ["progress", "updated_at"]
    if completed:
        locked.completed_on = on
        fields.append("completed_on")
    locked.save(update_fields=fields)
    audit_record(actor=actor, action="planning.task_progress", obj=locked,
                 summary=f"{locked.code}: {progress}%" + (f", hoàn thành {on:%d/%m/%Y}" if completed else ""))
    return locked


def completed_refusal(task: Task) -> str:
    return (f"Nhiệm vụ {task.code} đã hoàn thành ngày {task.completed_on:%d/%m/%Y}: không sửa được nữa (tình trạng theo "
            "QĐ 42/2014/QĐ-TTg đã tính theo hạn và ngày hoàn thành).")


@transaction.atomic(durable=True)
def task_edit(*, actor, task: Task, title: str, owner: OrgUnit, deadline: dt.date, co_units=(), product: str = "",  # noqa: PLR0913 — the record's own fields, keyword-only
              field: str = "", deadline_reason: str = "") -> tuple[Task, list[str]]:
    """The office (planners) corrects a task: content, field, product, owner, co-operating units, and its deadline —
    a change of deadline needs its reason and is kept (``TaskDeadlineChange``: the original and every change); the
    deadline in force is ``Task.deadline``. Refused for a completed task. Returns the task and the names of what
    changed (empty: nothing to save)."""
    require_planner(actor)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.completed_on is not None:
        raise DomainError(completed_refusal(locked))
    co_units = [u for u in co_units if u.pk != owner.pk]
    title = _edit_checked(locked, title=title, owner=owner, co_units=co_units, deadline=deadline, field=field)
    product = (product or "").strip()[:300]
    before = {"title": locked.title, "field": locked.field, "product": locked.product, "owner": locked.owner.name,
              "co_units": sorted(u.name for u in locked.co_units.all()), "deadline": f"{locked.deadline:%d/%m/%Y}"}
    changed: list[str] = []
    deadline_reason = (deadline_reason or "").strip()
    if moved := _deadline_change(locked, deadline=deadline, reason=deadline_reason, actor=actor):
        changed.append(moved)
    for name, value, label in (("title", title, "nội dung"), ("field", field, "lĩnh vực"),
                               ("product", product, "sản phẩm")):
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(label)
    if owner.pk != locked.owner_id:
        changed.append(f"đơn vị chủ trì ({locked.owner.name} → {owner.name})")
        locked.owner = owner
    if {u.pk for u in co_units} != {u.pk for u in locked.co_units.all()}:
        locked.co_units.set(co_units)
        changed.append("đơn vị phối hợp")
    if not changed:
        return locked, []
    locked.save(update_fields=["title", "field", "product", "owner", "deadline", "updated_at"])
    audit_record(actor=actor, action="planning.task_edit", obj=locked, summary=f"Sửa nhiệm vụ {locked.code}: "
                 + ", ".join(changed), details={"before": before, "reason": deadline_reason})
    return locked, changed


def _new_units_valid(task: Task, *, owner: OrgUnit, co_units: list[OrgUnit]) -> None:
    """A unit newly given the task (owner or co-operating) must exist on the day of the change; the units already on
    it are not checked again (a 2020 task keeps its 2020 offices)."""
    today = timezone.localdate()
    present = {task.owner_id, *task.co_units.values_list("pk", flat=True)}
    for unit, name in ((owner, "owner"), *((u, "co_units") for u in co_units)):
        if unit.pk not in present and not unit.valid_on(today):
            raise DomainError(f"Đơn vị «{unit.name}» không có hiệu lực hôm nay ({today:%d/%m/%Y}): không giao nhiệm "
                              "vụ cho đơn vị này được.", field=name)


def _edit_checked(task: Task, *, title: str, owner: OrgUnit, co_units: list[OrgUnit], deadline: dt.date,
                  field: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Ghi nội dung nhiệm vụ.", field="title")
    if deadline < task.assigned_on:
        raise DomainError(f"Hạn hoàn thành {deadline:%d/%m/%Y} trước ngày giao {task.assigned_on:%d/%m/%Y}.",
                          field="deadline")
    if field and field not in WorkField.values:
        raise DomainError("Lĩnh vực không hợp lệ.", field="field")
    _new_units_valid(task, owner=owner, co_units=co_units)
    return title


def _deadline_change(task: Task, *, deadline: dt.date, reason: str, actor) -> str:
    """A new deadline with its reason, kept as a row; the task's ``deadline`` becomes it (saved by the caller)."""
    if deadline == task.deadline:
        if reason:
            raise DomainError("Lý do chỉ ghi khi đổi hạn hoàn thành (hạn vẫn là "
                              f"{task.deadline:%d/%m/%Y}).", field="deadline_reason")
        return ""
    if not reason:
        raise DomainError(f"Đổi hạn hoàn thành từ {task.deadline:%d/%m/%Y} sang {deadline:%d/%m/%Y} cần ghi lý do, căn "
                          "cứ (văn bản cho phép gia hạn…).", field="deadline_reason")
    TaskDeadlineChange.objects.create(task=task, previous=task.deadline, deadline=deadline, reason=reason[:300],
                                      changed_by=actor)
    moved = f"hạn hoàn thành ({task.deadline:%d/%m/%Y} → {deadline:%d/%m/%Y})"
    task.deadline = deadline
    return moved
