"""The pages that define the plan, as each role sees them: indicators, targets with their version history, report
forms and the units' obligations, tasks with the owner's progress notes, conclusions composed section by section
with bullets turned into tasks. Planners (provincial specialists) define; every other role reads (403 on the
forms); a unit's object outside the user's area is a 404; a form sent back shows each error next to its field
(422); each action ends with a confirmation message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ansinh.planning.models import (
    ConclusionItem,
    Indicator,
    ReportForm,
    ReportObligation,
    Target,
    Task,
    TaskKind,
    TaskNote,
)
from ansinh.planning.services import documents, plan, reports
from planning.pages import client_for as _client
from planning.pages import field_error as _error
from planning.pages import messages_of as _message

pytestmark = pytest.mark.django_db


def _status(world, url: str, method: str = "get") -> dict[str, int]:
    return {who: getattr(_client(world.u[who]), method)(url).status_code
            for who in ("planner", "leader", "district_a", "inspector", "admin", "agent")}


# ---------------------------------------------------------------- the lists

@pytest.mark.parametrize("name", ["indicator_list", "target_list", "report_form_list", "task_list", "conclusion_list"])
def test_every_reader_reads_the_lists_and_only_planners_get_the_buttons(world, name):
    url = reverse(f"planning:{name}")
    assert _status(world, url) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 403}
    create = {"indicator_list": "indicator_create", "target_list": "target_create",
              "report_form_list": "report_form_create", "task_list": "task_create",
              "conclusion_list": "conclusion_create"}[name]
    link = f'href="{reverse(f"planning:{create}")}'
    assert link in _client(world.u["planner"]).get(url).content.decode()
    assert link not in _client(world.u["leader"]).get(url).content.decode()


# ---------------------------------------------------------------- indicators

def test_indicator_pages_by_role(world):
    assert _status(world, reverse("planning:indicator_list")) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 403}
    assert _status(world, reverse("planning:indicator_create")) == {
        "planner": 200, "leader": 403, "district_a": 403, "inspector": 403, "admin": 403, "agent": 403}
    assert _status(world, reverse("planning:indicator_detail", args=[world.jobs.pk])) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 404}
    assert _client(world.u["leader"]).post(reverse("planning:indicator_create"), {"code": "x"}).status_code == 403


def test_an_indicator_is_defined_through_its_form(world):
    planner = _client(world.u["planner"])
    url = reverse("planning:indicator_create")
    good = {"code": "new_enrolment", "name": "Tuyển sinh mới", "measure_unit": "người", "field": "vocational",
            "aggregation": "sum", "source": "reported", "query": "", "percent_rounding": "half_up",
            "breakdowns": ["sex"]}
    bad = planner.post(url, {**good, "code": "tuyển sinh", "name": ""})
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "chữ không dấu" in _error(html, "code") and "Không được để trống" in _error(html, "name")
    computed = planner.post(url, {**good, "source": "computed"})
    assert computed.status_code == 422 and "cần chọn truy vấn" in _error(computed.content.decode(), "query")
    done = planner.post(url, good, follow=True)
    assert "Đã thêm chỉ tiêu «Tuyển sinh mới» (mã new_enrolment)." in _message(done)
    made = Indicator.objects.get(code="new_enrolment")
    assert made.breakdowns == ["sex"] and done.redirect_chain[-1][0] == reverse("planning:indicator_detail",
                                                                                 args=[made.pk])
    again = planner.post(url, good)
    assert again.status_code == 422 and "đã có" in _error(again.content.decode(), "code")


# ---------------------------------------------------------------- targets

def test_a_target_is_given_then_adjusted_and_keeps_its_history(world):
    planner = _client(world.u["planner"])
    given = planner.post(reverse("planning:target_create"), {
        "indicator": world.jobs.pk, "unit": world.so.pk, "year": 2020, "value": "25.000",
        "reason": "QĐ 3120/QĐ-UBND giao kế hoạch 2020"}, follow=True)
    assert ("Đã giao kế hoạch năm 2020 «Số người được giải quyết việc làm» cho Sở Lao động - Thương binh và Xã hội: "
            "25.000 người.") in _message(given)
    first = Target.objects.get()
    adjusted = planner.post(reverse("planning:target_detail", args=[first.pk]),
                            {"value": "24.000", "reason": "QĐ 1550/QĐ-UBND điều chỉnh"}, follow=True)
    assert "từ 25.000 thành 24.000 người (lần 2); lần giao trước vẫn được giữ." in _message(adjusted)
    rows = list(Target.objects.order_by("version").values_list("version", "value", "is_current"))
    assert rows == [(1, Decimal("25000"), False), (2, Decimal("24000"), True)]
    history = planner.get(reverse("planning:target_detail", args=[first.pk])).content.decode()  # the old version
    table = history.split('data-testid="target-history"')[1].split("</table>")[0]
    assert table.index("25.000") < table.index("24.000")
    assert "QĐ 3120/QĐ-UBND" in table and "QĐ 1550/QĐ-UBND" in table
    assert "đang áp dụng" in table and "đã được điều chỉnh" in table
    listing = planner.get(reverse("planning:target_list") + "?year=2020").content.decode()
    assert "24.000" in listing and "lần 2 (đã điều chỉnh)" in listing and "25.000" not in listing
    dashboard = _client(world.u["leader"]).get(reverse("planning:dashboard")).content.decode()
    assert "24.000" in dashboard and "lần 2" in dashboard


def test_target_form_errors_are_next_to_their_fields(world):
    planner = _client(world.u["planner"])
    later = plan.indicator_define(actor=world.u["planner"], code="later", name="Chỉ tiêu", measure_unit="hộ",
                                  field="poverty")
    from ansinh.planning.services import org

    young = org.org_unit_create(actor=world.u["admin"], code="moi", name="UBND Xã Mới", kind="commune",
                                valid_from=dt.date(2025, 7, 1))
    page = planner.post(reverse("planning:target_create"), {
        "indicator": later.pk, "unit": young.pk, "year": 2020, "value": "12", "reason": "QĐ"})
    assert page.status_code == 422 and "chỉ có từ ngày 01/07/2025" in _error(page.content.decode(), "unit")
    page = planner.post(reverse("planning:target_create"), {
        "indicator": later.pk, "unit": world.so.pk, "year": 2020, "value": "mười hai", "reason": ""})
    html = page.content.decode()
    assert "không phải là số" in _error(html, "value") and "Không được để trống" in _error(html, "reason")
    target = plan.target_set(actor=world.u["planner"], indicator=later, unit=world.so, year=2020, value=10, reason="QĐ")
    page = planner.post(reverse("planning:target_detail", args=[target.pk]), {"value": "1,234", "reason": "Sửa"})
    assert page.status_code == 422 and "tối đa 2 chữ số" in _error(page.content.decode(), "value")
    assert Target.objects.filter(indicator=later).count() == 1


def test_targets_are_scoped_to_the_units_of_the_area(world):
    a = plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.office_a, year=2020, value=12_000,
                        reason="QĐ")
    b = plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.office_b, year=2020, value=11_000,
                        reason="QĐ")
    assert _status(world, reverse("planning:target_detail", args=[a.pk])) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 404}
    district = _client(world.u["district_a"])
    assert district.get(reverse("planning:target_detail", args=[b.pk])).status_code == 404
    listing = district.get(reverse("planning:target_list") + "?year=2020").content.decode()
    assert "12.000" in listing and "11.000" not in listing
    assert 'data-testid="adjust-form"' not in district.get(reverse("planning:target_detail", args=[a.pk])).content.decode()
    assert district.post(reverse("planning:target_detail", args=[a.pk]), {"value": "1", "reason": "x"}).status_code == 403
    assert _status(world, reverse("planning:target_create")) == {
        "planner": 200, "leader": 403, "district_a": 403, "inspector": 403, "admin": 403, "agent": 403}


# ---------------------------------------------------------------- report forms and obligations

def test_a_report_form_and_its_obligations(world):
    planner = _client(world.u["planner"])
    assert _status(world, reverse("planning:report_form_list")) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 403}
    assert _status(world, reverse("planning:report_form_create"))["leader"] == 403
    refused = planner.post(reverse("planning:report_form_create"), {
        "code": "bc-nam", "name": "Báo cáo năm", "period_kind": "year", "indicators": [world.tasks_done.pk]})
    assert refused.status_code == 422 and _error(refused.content.decode(), "indicators")  # computed: not offered
    made = planner.post(reverse("planning:report_form_create"), {
        "code": "bc-nam", "name": "Báo cáo năm", "period_kind": "year", "indicators": [world.jobs.pk]}, follow=True)
    form = ReportForm.objects.get(code="bc-nam")
    assert "Đã thêm biểu «Báo cáo năm» (năm)" in _message(made)
    url = reverse("planning:report_form_detail", args=[form.pk])
    bad = planner.post(url, {"unit": world.office_a.pk, "due_days": "120", "valid_from": "31/02/2021"})
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Ngày 31/02/2021 không tồn tại" in _error(html, "valid_from") and "từ 0 đến 90" in _error(html, "due_days")
    done = planner.post(url, {"unit": world.office_a.pk, "due_days": "7", "valid_from": "01/01/2021"}, follow=True)
    assert ("Đã giao chế độ báo cáo «Báo cáo năm» cho Phòng LĐ-TBXH" in _message(done)
            and "từ ngày 01/01/2021; hạn gửi 7 ngày sau ngày chốt số liệu." in _message(done))
    twice = planner.post(url, {"unit": world.office_a.pk, "due_days": "5", "valid_from": "01/06/2021"})
    assert twice.status_code == 422 and "đã có chế độ báo cáo" in _error(twice.content.decode(), "unit")
    planner.post(url, {"unit": world.office_b.pk, "due_days": "7", "valid_from": "01/01/2021"})
    ob_a = ReportObligation.objects.get(form=form, unit=world.office_a)
    ob_b = ReportObligation.objects.get(form=form, unit=world.office_b)
    district = _client(world.u["district_a"])
    page = district.get(url).content.decode()
    assert world.office_a.name in page and world.office_b.name not in page and 'data-testid="obligation-form"' not in page
    assert district.post(url, {"unit": world.office_a.pk}).status_code == 403
    end = reverse("planning:obligation_end", args=[ob_a.pk])
    assert district.post(end, {"last_day": "31/12/2021"}).status_code == 403
    assert district.post(reverse("planning:obligation_end", args=[ob_b.pk]), {"last_day": "31/12/2021"}).status_code == 404
    ended = planner.post(end, {"last_day": "31/12/2021"}, follow=True)
    assert "thôi báo cáo «Báo cáo năm» sau ngày 31/12/2021" in _message(ended)
    assert ReportObligation.objects.get(pk=ob_a.pk).valid_to == dt.date(2021, 12, 31)
    again = planner.post(end, {"last_day": "01/01/2022"}, follow=True)
    assert "đã kết thúc ngày 31/12/2021" in _message(again)


def test_an_obligation_given_on_the_page_lets_the_unit_open_its_report(world):
    """The page's obligation is the one the reporting workflow reads: the unit opens its report for the period."""
    form = reports.report_form_define(actor=world.u["planner"], code="bc-quy", name="Báo cáo quý", period_kind="quarter",
                                      indicators=[world.jobs])
    _client(world.u["planner"]).post(reverse("planning:report_form_detail", args=[form.pk]),
                                     {"unit": world.office_a.pk, "due_days": "3", "valid_from": "01/01/2020"})
    quarter = plan.period_open(actor=world.u["planner"], code="2020-Q2")
    report = reports.report_open(actor=world.u["district_a"], form=form, unit=world.office_a, period=quarter,
                                 today=dt.date(2020, 6, 20))
    assert report.due_date == dt.date(2020, 6, 17)


# ---------------------------------------------------------------- tasks

def test_a_task_is_given_on_its_form_and_the_owner_writes_the_notes(world):
    planner = _client(world.u["planner"])
    url = reverse("planning:task_create")
    assert _status(world, url) == {
        "planner": 200, "leader": 403, "district_a": 403, "inspector": 403, "admin": 403, "agent": 403}
    fields = {"year": "2020", "code": "NVK-7", "kind": "framework", "title": "Tổ chức phiên giao dịch việc làm",
              "field": "labour", "owner": world.office_a.pk, "co_units": [world.office_b.pk],
              "assigned_on": "15/01/2020", "deadline": "30/06/2020", "product": "Báo cáo kết quả"}
    bad = planner.post(url, {**fields, "deadline": "10/01/2020"})
    assert bad.status_code == 422 and "trước ngày giao 15/01/2020" in _error(bad.content.decode(), "deadline")
    bad = planner.post(url, {**fields, "assigned_on": "15-01"})
    assert bad.status_code == 422 and "không phải là ngày tháng" in _error(bad.content.decode(), "assigned_on")
    done = planner.post(url, fields, follow=True)
    task = Task.objects.get(code="NVK-7")
    assert "Đã giao nhiệm vụ NVK-7 cho Phòng LĐ-TBXH" in _message(done) and "hạn hoàn thành 30/06/2020." in _message(done)
    assert (task.kind, task.deadline, list(task.co_units.all())) == (TaskKind.FRAMEWORK, dt.date(2020, 6, 30),
                                                                     [world.office_b])
    again = planner.post(url, fields)
    assert again.status_code == 422 and "đã có" in _error(again.content.decode(), "code")

    detail = reverse("planning:task_detail", args=[task.pk])
    owner = _client(world.u["district_a"])
    assert "Cập nhật</button>" in owner.get(detail).content.decode()
    noted = owner.post(detail, {"text": "Đã tổ chức 2 phiên", "progress": "40"}, follow=True)
    assert "Đã cập nhật tiến độ." in _message(noted)
    assert TaskNote.objects.get(task=task).author == world.u["district_a"]
    assert _client(world.u["district_b"]).get(detail).status_code == 404  # a co-operating unit's area: not its notes
    leader = _client(world.u["leader"]).get(detail).content.decode()
    assert "Đã tổ chức 2 phiên" in leader and "Cập nhật</button>" not in leader  # the office follows, reads only
    assert "Giao nhiệm vụ</a>" in planner.get(reverse("planning:task_list") + "?year=2020").content.decode()


# ---------------------------------------------------------------- conclusions

def test_a_conclusion_is_composed_section_by_section_and_its_bullets_become_tasks(world, settings, tmp_path,
                                                                                     monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    planner = _client(world.u["planner"])
    assert _status(world, reverse("planning:conclusion_create")) == {
        "planner": 200, "leader": 403, "district_a": 403, "inspector": 403, "admin": 403, "agent": 403}
    bad = planner.post(reverse("planning:conclusion_create"), {"title": "Kết luận", "meeting_date": "05/7/20",
                                                               "period": world.period.pk})
    html = bad.content.decode()
    assert bad.status_code == 422 and "4 chữ số" in _error(html, "meeting_date") and _error(html, "signer_name")
    made = planner.post(reverse("planning:conclusion_create"), {
        "title": "Kết luận của Giám đốc Sở tại Hội nghị sơ kết 6 tháng đầu năm 2020", "meeting_date": "05/07/2020",
        "period": world.period.pk, "opening": "Ngày 05/7/2020, Sở tổ chức Hội nghị sơ kết.",
        "signer_name": "Lê Thu Hà", "signer_title": "CHÁNH VĂN PHÒNG", "authority": "TL. GIÁM ĐỐC",
        "recipients": "Giám đốc, các PGĐ Sở;\nLưu: VT, VP."}, follow=True)
    assert "Đã lập thông báo kết luận" in _message(made)
    conclusion = made.context["conclusion"]
    assert conclusion.recipients == ["Giám đốc, các PGĐ Sở;", "Lưu: VT, VP."]
    url = reverse("planning:conclusion_detail", args=[conclusion.pk])
    done = planner.post(url, {"section": "assessment", "text": "Giải quyết việc làm cho [[n:jobs_found]] người."},
                        follow=True)
    assert "Đã thêm nội dung vào phần «Đánh giá chung»." in _message(done)
    bullet = {"section": "key", "numbered": "on", "text": "Hoàn thành chi trả hỗ trợ cho 3 nhóm đối tượng.",
              "units": [world.office_a.pk, world.office_b.pk], "make_task": "on", "task_code": "",
              "task_deadline": "31/12/2020", "task_product": "Báo cáo"}
    missing = planner.post(url, bullet)
    assert missing.status_code == 422 and "số hiệu" in _error(missing.content.decode(), "task_code")
    early = planner.post(url, {**bullet, "task_code": "KL-I.1", "task_deadline": "01/07/2020"})
    assert early.status_code == 422 and "trước ngày giao 05/07/2020" in _error(early.content.decode(), "task_deadline")
    task_made = planner.post(url, {**bullet, "task_code": "KL-I.1"}, follow=True)
    assert ("Đã thêm nội dung vào phần «I. Nhiệm vụ trọng tâm» và giao nhiệm vụ KL-I.1 cho "
            f"{world.office_a.name}, hạn 31/12/2020.") in _message(task_made)
    task = Task.objects.get(code="KL-I.1")
    assert (task.kind, task.owner, list(task.co_units.all()), task.assigned_on) == (
        TaskKind.CONCLUSION, world.office_a, [world.office_b], dt.date(2020, 7, 5))
    assert task.conclusion_item.conclusion == conclusion and ConclusionItem.objects.count() == 2
    twice = planner.post(url, {**bullet, "task_code": "KL-I.1"})
    assert twice.status_code == 422 and "đã có" in _error(twice.content.decode(), "task_code")
    assert ConclusionItem.objects.count() == 2
    page = planner.get(url).content.decode()
    assert page.index("Đánh giá chung") < page.index("I. Nhiệm vụ trọng tâm") and 'data-testid="item-task"' in page

    assert _status(world, url) == {
        "planner": 200, "leader": 200, "district_a": 200, "inspector": 200, "admin": 200, "agent": 404}
    assert _client(world.u["leader"]).post(url, bullet).status_code == 403
    assert _client(world.u["agent"]).post(reverse("planning:conclusion_issue", args=[conclusion.pk])).status_code == 404

    monkeypatch.setattr(documents, "to_pdf", lambda *_a, **_k: None)  # the .docx only here (test_documents: PDF)
    plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value=24_000, reason="QĐ")
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 14))
    reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": "9.997"})
    issued = planner.post(reverse("planning:conclusion_issue", args=[conclusion.pk]), {"issued_on": "14/07/2020"},
                          follow=True)
    assert "Đã ban hành thông báo số 01/TB-SLĐTBXH ngày 14/07/2020." in _message(issued)
    assert 'data-testid="item-form"' not in planner.get(url).content.decode()
    closed = planner.post(url, {**bullet, "task_code": "KL-I.2"}, follow=True)
    assert "Thông báo đã ban hành" in _message(closed)
