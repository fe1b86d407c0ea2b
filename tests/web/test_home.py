"""The home page of each role: «Việc cần làm» counts against data made through the services (area, role,
maker-checker), the charts drawn on the server, the grouped navigation and breadcrumbs."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.accounts.models import Role
from ansinh.core.todo import TodoItem
from ansinh.payments import services as payments
from ansinh.policy import services as policy
from ansinh.programmes.models import BeneficiaryList
from ansinh.programmes.services import workflow as lists
from ansinh.programmes.services.generation import registry_lists_generate
from conftest import make_user

pytestmark = pytest.mark.django_db
DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}
ITEM = re.compile(r'data-testid="todo-item">\s*<span[^>]*data-testid="todo-count">([\d.]+)</span>\s*'
                  r'<span class="flex-grow-1">(?:<a href="([^"]*)" data-testid="todo-link">)?([^<]+)')


def todo(user) -> dict[str, tuple[int, str]]:
    """Label → (count, link) of the user's home page «Việc cần làm»."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    html = page.content.decode()
    return {unescape(label).strip(): (int(count.replace(".", "")), unescape(link or ""))
            for count, link, label in ITEM.findall(html)}


def home(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("web:home")).content.decode()


@pytest.fixture
def generated(programme, provincial, world):
    registry_lists_generate(programme=programme, actor=provincial)
    return {bl.group.code + "/" + bl.commune.name: bl for bl in BeneficiaryList.objects.select_related("group",
                                                                                                      "commune")}


def test_each_commune_counts_only_its_own_lists_to_submit(generated, officer_a, officer_b, commune_a, commune_b):
    in_a = BeneficiaryList.objects.filter(commune=commune_a).count()
    in_b = BeneficiaryList.objects.filter(commune=commune_b).count()
    assert in_a and in_b
    assert todo(officer_a)["Danh sách đang lập, chưa trình thẩm định"][0] == in_a
    assert todo(officer_b)["Danh sách đang lập, chưa trình thẩm định"][0] == in_b
    assert "Danh sách chờ thẩm định" not in todo(officer_a)  # a commune never appraises


def test_a_submitted_list_waits_for_the_appraiser_then_the_leader(generated, officer_b, appraiser, leader,
                                                                 programme):
    bl = generated["7/Xã Cẩm Bình"]
    assert todo(appraiser)["Danh sách chờ thẩm định"][0] == 0
    assert todo(leader)["Danh sách chờ phê duyệt"][0] == 0
    lists.list_submit(actor=officer_b, beneficiary_list=bl)
    count, link = todo(appraiser)["Danh sách chờ thẩm định"]
    assert count == 1 and link == f"/chuong-trinh/{programme.pk}/?status=submitted"
    assert todo(leader)["Danh sách chờ phê duyệt"][0] == 0
    lists.list_appraise(actor=appraiser, beneficiary_list=BeneficiaryList.objects.get(pk=bl.pk))
    assert todo(appraiser)["Danh sách chờ thẩm định"][0] == 0
    assert todo(leader)["Danh sách chờ phê duyệt"][0] == 1
    assert "chờ từ hôm nay" in home(leader)


def test_whoever_submitted_a_list_is_not_asked_to_appraise_it(generated, provincial, appraiser):
    bl = generated["7/Xã Cẩm Bình"]
    lists.list_submit(actor=provincial, beneficiary_list=bl)
    assert todo(provincial)["Danh sách chờ thẩm định"][0] == 0  # maker-checker: another specialist appraises
    assert todo(appraiser)["Danh sách chờ thẩm định"][0] == 1


def test_the_payment_agent_sees_its_batches_to_pay_and_the_district_the_lists_without_batch(
        generated, officer_b, appraiser, leader, provincial, payment_agent):
    bl = generated["7/Xã Cẩm Bình"]
    bl = lists.list_submit(actor=officer_b, beneficiary_list=bl)
    bl = lists.list_appraise(actor=appraiser, beneficiary_list=bl)
    bl = lists.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    bl = lists.list_post(actor=officer_b, beneficiary_list=bl)
    assert todo(provincial)["Danh sách đã niêm yết chưa lập đợt chi trả"][0] == 1
    assert todo(payment_agent)["Đợt chi trả chờ chi và nhập kết quả"][0] == 0
    batch = payments.batch_create(actor=provincial, beneficiary_list=bl, agent=payment_agent)
    count, link = todo(payment_agent)["Đợt chi trả chờ chi và nhập kết quả"]
    assert count == 1 and link == reverse("payments:batch_detail", args=[batch.pk])
    assert todo(provincial)["Danh sách đã niêm yết chưa lập đợt chi trả"][0] == 0
    assert todo(provincial)["Đợt chi trả chờ nhập kết quả"][0] == 1
    another_agent = make_user("buudien2", Role.PAYMENT_AGENT, provincial.area)
    assert todo(another_agent)["Đợt chi trả chờ chi và nhập kết quả"][0] == 0  # not its batch


def test_a_parameter_proposal_waits_for_another_administrator(province):
    proposer = make_user("quantri_a", Role.ADMINISTRATOR, province)
    checker = make_user("quantri_b", Role.ADMINISTRATOR, province)
    policy.parameter_change_propose(actor=proposer, parameter="tgxh.standard_level", start=dt.date(2026, 7, 1),
                                    value=540000, reference="Nghị định thử")
    assert todo(checker)["Đề xuất giá trị tham số chờ duyệt"][0] == 1
    assert todo(proposer)["Đề xuất giá trị tham số chờ duyệt"][0] == 0  # never one's own


def test_the_home_draws_the_pyramid_and_the_progress_chart_on_the_server(generated, officer_b, appraiser, leader,
                                                                       provincial, payment_agent, world):
    bl = generated["7/Xã Cẩm Bình"]
    bl = lists.list_submit(actor=officer_b, beneficiary_list=bl)
    bl = lists.list_appraise(actor=appraiser, beneficiary_list=bl)
    lists.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    page = home(provincial)
    pyramid = page.split('data-testid="pyramid-chart"')[1].split("</svg>")[0]
    assert "Nam " in pyramid and "Nữ " in pyramid and "tuổi: nam" in pyramid
    progress = page.split('data-testid="progress-chart"')[1].split("</svg>")[0]
    assert "Xã Cẩm Bình" in progress and "0%" in progress  # approved, nothing paid yet
    assert "đã chi 0 đ trên 1.500.000 đ được duyệt" in page
    assert 'data-testid="payments-chart"' in page and "<script" not in page.split("<main")[1].split("</main>")[0]


def test_the_navigation_is_grouped_and_pages_have_breadcrumbs(provincial):
    page = home(provincial)
    nav = page.split('data-testid="main-nav"')[1].split("</ul>\n    <span")[0]
    for group in ("Dân cư", "Chính sách", "Chi trả", "Giảm nghèo", "Lao động"):
        assert f'data-bs-toggle="dropdown" aria-expanded="false">{group}</a>' in nav
    client = Client()
    client.force_login(provincial)
    batches = client.get(reverse("payments:batch_list")).content.decode()
    crumbs = batches.split('data-testid="breadcrumbs"')[1].split("</ol>")[0]
    assert "Tổng quan" in crumbs and "Chi trả" in crumbs and "Đợt chi trả theo chương trình" in crumbs


def test_a_todo_item_tells_its_age():
    now = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    item = TodoItem(section="x", label="y", count=2, url="/", oldest=now - dt.timedelta(days=3))
    assert item.age_days(now) == 3
    assert TodoItem(section="x", label="y", count=0, url="/").age_text == ""


def test_the_message_after_an_edit_shows_the_new_name(household_a, officer_a):
    head = household_a.head
    client = Client()
    client.force_login(officer_a)
    response = client.post(reverse("registry:person_edit", args=[head.pk]), {
        "full_name": "Nguyễn Văn Hưng", "sex": "M", "birth": "12/05/1968", "ethnicity_code": head.ethnicity_code or "",
        "pid": head.pid, "cmnd": "", "social_insurance_no": "", "phone": ""}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Đã lưu thông tin Nguyễn Văn Hưng."]


def test_each_workflow_item_costs_one_query_and_gives_the_same_count_and_oldest(generated, officer_a):
    """The home page asks every app for its items: a workflow item is one query (its count read as a window on
    the oldest row), and says what a count() and an ordered first() would."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ansinh.core.todo import count_and_oldest
    from ansinh.programmes.permissions import LIST_WORKFLOW
    from ansinh.programmes.selectors import lists_for_user

    waiting = LIST_WORKFLOW.with_since(LIST_WORKFLOW.waiting(officer_a, lists_for_user(user=officer_a), "submit"))
    with CaptureQueriesContext(connection) as queries:
        count, oldest = count_and_oldest(waiting, "waiting_since")
    assert len(queries) == 1
    assert count == waiting.count() > 0 and oldest == waiting.order_by("waiting_since", "pk").first()
    assert count_and_oldest(waiting.none(), "waiting_since") == (0, None)
