"""Tasks: framework tasks of the year and tasks assigned by a conclusion; the owner records progress (and the day it
was completed), the office follows. Status per QĐ 42/2014/QĐ-TTg is derived from the dates (``Task.status_on``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.planning.models import ConclusionItem, OrgUnit, Task, TaskKind, TaskNote
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
