"""Two corrections at once, on two real PostgreSQL connections: two paragraphs of one conclusion moved at the same
moment both move (the conclusion's row is locked, so the swaps take turns and no two paragraphs share a place); two
deadline changes of one task at the same moment give a history whose second change starts from the first's new
deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.planning.models import Task
from ansinh.planning.services import documents, tasks
from reliability.conftest import at_once, postgres  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("postgres")
def test_two_paragraphs_moved_at_once_both_move(world):
    conclusion = documents.conclusion_create(actor=world.u["planner"], title="Kết luận", signer_name="Lê Thu Hà",
                                             meeting_date=dt.date(2020, 7, 5), period=world.period)
    a, _b, c = (documents.conclusion_item_add(actor=world.u["planner"], conclusion=conclusion, section="key", text=t)
                for t in ("A", "B", "C"))
    out = at_once(lambda: documents.conclusion_item_move(actor=world.u["planner"], item=c, up=True),
                  lambda: documents.conclusion_item_move(actor=world.u["planner"], item=a, up=False))
    assert [e for _v, e in out] == [None, None]  # unlocked, both swaps would pass through the same free place
    order = list(conclusion.items.order_by("order").values_list("text", flat=True))
    assert order in (["C", "A", "B"], ["B", "C", "A"])  # one swap after the other, whichever came first


@pytest.mark.usefixtures("postgres")
def test_two_deadline_changes_at_once_keep_one_history(world):
    task = tasks.task_create(actor=world.u["planner"], year=2020, code="NVK-9", title="Nhiệm vụ", owner=world.office_a,
                             assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 6, 30))

    def change(day, reason):
        return lambda: tasks.task_edit(actor=world.u["planner"], task=task, title=task.title, owner=world.office_a,
                                       deadline=day, deadline_reason=reason)

    out = at_once(change(dt.date(2020, 7, 31), "Lần A"), change(dt.date(2020, 8, 15), "Lần B"))
    assert [e for _v, e in out] == [None, None]
    rows = list(Task.objects.get(pk=task.pk).deadline_changes.order_by("id").values_list("previous", "deadline"))
    assert rows[0][0] == dt.date(2020, 6, 30) and rows[1][0] == rows[0][1]
    assert Task.objects.get(pk=task.pk).deadline == rows[1][1]
