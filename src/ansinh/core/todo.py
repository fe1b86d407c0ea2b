"""«Việc cần làm»: what is waiting for a user, as each app reports it.

Each app exposes ``todo_items(user) -> list[TodoItem]`` in its own ``selectors.py`` (scoped to the user's area
and role: an item the role can never act on is not listed; one it could act on with nothing waiting is listed
with a count of 0); the home page (``ansinh.web``) only gathers them. Items that follow a workflow of
``core.workflow`` are counted by ``workflow_todo``: the objects in a source state of the step that the user may
take now (role, and maker-checker from the objects' own events: the preparer's own list is not «to approve» for
them), the oldest by the time it entered its state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from ansinh.core.formatting import vn_number


@dataclass(frozen=True)
class TodoItem:
    section: str  # the app's heading on the home page: «Chương trình hỗ trợ», «Chi trả hằng tháng»…
    label: str  # what is waiting: «Danh sách chờ thẩm định»
    count: int
    url: str  # the page where the user does it (filtered to these items when the page can)
    oldest: dt.datetime | None = None  # when the oldest item started waiting

    def age_days(self, now: dt.datetime | None = None) -> int | None:
        if self.oldest is None or not self.count:
            return None
        now = now or timezone.now()
        return max((timezone.localtime(now).date() - timezone.localtime(self.oldest).date()).days, 0)

    @property
    def age_text(self) -> str:
        """«chờ từ hôm nay», «lâu nhất chờ 3 ngày», «lâu nhất chờ 1.204 ngày»; empty when nothing waits."""
        days = self.age_days()
        if days is None:
            return ""
        return "chờ từ hôm nay" if days == 0 else f"lâu nhất chờ {vn_number(days)} ngày"


def oldest_of(queryset: QuerySet, field: str) -> dt.datetime | None:
    """The smallest value of a datetime field (or annotation) of the queryset."""
    return queryset.order_by(field).values_list(field, flat=True).first()


def count_and_oldest(queryset: QuerySet, field: str) -> tuple[int, Any]:
    """How many objects the queryset holds and the oldest by ``field``, in one query (the count as a window over
    the whole set, read on the first row): the home page asks this for every item of every app."""
    if queryset.query.distinct or queryset.query.is_sliced:
        count = queryset.count()
        return count, (queryset.order_by(field, "pk").first() if count else None)
    oldest = queryset.annotate(_todo_total=Window(Count("pk"))).order_by(field, "pk").first()
    return (oldest._todo_total, oldest) if oldest is not None else (0, None)


def workflow_todo(workflow, *, user, queryset: QuerySet, step: str, section: str, label: str,
                  url: str, link: Callable[[Any], str] | None = None) -> TodoItem | None:
    """The item «``label``» of a workflow step over ``queryset`` (the app's scoped selector): None when the
    user's role never takes the step. ``link(oldest)`` gives the address of the oldest waiting object's page
    (a filtered list, the object itself); ``url`` is used when nothing waits or without ``link``."""
    if not workflow.role_allows(user, step):
        return None
    waiting = workflow.with_since(workflow.waiting(user, queryset, step))
    count, oldest = count_and_oldest(waiting, "waiting_since")
    return TodoItem(section=section, label=label, count=count,
                    url=link(oldest) if oldest is not None and link else url,
                    oldest=oldest.waiting_since if oldest is not None else None)


def present(items) -> list[TodoItem]:
    """Drop the Nones of items a role never has."""
    return [item for item in items if item is not None]
