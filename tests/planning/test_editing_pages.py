"""The pages that correct what was defined: an indicator's definition (its code, aggregation and source fixed once
targets or figures rest on it), a task (content, product, units, the owner — the office's —, and its deadline
changed with a reason, the history kept and the QĐ 42 status judged against the deadline in force), and a
conclusion's paragraphs before the notice is issued (edit, remove — a paragraph made a task takes its task only when
confirmed, never once the owner reported progress —, move up or down within its section). Planners only (403 for
every other reader, 404 for a role that reads nothing of the plan or a unit outside the area); each refusal next to
its field (422) or as a message; nothing half written; every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent
from ansinh.planning import selectors
from ansinh.planning.models import (
    Achievement,
    ConclusionItem,
    Indicator,
    Section,
    Task,
    TaskDeadlineChange,
    TaskNote,
    TaskStatus,
)
from ansinh.planning.services import documents, plan, reports, tasks
from planning.pages import client_for as _client
from planning.pages import field_error as _error
from planning.pages import messages_of as _message

pytestmark = pytest.mark.django_db
ROLES = ("planner", "leader", "district_a", "district_b", "inspector", "admin", "agent")


def _status(world, url: str, method: str = "get", data: dict | None = None,
            roles: tuple[str, ...] = ROLES) -> dict[str, int]:
    return {who: getattr(_client(world.u[who]), method)(url, data or {}).status_code for who in roles}


OTHERS = ROLES[1:]  # every role but the planner


def _audits(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("id"))


# ---------------------------------------------------------------- indicators

def _indicator_data(ind: Indicator, **changes) -> dict:
    data = {"code": ind.code, "name": ind.name, "measure_unit": ind.measure_unit, "field": ind.field,
            "aggregation": ind.aggregation, "source": ind.source, "query": ind.query,
            "breakdowns": list(ind.breakdowns), "percent_rounding": ind.percent_rounding,
            "description": ind.description, "active": "on" if ind.active else ""}
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def test_the_indicator_edit_page_is_the_planners(world):
    url = reverse("planning:indicator_edit", args=[world.jobs.pk])
    assert _status(world, url) == {"planner": 200, "leader": 403, "district_a": 403, "district_b": 403,
                                   "inspector": 403, "admin": 403, "agent": 404}
    assert _status(world, url, "post", _indicator_data(world.jobs, name="Đổi tên"), OTHERS) == {
        "leader": 403, "district_a": 403, "district_b": 403, "inspector": 403, "admin": 403, "agent": 404}
    assert Indicator.objects.get(pk=world.jobs.pk).name == "Số người được giải quyết việc làm"
    detail = reverse("planning:indicator_detail", args=[world.jobs.pk])
    assert 'data-testid="indicator-edit"' in _client(world.u["planner"]).get(detail).content.decode()
    assert 'data-testid="indicator-edit"' not in _client(world.u["leader"]).get(detail).content.decode()


def test_an_indicator_in_use_keeps_its_code_aggregation_and_source_but_the_rest_is_corrected(world):
    plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value=24_000, reason="QĐ")
    planner = _client(world.u["planner"])
    url = reverse("planning:indicator_edit", args=[world.jobs.pk])
    page = planner.get(url).content.decode()
    assert "Không đổi được: chỉ tiêu đã có 1 kế hoạch giao." in page  # said before anyone tries
    for name, value, label in (("code", "jobs", "mã"), ("aggregation", "last", "cách cộng dồn"),
                               ("source", "imported", "nguồn số liệu")):
        refused = planner.post(url, _indicator_data(world.jobs, name="Tên mới", **{name: value}))
        assert refused.status_code == 422
        assert f"Không đổi {label} được: chỉ tiêu đã có 1 kế hoạch giao" in _error(refused.content.decode(), name)
    assert Indicator.objects.get(pk=world.jobs.pk).name == "Số người được giải quyết việc làm"  # nothing written
    done = planner.post(url, _indicator_data(world.jobs, name="Số lao động được tạo việc làm", measure_unit="lao động",
                                             field="vocational", breakdowns=["sex", "commune"],
                                             percent_rounding="down"), follow=True)
    assert ("Đã sửa chỉ tiêu «Số lao động được tạo việc làm» (mã jobs_found): tên chỉ tiêu, đơn vị tính, lĩnh vực, "
            "phân tổ, cách làm tròn tỷ lệ % kế hoạch.") in _message(done)
    ind = Indicator.objects.get(pk=world.jobs.pk)
    assert (ind.code, ind.name, ind.measure_unit, ind.field, ind.breakdowns, ind.percent_rounding) == (
        "jobs_found", "Số lao động được tạo việc làm", "lao động", "vocational", ["sex", "commune"], "down")
    (audit,) = _audits("planning.indicator_edit", ind)
    assert audit.actor == world.u["planner"]
    assert audit.details["before"]["name"] == "Số người được giải quyết việc làm"
    assert audit.details["after"]["measure_unit"] == "lao động"
    same = planner.post(url, _indicator_data(ind), follow=True)
    assert "Không có thay đổi nào để lưu." in _message(same) and len(_audits("planning.indicator_edit", ind)) == 1


def test_an_indicator_with_figures_keeps_its_breakdowns_and_one_unused_changes_its_code(world):
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 14))
    reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": "120"})
    planner = _client(world.u["planner"])
    url = reverse("planning:indicator_edit", args=[world.jobs.pk])
    refused = planner.post(url, _indicator_data(world.jobs, code="jobs"))
    assert "1 số liệu thực hiện" in _error(refused.content.decode(), "code")

    fresh = plan.indicator_define(actor=world.u["planner"], code="poor_hh", name="Hộ nghèo", measure_unit="hộ",
                                  field="poverty", breakdowns=["sex"])
    fresh_url = reverse("planning:indicator_edit", args=[fresh.pk])
    conclusion = documents.conclusion_create(actor=world.u["planner"], title="Kết luận", signer_name="Lê Thu Hà",
                                             meeting_date=dt.date(2020, 7, 5), period=world.period)
    item = documents.conclusion_item_add(actor=world.u["planner"], conclusion=conclusion, section="assessment",
                                         text="Còn [[n:poor_hh]] hộ nghèo.")
    quoted = planner.post(fresh_url, _indicator_data(fresh, code="poor_households"))
    assert quoted.status_code == 422 and "trích số liệu bằng mã «poor_hh»" in _error(quoted.content.decode(), "code")
    documents.conclusion_item_edit(actor=world.u["planner"], item=item, text="Còn ít hộ nghèo.")
    moved = planner.post(fresh_url, _indicator_data(fresh, code="poor_households", aggregation="last",
                                                    source="imported", breakdowns=[]), follow=True)
    assert "mã chỉ tiêu, nguồn số liệu, cách cộng dồn, phân tổ" in _message(moved)
    assert Indicator.objects.get(pk=fresh.pk).code == "poor_households"
    taken = planner.post(fresh_url, _indicator_data(Indicator.objects.get(pk=fresh.pk), code="jobs_found"))
    assert taken.status_code == 422 and "đã có" in _error(taken.content.decode(), "code")


def test_a_breakdown_with_figures_and_a_reported_indicator_of_a_form(world):
    ind, changed = plan.indicator_edit(actor=world.u["planner"], indicator=world.jobs,
                                       **{**_service_fields(world.jobs), "breakdowns": ["sex"]})
    assert changed == ["phân tổ"]
    Achievement.objects.create(indicator=ind, unit=world.office_a, period=world.period, breakdown="sex:F", value=40,
                               source="reported", recorded_by=world.u["planner"])
    with pytest.raises(DomainError, match="Không bỏ phân tổ theo giới tính được") as err:
        plan.indicator_edit(actor=world.u["planner"], indicator=ind, **{**_service_fields(ind), "breakdowns": []})
    assert err.value.field == "breakdowns" and Indicator.objects.get(pk=ind.pk).breakdowns == ["sex"]
    # a reported indicator of a form never becomes computed (its units report it)
    unused = plan.indicator_define(actor=world.u["planner"], code="late_reports", name="Báo cáo muộn",
                                   measure_unit="báo cáo", field="administration")
    world.form.indicators.add(unused)
    with pytest.raises(DomainError, match="đang có trong biểu «Báo cáo 6 tháng»") as err:
        plan.indicator_edit(actor=world.u["planner"], indicator=unused, **{
            **_service_fields(unused), "source": "computed", "query": "planning.framework_tasks_done"})
    assert err.value.field == "source"
    # the computed indicator's named query may change (it has no target here)
    edited, changed = plan.indicator_edit(actor=world.u["planner"], indicator=world.tasks_done, **{
        **_service_fields(world.tasks_done), "query": "planning.framework_tasks_total"})
    assert edited.query == "planning.framework_tasks_total" and changed == ["truy vấn tính"]
    with pytest.raises(DomainError, match="cần chọn truy vấn"):
        plan.indicator_edit(actor=world.u["planner"], indicator=world.tasks_done,
                            **{**_service_fields(world.tasks_done), "query": ""})
    with pytest.raises(DomainError, match="Chỉ chuyên viên Sở"):
        plan.indicator_edit(actor=world.u["leader"], indicator=unused, **_service_fields(unused))


def _service_fields(ind: Indicator) -> dict:
    return {"code": ind.code, "name": ind.name, "measure_unit": ind.measure_unit, "field": ind.field,
            "source": ind.source, "aggregation": ind.aggregation, "query": ind.query,
            "breakdowns": list(ind.breakdowns), "percent_rounding": ind.percent_rounding,
            "description": ind.description, "active": ind.active}


# ---------------------------------------------------------------- tasks

@pytest.fixture
def task(world) -> Task:
    return tasks.task_create(actor=world.u["planner"], year=2020, code="NVK-7", title="Tổ chức phiên giao dịch việc làm",
                             owner=world.office_a, assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 6, 30),
                             product="Báo cáo kết quả")


def _task_data(world, task: Task, **changes) -> dict:
    data = {"title": task.title, "field": task.field, "owner": task.owner_id, "product": task.product,
            "co_units": [u.pk for u in task.co_units.all()], "deadline": f"{task.deadline:%d/%m/%Y}",
            "deadline_reason": ""}
    return {**data, **changes}


def test_the_task_edit_page_is_the_offices(world, task):
    url = reverse("planning:task_edit", args=[task.pk])
    # the owner's district reads the task and writes its progress, but the assignment is the office's
    assert _status(world, url) == {"planner": 200, "leader": 403, "district_a": 403, "district_b": 404,
                                   "inspector": 403, "admin": 403, "agent": 404}
    data = _task_data(world, task, deadline="31/12/2020", deadline_reason="Xin gia hạn")
    assert _status(world, url, "post", data, OTHERS) == {
        "leader": 403, "district_a": 403, "district_b": 404, "inspector": 403, "admin": 403, "agent": 404}
    assert Task.objects.get(pk=task.pk).deadline == dt.date(2020, 6, 30) and not TaskDeadlineChange.objects.exists()
    detail = reverse("planning:task_detail", args=[task.pk])
    assert 'data-testid="task-edit"' in _client(world.u["planner"]).get(detail).content.decode()
    assert 'data-testid="task-edit"' not in _client(world.u["district_a"]).get(detail).content.decode()


def test_a_deadline_changes_with_its_reason_and_the_history_is_kept(world, task):
    planner = _client(world.u["planner"])
    url = reverse("planning:task_edit", args=[task.pk])
    silent = planner.post(url, _task_data(world, task, deadline="31/07/2020"))
    assert silent.status_code == 422
    assert "cần ghi lý do" in _error(silent.content.decode(), "deadline_reason")
    early = planner.post(url, _task_data(world, task, deadline="10/01/2020", deadline_reason="Rút ngắn"))
    assert early.status_code == 422 and "trước ngày giao 15/01/2020" in _error(early.content.decode(), "deadline")
    assert not TaskDeadlineChange.objects.exists() and Task.objects.get(pk=task.pk).deadline == dt.date(2020, 6, 30)
    # 10/7/2020: overdue against the original deadline
    assert task.status_on(dt.date(2020, 7, 10)) == TaskStatus.OPEN_OVERDUE
    done = planner.post(url, _task_data(world, task, deadline="31/07/2020",
                                        deadline_reason="CV 512/SLĐTBXH-VP ngày 25/6/2020 đồng ý gia hạn"), follow=True)
    assert "Đã sửa nhiệm vụ NVK-7: hạn hoàn thành (30/06/2020 → 31/07/2020)." in _message(done)
    again = planner.post(url, _task_data(world, Task.objects.get(pk=task.pk), deadline="15/08/2020",
                                         deadline_reason="Kết luận giao ban tháng 7"), follow=True)
    assert "(31/07/2020 → 15/08/2020)" in _message(again)
    task.refresh_from_db()
    assert task.deadline == dt.date(2020, 8, 15)
    assert list(task.deadline_changes.values_list("previous", "deadline", "reason", "changed_by")) == [
        (dt.date(2020, 6, 30), dt.date(2020, 7, 31), "CV 512/SLĐTBXH-VP ngày 25/6/2020 đồng ý gia hạn",
         world.u["planner"].pk),
        (dt.date(2020, 7, 31), dt.date(2020, 8, 15), "Kết luận giao ban tháng 7", world.u["planner"].pk)]
    # the QĐ 42 status is judged against the deadline in force
    assert task.status_on(dt.date(2020, 7, 10)) == TaskStatus.OPEN_IN_TIME
    assert selectors.tasks_for_user(user=world.u["leader"], year=2020, status=TaskStatus.OPEN_IN_TIME,
                                    on=dt.date(2020, 8, 1)).filter(pk=task.pk).exists()
    page = _client(world.u["district_a"]).get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    shown = page.split('data-testid="task-deadline"')[1].split("</dd>")[0]
    assert "15/08/2020" in shown and "đã điều chỉnh 2 lần; hạn ban đầu 30/06/2020" in shown
    history = page.split('data-testid="deadline-history"')[1].split("</table>")[0]
    assert history.index("Ban đầu") < history.index("CV 512/SLĐTBXH-VP") < history.index("Kết luận giao ban")
    assert len(_audits("planning.task_edit", task)) == 2
    reason_only = planner.post(url, _task_data(world, task, deadline_reason="Không đổi"))
    assert reason_only.status_code == 422 and "chỉ ghi khi đổi hạn" in _error(reason_only.content.decode(),
                                                                                "deadline_reason")


def test_the_database_keeps_a_deadline_after_the_assignment_day(world, task):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(deadline=dt.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskDeadlineChange.objects.create(task=task, previous=task.deadline, deadline=task.deadline, reason="x",
                                          changed_by=world.u["planner"])
    with pytest.raises(DomainError, match="trước ngày giao"):
        tasks.task_edit(actor=world.u["planner"], task=task, title=task.title, owner=task.owner,
                        deadline=dt.date(2020, 1, 1), deadline_reason="x")


def test_the_office_moves_a_task_to_another_owner_and_corrects_it(world, task):
    planner = _client(world.u["planner"])
    url = reverse("planning:task_edit", args=[task.pk])
    assert _client(world.u["district_b"]).get(reverse("planning:task_detail", args=[task.pk])).status_code == 404
    done = planner.post(url, _task_data(world, task, title="Tổ chức 3 phiên giao dịch việc làm", owner=world.office_b.pk,
                                        co_units=[world.office_a.pk, world.office_b.pk], product="Báo cáo, ảnh",
                                        field="labour"), follow=True)
    assert ("Đã sửa nhiệm vụ NVK-7: nội dung; lĩnh vực; sản phẩm; đơn vị chủ trì (" + world.office_a.name + " → "
            + world.office_b.name + "); đơn vị phối hợp.") in _message(done)
    task.refresh_from_db()
    assert (task.title, task.owner, list(task.co_units.all()), task.product, task.field) == (
        "Tổ chức 3 phiên giao dịch việc làm", world.office_b, [world.office_a], "Báo cáo, ảnh", "labour")
    assert _client(world.u["district_b"]).get(reverse("planning:task_detail", args=[task.pk])).status_code == 200
    assert _client(world.u["district_a"]).get(reverse("planning:task_detail", args=[task.pk])).status_code == 404
    (audit,) = _audits("planning.task_edit", task)
    assert audit.details["before"]["owner"] == world.office_a.name and not TaskDeadlineChange.objects.exists()
    same = planner.post(url, _task_data(world, task), follow=True)
    assert "Không có thay đổi nào để lưu." in _message(same)
    empty = planner.post(url, _task_data(world, task, title=" "))
    assert empty.status_code == 422 and _error(empty.content.decode(), "title")


def test_a_completed_task_is_not_edited(world, task):
    tasks.task_progress(actor=world.u["district_a"], task=task, on=dt.date(2020, 6, 20), text="Xong", progress=100,
                        completed=True)
    planner = _client(world.u["planner"])
    url = reverse("planning:task_edit", args=[task.pk])
    answer = planner.get(url, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("planning:task_detail", args=[task.pk])
    assert "đã hoàn thành ngày 20/06/2020: không sửa được nữa" in _message(answer)
    assert planner.post(url, _task_data(world, task, deadline="31/12/2020", deadline_reason="x")).status_code == 302
    assert Task.objects.get(pk=task.pk).deadline == dt.date(2020, 6, 30) and not TaskDeadlineChange.objects.exists()
    assert 'data-testid="task-edit"' not in planner.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    with pytest.raises(DomainError, match="đã hoàn thành"):
        tasks.task_edit(actor=world.u["planner"], task=task, title="x", owner=task.owner, deadline=task.deadline)


# ---------------------------------------------------------------- a conclusion's paragraphs

@pytest.fixture
def conclusion(world):
    c = documents.conclusion_create(actor=world.u["planner"], title="Kết luận sơ kết 6 tháng", signer_name="Lê Thu Hà",
                                    meeting_date=dt.date(2020, 7, 5), period=world.period)
    add = documents.conclusion_item_add
    add(actor=world.u["planner"], conclusion=c, section="assessment", text="Đánh giá chung.")
    add(actor=world.u["planner"], conclusion=c, section="key", numbered=True, text="Chi trả hỗ trợ.",
        units=[world.office_a, world.office_b], task={"code": "KL-I.1", "deadline": dt.date(2020, 12, 31)})
    add(actor=world.u["planner"], conclusion=c, section="key", numbered=True, text="Rà soát hộ nghèo.")
    add(actor=world.u["planner"], conclusion=c, section="key", numbered=True, text="Tuyển sinh nghề.")
    return c


def _item(text: str) -> ConclusionItem:
    return ConclusionItem.objects.get(text__startswith=text)


def _order(conclusion, section: str = "key") -> list[str]:
    return list(conclusion.items.filter(section=section).order_by("order").values_list("text", flat=True))


def test_the_paragraph_pages_are_the_planners(world, conclusion):
    item = _item("Rà soát")
    urls = {name: reverse(f"planning:conclusion_item_{name}", args=[conclusion.pk, item.pk])
            for name in ("edit", "remove", "up", "down")}
    for name in ("edit", "remove"):
        assert _status(world, urls[name]) == {"planner": 200, "leader": 403, "district_a": 403, "district_b": 403,
                                              "inspector": 403, "admin": 403, "agent": 404}
    for name in ("up", "down", "remove", "edit"):
        assert _status(world, urls[name], "post", {"text": "x", "with_tasks": "1"}, OTHERS) == {
            "leader": 403, "district_a": 403, "district_b": 403, "inspector": 403, "admin": 403, "agent": 404}
    for name in ("up", "down"):
        assert _client(world.u["planner"]).get(urls[name]).status_code == 405
    assert _order(conclusion) == ["Chi trả hỗ trợ.", "Rà soát hộ nghèo.", "Tuyển sinh nghề."]  # nothing moved
    assert ConclusionItem.objects.get(pk=item.pk).text == "Rà soát hộ nghèo."
    other = documents.conclusion_create(actor=world.u["planner"], title="Khác", signer_name="A",
                                        meeting_date=dt.date(2020, 7, 5), period=world.period)
    assert _client(world.u["planner"]).get(
        reverse("planning:conclusion_item_edit", args=[other.pk, item.pk])).status_code == 404
    page = _client(world.u["planner"]).get(reverse("planning:conclusion_detail", args=[conclusion.pk])).content.decode()
    assert page.count('data-testid="item-actions"') == 4
    assert 'data-testid="item-actions"' not in _client(world.u["leader"]).get(
        reverse("planning:conclusion_detail", args=[conclusion.pk])).content.decode()


def test_a_paragraph_is_edited_and_its_task_follows(world, conclusion):
    planner = _client(world.u["planner"])
    plain = _item("Rà soát")
    url = reverse("planning:conclusion_item_edit", args=[conclusion.pk, plain.pk])
    empty = planner.post(url, {"text": "  ", "heading": "", "units": []})
    assert empty.status_code == 422 and _error(empty.content.decode(), "text")
    done = planner.post(url, {"text": "Rà soát hộ nghèo, cận nghèo năm 2020.", "heading": "", "numbered": "on",
                              "units": [world.office_b.pk]}, follow=True)
    assert "Đã sửa nội dung trong phần «I. Nhiệm vụ trọng tâm»." in _message(done)
    plain.refresh_from_db()
    assert plain.text == "Rà soát hộ nghèo, cận nghèo năm 2020." and list(plain.units.all()) == [world.office_b]
    (audit,) = _audits("planning.conclusion_item_edit", plain)
    assert audit.details["before"]["text"] == "Rà soát hộ nghèo."

    tasked = _item("Chi trả")
    url = reverse("planning:conclusion_item_edit", args=[conclusion.pk, tasked.pk])
    form = planner.get(url).content.decode()
    assert 'name="units"' not in form and "trên trang của nhiệm vụ" in form
    done = planner.post(url, {"text": "Chi trả hỗ trợ cho 3 nhóm đối tượng.", "numbered": "on"}, follow=True)
    assert "; nhiệm vụ KL-I.1 cập nhật nội dung theo." in _message(done)
    task = Task.objects.get(code="KL-I.1")
    assert task.title == "Chi trả hỗ trợ cho 3 nhóm đối tượng." and task.owner == world.office_a
    # the task's own content, once corrected on its page, is no longer overwritten by the paragraph's
    tasks.task_edit(actor=world.u["planner"], task=task, title="Chi trả NQ 42", owner=task.owner, deadline=task.deadline,
                    co_units=list(task.co_units.all()))
    documents.conclusion_item_edit(actor=world.u["planner"], item=tasked, text="Chi trả kịp thời.", numbered=True)
    assert Task.objects.get(code="KL-I.1").title == "Chi trả NQ 42"
    with pytest.raises(DomainError, match="đổi đơn vị chủ trì, phối hợp trên trang") as err:
        documents.conclusion_item_edit(actor=world.u["planner"], item=tasked, text="x", units=[world.office_b])
    assert err.value.field == "units"


def test_removing_a_paragraph_that_became_a_task_asks_first_then_takes_the_task(world, conclusion):
    planner = _client(world.u["planner"])
    plain = _item("Tuyển sinh")
    url = reverse("planning:conclusion_item_remove", args=[conclusion.pk, plain.pk])
    confirm = planner.get(url).content.decode()
    assert "Xoá đoạn này</button>" in confirm and "Tuyển sinh nghề." in confirm
    gone = planner.post(url, follow=True)
    assert "Đã xoá một đoạn khỏi phần «I. Nhiệm vụ trọng tâm»." in _message(gone)
    assert not ConclusionItem.objects.filter(pk=plain.pk).exists()
    assert _audits("planning.conclusion_item_remove", plain)[0].details["text"] == "Tuyển sinh nghề."

    tasked = _item("Chi trả")
    url = reverse("planning:conclusion_item_remove", args=[conclusion.pk, tasked.pk])
    confirm = planner.get(url).content.decode()
    assert 'data-testid="item-tasks"' in confirm and "Xoá đoạn và nhiệm vụ KL-I.1</button>" in confirm
    asked = planner.post(url, follow=True)  # without the confirmation the page sent: refused, nothing removed
    assert "xác nhận xoá cả nhiệm vụ" in _message(asked)
    assert ConclusionItem.objects.filter(pk=tasked.pk).exists() and Task.objects.filter(code="KL-I.1").exists()
    gone = planner.post(url, {"with_tasks": "1"}, follow=True)
    assert ("Đã xoá một đoạn khỏi phần «I. Nhiệm vụ trọng tâm» và nhiệm vụ KL-I.1 (thông báo chưa ban hành nên "
            "nhiệm vụ chưa được giao chính thức).") in _message(gone)
    assert not ConclusionItem.objects.filter(pk=tasked.pk).exists() and not Task.objects.filter(code="KL-I.1").exists()
    (audit,) = _audits("planning.conclusion_item_remove", tasked)
    assert audit.details["tasks"][0]["code"] == "KL-I.1" and audit.details["tasks"][0]["owner"] == world.office_a.name
    assert _order(conclusion) == ["Rà soát hộ nghèo."]


def test_a_paragraph_whose_task_has_progress_is_not_removed(world, conclusion):
    tasked = _item("Chi trả")
    task = Task.objects.get(code="KL-I.1")
    tasks.task_progress(actor=world.u["district_a"], task=task, on=dt.date(2020, 7, 20), text="Đã chi 30%", progress=30)
    planner = _client(world.u["planner"])
    url = reverse("planning:conclusion_item_remove", args=[conclusion.pk, tasked.pk])
    confirm = planner.get(url).content.decode()
    assert 'data-testid="remove-refused"' in confirm and 'data-testid="remove-form"' not in confirm
    refused = planner.post(url, {"with_tasks": "1"}, follow=True)
    assert "nhiệm vụ KL-I.1 giao cho" in _message(refused) and "đã được cập nhật tiến độ (1 lần)" in _message(refused)
    assert ConclusionItem.objects.filter(pk=tasked.pk).exists() and TaskNote.objects.filter(task=task).count() == 1


def test_paragraphs_move_within_their_section_and_the_numbers_follow(world, conclusion, settings, tmp_path):
    planner = _client(world.u["planner"])
    last = _item("Tuyển sinh")
    moved = planner.post(reverse("planning:conclusion_item_up", args=[conclusion.pk, last.pk]), follow=True)
    assert "Đã chuyển đoạn «Tuyển sinh nghề.» lên trong phần «I. Nhiệm vụ trọng tâm»." in _message(moved)
    assert _order(conclusion) == ["Chi trả hỗ trợ.", "Tuyển sinh nghề.", "Rà soát hộ nghèo."]
    planner.post(reverse("planning:conclusion_item_up", args=[conclusion.pk, last.pk]))
    assert _order(conclusion) == ["Tuyển sinh nghề.", "Chi trả hỗ trợ.", "Rà soát hộ nghèo."]
    top = planner.post(reverse("planning:conclusion_item_up", args=[conclusion.pk, last.pk]), follow=True)
    assert "Đoạn này đã ở đầu phần «I. Nhiệm vụ trọng tâm»." in _message(top)
    assert _order(conclusion, "assessment") == ["Đánh giá chung."]  # the section above is not entered
    first = _item("Đánh giá")
    bottom = planner.post(reverse("planning:conclusion_item_down", args=[conclusion.pk, first.pk]), follow=True)
    assert "đã ở cuối phần «Đánh giá chung»" in _message(bottom)
    planner.post(reverse("planning:conclusion_item_down", args=[conclusion.pk, _item("Chi trả").pk]))
    assert _order(conclusion) == ["Tuyển sinh nghề.", "Rà soát hộ nghèo.", "Chi trả hỗ trợ."]
    page = planner.get(reverse("planning:conclusion_detail", args=[conclusion.pk])).content.decode()
    assert page.index("1. Tuyển sinh nghề.") < page.index("2. Rà soát hộ nghèo.") < page.index("3. Chi trả hỗ trợ.")
    assert len(AuditEvent.objects.filter(action="planning.conclusion_item_move")) == 3
    from ansinh.planning.figures import Filler

    blocks = [b.text for b in documents.conclusion_blocks(conclusion, Filler(period=world.period)) if b.kind == "para"]
    assert blocks[1:] == ["1. Tuyển sinh nghề.", "2. Rà soát hộ nghèo.", "3. Chi trả hỗ trợ."]
    assert Task.objects.get(code="KL-I.1").conclusion_item.text == "Chi trả hỗ trợ."  # the link stays


def test_once_issued_no_paragraph_changes(world, conclusion, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(documents, "to_pdf", lambda *_a, **_k: None)
    doc = documents.conclusion_issue(actor=world.u["planner"], conclusion=conclusion, issued_on=dt.date(2020, 7, 14),
                                     pdf=False)
    planner = _client(world.u["planner"])
    item = _item("Rà soát")
    for name, method in (("edit", "get"), ("edit", "post"), ("remove", "get"), ("remove", "post"), ("up", "post"),
                         ("down", "post")):
        answer = getattr(planner, method)(reverse(f"planning:conclusion_item_{name}", args=[conclusion.pk, item.pk]),
                                          {"text": "Sửa sau khi ban hành", "with_tasks": "1"}, follow=True)
        assert f"Thông báo đã ban hành (số {doc.symbol}): không sửa, xoá hay đổi thứ tự" in _message(answer), name
        assert answer.redirect_chain[-1][0] == reverse("planning:conclusion_detail", args=[conclusion.pk])
    assert _order(conclusion) == ["Chi trả hỗ trợ.", "Rà soát hộ nghèo.", "Tuyển sinh nghề."]
    assert 'data-testid="item-actions"' not in planner.get(
        reverse("planning:conclusion_detail", args=[conclusion.pk])).content.decode()
    for call, kwargs in ((documents.conclusion_item_edit, {"text": "x"}), (documents.conclusion_item_remove, {}),
                         (documents.conclusion_item_move, {"up": True})):
        with pytest.raises(DomainError, match=f"Thông báo đã ban hành \\(số {doc.symbol}\\)"):
            call(actor=world.u["planner"], item=item, **kwargs)
    assert Section(item.section) == Section.KEY and ConclusionItem.objects.count() == 4
