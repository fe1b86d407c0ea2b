"""Reads of the policy app: the approved additions, the parameter catalogue, explanations.

``approved_additions()`` is the single place the rest of ansinh gets the administrator additions to
pass to ``compute`` / ``explain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ansinh.core.text import fold
from ansinh.core.todo import TodoItem, present, workflow_todo
from ansinh.policy.bridge import (
    ParameterAddition,
    ParameterInfo,
    build_tax_benefit_system,
    list_parameters,
)
from ansinh.policy.explain import Explanation, InputShown, describe_inputs, explain
from ansinh.policy.models import ChangeStatus, ParameterChange
from ansinh.policy.permissions import PARAMETER_WORKFLOW

GROUP_LABELS = {
    "tgxh": "Trợ giúp xã hội (trợ cấp xã hội hằng tháng)",
    "ncc": "Ưu đãi người có công với cách mạng",
    "poverty": "Chuẩn nghèo, cận nghèo",
    "covid": "Hỗ trợ người gặp khó khăn do COVID-19 (NQ 42/NQ-CP, QĐ 15/2020/QĐ-TTg)",
}


def approved_additions() -> tuple[ParameterAddition, ...]:
    """Every approved value, in the order they were approved (one per parameter and date)."""
    rows = (ParameterChange.objects.filter(status=ChangeStatus.APPROVED)
            .order_by("decided_at", "pk").values_list("parameter", "start", "value", "reference"))
    return tuple(ParameterAddition(parameter=p, start=s, value=v, reference=r) for p, s, v, r in rows)


def explanation_get(*, variable: str, period: str, inputs: Mapping[str, Any]) -> Explanation:
    """``explain`` with the approved additions applied (raises the rules' Vietnamese errors)."""
    return explain(variable, period, inputs, additions=approved_additions())


def explanation_inputs(*, inputs: Mapping[str, Any]) -> list[InputShown]:
    """The inputs of an explanation with their Vietnamese labels, for the page to show what was computed from."""
    return describe_inputs(inputs, additions=approved_additions())


# --- the parameter catalogue ----------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    start: dt.date
    value: Any
    reference: str
    change: ParameterChange | None = None  # None: the value of the legal text (YAML)
    replaced: bool = False  # a YAML value replaced by an approved addition on the same date
    in_force: bool = False


@dataclass(frozen=True)
class EmptyPeriod:
    start: dt.date
    end: dt.date | None  # None: still empty today and after


@dataclass
class ParameterEntry:
    info: ParameterInfo
    rows: list[ValueRow]
    empty_periods: list[EmptyPeriod]
    pending: int = 0

    @property
    def path(self) -> str:
        return self.info.path

    @property
    def empty_now(self) -> bool:
        today = timezone.localdate()
        return any(p.start <= today and (p.end is None or p.end >= today) for p in self.empty_periods)


@dataclass
class ParameterGroup:
    key: str
    label: str
    entries: list[ParameterEntry] = field(default_factory=list)


def parameter_infos() -> dict[str, ParameterInfo]:
    """Every leaf parameter of the YAML base, by path (for choices and form checks)."""
    return {info.path: info for info in list_parameters(build_tax_benefit_system())}


def _empty_periods(effective: ParameterInfo) -> list[EmptyPeriod]:
    periods, values = [], effective.values
    for index, value in enumerate(values):
        if value.value is None:
            end = values[index + 1].start - dt.timedelta(days=1) if index + 1 < len(values) else None
            periods.append(EmptyPeriod(start=value.start, end=end))
    return periods


def _rows(base: ParameterInfo, approved: list[ParameterChange], today: dt.date) -> list[ValueRow]:
    added_dates = {change.start for change in approved}
    rows = [ValueRow(start=v.start, value=v.value, reference=v.reference, replaced=v.start in added_dates)
            for v in base.values]
    rows += [ValueRow(start=c.start, value=c.value, reference=c.reference, change=c) for c in approved]
    rows.sort(key=lambda row: (row.start, row.change is not None))
    current = [row for row in rows if not row.replaced and row.start <= today]
    if current:
        in_force = current[-1]
        rows = [replace(row, in_force=row is in_force) for row in rows]
    return rows


def _matches(info: ParameterInfo, folded_query: str) -> bool:
    haystack = fold(" ".join([info.path, info.description, info.reference]))
    return all(word in haystack for word in folded_query.split())


def parameter_catalogue(*, query: str = "") -> list[ParameterGroup]:
    """Every leaf parameter grouped by its top-level node, with its dated values (YAML and approved)."""
    base = parameter_infos()
    additions = approved_additions()
    effective = {info.path: info for info in list_parameters(build_tax_benefit_system(additions))}
    changes = ParameterChange.objects.filter(
        status__in=[ChangeStatus.APPROVED, ChangeStatus.PROPOSED]
    ).select_related("proposed_by", "decided_by").order_by("start", "pk")
    approved: dict[str, list[ParameterChange]] = {}
    pending: dict[str, int] = {}
    for change in changes:
        if change.status == ChangeStatus.APPROVED:
            approved.setdefault(change.parameter, []).append(change)
        else:
            pending[change.parameter] = pending.get(change.parameter, 0) + 1
    folded_query = fold(query or "")
    tbs = build_tax_benefit_system()
    groups: dict[str, ParameterGroup] = {}
    today = timezone.localdate()
    for path, info in base.items():
        if folded_query and not _matches(info, folded_query):
            continue
        key = path.split(".")[0]
        node = tbs.parameters.children.get(key)
        label = GROUP_LABELS.get(key) or getattr(node, "description", None) or key
        group = groups.setdefault(key, ParameterGroup(key=key, label=label))
        group.entries.append(ParameterEntry(
            info=info, rows=_rows(info, approved.get(path, []), today),
            empty_periods=_empty_periods(effective[path]), pending=pending.get(path, 0),
        ))
    return list(groups.values())


def parameter_changes_pending() -> QuerySet[ParameterChange]:
    return (ParameterChange.objects.filter(status=ChangeStatus.PROPOSED)
            .select_related("proposed_by").order_by("proposed_at", "pk"))


def parameter_changes_decided(*, limit: int = 30) -> QuerySet[ParameterChange]:
    return (ParameterChange.objects.exclude(status=ChangeStatus.PROPOSED)
            .select_related("proposed_by", "decided_by").order_by("-decided_at", "-pk")[:limit])


def todo_items(user) -> list[TodoItem]:
    """Parameter values proposed by another administrator, waiting for this one's decision (never the
    proposer's own: maker-checker)."""
    return present([workflow_todo(PARAMETER_WORKFLOW, user=user, queryset=ParameterChange.objects.all(),
                                  step="approve", section="Chính sách", label="Đề xuất giá trị tham số chờ duyệt",
                                  url=reverse("policy:change_queue"))])
