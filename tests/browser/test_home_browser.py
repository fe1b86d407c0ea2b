"""Each role's home page in Chromium: «Việc cần làm» with counts and links, the server-drawn charts, the grouped
navigation on one line of an office screen, a phone without sideways scrolling, a paginated batch, and the
confirmation after an action. A screenshot of every role's home is saved under tests/_screenshots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"
DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}


@pytest.fixture
def home_world(registry_world):
    """The NQ 42 programme over two communes: the Cẩm Bình group 7 list posted and in a batch of the post office,
    the Thành Sen group 5 list submitted and waiting for the province, a parameter value waiting for a second
    administrator."""
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.payments import services as payments
    from ansinh.policy import services as policy
    from ansinh.programmes.models import BeneficiaryList, RowFlag
    from ansinh.programmes.services import workflow as lists
    from ansinh.programmes.services.generation import registry_lists_generate
    from programmes import factories as f

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    password = registry_world["password"]
    officer_a, officer_b = registry_world["officers"]["a"], registry_world["officers"]["b"]
    users = {"xa_a": officer_a, "xa_b": officer_b}
    for username, role, first in (("so_lap", Role.PROVINCIAL_SPECIALIST, "Lập"),
                                  ("so_tham_dinh", Role.PROVINCIAL_SPECIALIST, "Thẩm định"),
                                  ("lanh_dao", Role.LEADER, "Lãnh đạo"), ("buu_dien", Role.PAYMENT_AGENT, "Bưu điện"),
                                  ("quantri_a", Role.ADMINISTRATOR, "A"), ("quantri_b", Role.ADMINISTRATOR, "B"),
                                  ("thanh_tra", Role.INSPECTOR, "Thanh tra")):
        users[username] = User.objects.create_user(username=username, password=password, role=role, area=province,
                                                   last_name="Cán bộ", first_name=first)
    commune_a, commune_b = officer_a.area, officer_b.area
    for name, sex, birth in (("Nguyễn Văn An", "M", dt.date(1945, 3, 2)), ("Lê Thị Cúc", "F", dt.date(1950, 1, 1))):
        f.enrol("ncc", commune=commune_a, who=f.person(commune_a, name, sex=sex, birth=birth))
    members = [f.person(commune_b, "Võ Văn Giang", birth=dt.date(1970, 2, 2)),
               f.person(commune_b, "Đặng Thị Hà", sex="F", birth=dt.date(1972, 3, 3))]
    f.enrol("poor", commune=commune_b, hh=f.household(commune_b, "HTPOORBR1", members), start=dt.date(2019, 1, 1))
    programme = f.covid_programme(users["so_lap"])
    registry_lists_generate(programme=programme, actor=users["so_lap"])
    poor = BeneficiaryList.objects.get(group__code="7", commune=commune_b)
    poor = lists.list_submit(actor=officer_b, beneficiary_list=poor)
    poor = lists.list_appraise(actor=users["so_tham_dinh"], beneficiary_list=poor)
    poor = lists.list_approve(actor=users["lanh_dao"], beneficiary_list=poor, **DECISION)
    poor = lists.list_post(actor=officer_b, beneficiary_list=poor)
    batch = payments.batch_create(actor=users["so_lap"], beneficiary_list=poor, agent=users["buu_dien"])
    ncc = BeneficiaryList.objects.get(group__code="5", commune=commune_a)
    for kind in set(RowFlag.objects.filter(row__beneficiary_list=ncc, resolution="").values_list("kind", flat=True)):
        lists.flags_resolve_all(actor=officer_a, beneficiary_list=ncc, kind=kind, resolution="keep",
                                justification="Đã xác minh")
    policy.parameter_change_propose(actor=users["quantri_a"], parameter="tgxh.standard_level",
                                    start=dt.date(2026, 7, 1), value=540000, reference="Nghị định thử")
    return {**registry_world, "users": users, "programme": programme, "batch": batch, "ncc": ncc}


def log_in(browser, world: dict, username: str, *, width: int = 1366, height: int = 900):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{world['url']}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", world["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{world['url']}/")
    return page


def _item(page, label: str):
    return page.locator("[data-testid=todo-item]", has_text=label)


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_each_role_sees_its_work_and_the_charts(browser, home_world):
    from playwright.sync_api import expect

    homes = {"xa_a": "home-commune-officer", "so_tham_dinh": "home-provincial-specialist", "lanh_dao": "home-leader",
             "buu_dien": "home-payment-agent", "quantri_b": "home-administrator", "thanh_tra": "home-inspector"}
    for username, shot in homes.items():
        page = log_in(browser, home_world, username)
        expect(page.get_by_test_id("todo")).to_be_visible()
        nav = page.get_by_test_id("main-nav").bounding_box()
        assert nav["height"] < 60, f"{username}: the navigation wraps ({nav['height']} px)"
        _shoot(page, shot)
        if username == "xa_a":  # the commune submits its list: the confirmation, then the province's queue
            expect(_item(page, "Danh sách đang lập, chưa trình thẩm định").get_by_test_id("todo-count")).to_have_text("1")
            _item(page, "Danh sách đang lập, chưa trình thẩm định").get_by_test_id("todo-link").click()
            page.get_by_role("link", name="Danh sách nhóm 5 – Phường Thành Sen").click()
            page.get_by_role("button", name="Trình thẩm định").click()
            expect(page.get_by_test_id("message")).to_have_text(
                "Đã trình thẩm định Danh sách nhóm 5 – Phường Thành Sen.")
        if username == "so_tham_dinh":  # not «so_lap»: who drew the lists up never appraises them
            expect(_item(page, "Danh sách chờ thẩm định").get_by_test_id("todo-count")).to_have_text("1")
            expect(_item(page, "Danh sách chờ thẩm định")).to_contain_text("chờ từ hôm nay")
            expect(_item(page, "Đợt chi trả chờ nhập kết quả").get_by_test_id("todo-count")).to_have_text("1")
            pyramid = page.get_by_test_id("pyramid-chart")
            expect(pyramid).to_be_visible()
            assert pyramid.bounding_box()["height"] > 150
            expect(page.get_by_test_id("progress-chart")).to_contain_text("Xã Cẩm Bình")
            _item(page, "Danh sách chờ thẩm định").get_by_test_id("todo-link").click()
            expect(page.get_by_role("link", name="Danh sách nhóm 5 – Phường Thành Sen")).to_be_visible()
        if username == "lanh_dao":
            expect(_item(page, "Danh sách chờ phê duyệt").get_by_test_id("todo-count")).to_have_text("0")
        if username == "buu_dien":
            item = _item(page, "Đợt chi trả chờ chi và nhập kết quả")
            expect(item.get_by_test_id("todo-count")).to_have_text("1")
            item.get_by_test_id("todo-link").click()
            expect(page.get_by_test_id("batch-status")).to_have_text("Đã lập")
        if username == "quantri_b":
            expect(_item(page, "Đề xuất giá trị tham số chờ duyệt").get_by_test_id("todo-count")).to_have_text("1")
        page.context.close()


def test_the_home_on_a_phone_and_the_grouped_menu(browser, home_world):
    from playwright.sync_api import expect

    page = log_in(browser, home_world, "so_lap", width=390, height=844)
    expect(page.get_by_test_id("pyramid-chart")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # no sideways scrolling
    _shoot(page, "home-provincial-specialist-phone")
    page.get_by_role("button", name="Mở menu").click()
    page.get_by_role("button", name="Chi trả").or_(page.get_by_role("link", name="Chi trả")).first.click()
    page.get_by_role("link", name="Đợt chi trả theo chương trình").click()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("Chi trả")
    expect(page.get_by_test_id("table-total")).to_contain_text("1 đợt")
    page.context.close()


def test_a_batch_is_paginated_with_its_total_in_the_footer(browser, home_world, monkeypatch):
    from playwright.sync_api import expect

    from ansinh.payments import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)  # two people: two pages
    page = log_in(browser, home_world, "so_lap")
    page.goto(f"{home_world['url']}/chi-tra/dot/{home_world['batch'].pk}/")
    expect(page.get_by_test_id("pager-summary")).to_have_text("Dòng 1–1 trên 2 · trang 1/2")
    expect(page.get_by_test_id("line-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("table-total")).to_contain_text("Tổng cộng: 2 người")
    expect(page.get_by_test_id("table-total")).to_contain_text("1.500.000 đ")
    page.get_by_role("link", name="Sau ›").click()
    expect(page.get_by_test_id("pager-summary")).to_have_text("Dòng 2–2 trên 2 · trang 2/2")
    expect(page.get_by_test_id("line-table").locator("tbody tr").first).to_contain_text("Đặng Thị Hà")
    page.emulate_media(media="print")
    assert not page.get_by_test_id("main-nav").is_visible()  # printed without the navigation
    page.context.close()
