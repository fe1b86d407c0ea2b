"""The approval chain of a unit's report in Chromium, each person in a browser of their own: the district office opens
and submits its six-month report; the department's office (the level above, another person) returns it with a
reason; the district reads the reason, corrects the figure and submits again; the leader accepts it (the figures
lock); the leaders' dashboard draws its chart (a server-rendered SVG with a bar per indicator) and writes the
percentage of plan the Vietnamese way. Screenshots of each step under tests/_screenshots/ (gitignored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from browser.conftest import PASSWORD, _load_ha_tinh_units

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"
JOBS = "Số người được giải quyết việc làm"


@pytest.fixture
def plan_world(transactional_db, live_server, settings):
    """The Sở with one district office, the 2020 target of jobs (24.000), the six-month form with its obligations,
    and the three people of the chain."""
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.planning.models import ReportForm, ReportObligation
    from ansinh.planning.services import org, plan

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _load_ha_tinh_units()
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    district = (AdminUnit.objects.filter(level=Level.DISTRICT, structure=Structure.LEGACY, province_code="42")
                .order_by("name").first())
    users = {}
    for username, role, area, first in (("huyen_kh", Role.DISTRICT_SPECIALIST, district, "Huyện"),
                                        ("so_vanphong", Role.PROVINCIAL_SPECIALIST, province, "Văn phòng"),
                                        ("lanhdao_so", Role.LEADER, province, "Giám đốc")):
        users[username] = User.objects.create_user(username=username, password=PASSWORD, role=role, area=area,
                                                   last_name="Cán bộ", first_name=first)
    planner = users["so_vanphong"]
    founded = dt.date(2008, 4, 1)
    so = org.org_unit_create(actor=planner, code="so", name="Sở Lao động - Thương binh và Xã hội",
                             kind="department", valid_from=founded, admin_unit=province)
    office = org.org_unit_create(actor=planner, code=f"huyen-{district.code}", name=f"Phòng LĐ-TBXH {district.name}",
                                 kind="district_office", valid_from=founded, parent=so, admin_unit=district)
    period = plan.period_open(actor=planner, code="2020-H1")
    jobs = plan.indicator_define(actor=planner, code="jobs_found", name=JOBS, measure_unit="người", field="labour")
    plan.target_set(actor=planner, indicator=jobs, unit=so, year=2020, value=24_000, reason="QĐ giao kế hoạch 2020")
    form = ReportForm.objects.create(code="bc6", name="Báo cáo 6 tháng", period_kind="half")
    form.indicators.set([jobs])
    for unit, days in ((office, 5), (so, 10)):
        ReportObligation.objects.create(form=form, unit=unit, due_days=days, valid_from=founded)
    return {"url": live_server.url, "office": office, "period": period}


def _log_in(browser, world: dict, username: str):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{world['url']}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{world['url']}/")
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"planning-{name}.png"), full_page=True)


def _open_report(page, world: dict) -> None:
    page.goto(f"{world['url']}/ke-hoach/bao-cao/?period=2020-H1")
    page.get_by_test_id("tracking").get_by_role("link", name="Báo cáo 6 tháng").click()


def test_a_report_returned_then_resubmitted_and_accepted_then_the_dashboard(browser, plan_world):
    from playwright.sync_api import expect

    from ansinh.planning.models import ReportStatus, UnitReport

    world = plan_world
    # the district office opens its report, enters its figure, submits
    unit = _log_in(browser, world, "huyen_kh")
    unit.goto(f"{world['url']}/ke-hoach/bao-cao/?period=2020-H1")
    unit.get_by_test_id("tracking").get_by_role("button", name="Lập báo cáo").click()
    expect(unit.get_by_test_id("report-status")).to_have_text("Đang lập")
    unit.get_by_label(JOBS).fill("9.990")
    unit.get_by_role("button", name="Lưu số liệu").click()
    expect(unit.get_by_test_id("message")).to_have_text("Đã lưu số liệu.")
    expect(unit.get_by_label(JOBS)).to_have_value("9.990")
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_test_id("message")).to_have_text("Đã gửi báo cáo lên cấp trên.")
    expect(unit.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ chấp nhận")
    expect(unit.get_by_role("button", name="Chấp nhận")).to_have_count(0)  # never by the unit itself
    _shot(unit, "1-submitted-by-the-unit")

    # the department's office (the level above) returns it with a reason
    office = _log_in(browser, world, "so_vanphong")
    _open_report(office, world)
    expect(office.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ chấp nhận")
    office.get_by_label("Lý do trả lại").fill("Số liệu tháng 6 chưa khớp với sổ theo dõi của phòng")
    office.get_by_role("button", name="Trả lại").click()
    expect(office.get_by_test_id("message")).to_have_text("Đã trả lại báo cáo.")
    expect(office.get_by_test_id("report-status")).to_have_text("Bị trả lại")
    _shot(office, "2-returned-with-a-reason")

    # the unit reads the reason, corrects the figure and submits again
    unit.reload()
    expect(unit.get_by_text("Lý do: Số liệu tháng 6 chưa khớp với sổ theo dõi của phòng")).to_be_visible()
    unit.get_by_label(JOBS).fill("9.997")
    unit.get_by_role("button", name="Lưu số liệu").click()
    expect(unit.get_by_test_id("message")).to_have_text("Đã lưu số liệu.")
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_test_id("report-status")).to_have_text("Đã gửi, chờ chấp nhận")
    _shot(unit, "3-resubmitted")

    # the leader accepts: the figures lock
    leader = _log_in(browser, world, "lanhdao_so")
    _open_report(leader, world)
    leader.get_by_role("button", name="Chấp nhận").click()
    expect(leader.get_by_test_id("message")).to_have_text("Đã chấp nhận báo cáo: số liệu đã khoá.")
    expect(leader.get_by_test_id("report-status")).to_have_text("Đã chấp nhận (khoá số liệu)")
    events = leader.get_by_test_id("events").locator("li")
    expect(events).to_have_count(5)  # opened, submitted, returned, submitted again, accepted
    _shot(leader, "4-accepted")
    report = UnitReport.objects.get(unit=world["office"], period=world["period"])
    assert report.status == ReportStatus.ACCEPTED and report.achievements.get().value == 9_997

    # the leaders' dashboard: the chart (an SVG with a bar) and 9.997 / 24.000 = 41,65%
    leader.goto(f"{world['url']}/ke-hoach/")
    chart = leader.get_by_test_id("plan-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.tagName.toLowerCase()") == "svg"
    bars = chart.locator("rect")
    expect(bars).to_have_count(1)
    assert float(bars.first.get_attribute("width")) > 0 and bars.first.bounding_box()["width"] > 50
    expect(chart).to_contain_text("41,65%")
    row = leader.get_by_test_id("plan-rows").locator("tbody tr", has_text=JOBS)
    expect(row).to_contain_text("24.000")
    expect(row).to_contain_text("9.997")
    expect(row).to_contain_text("41,65%")
    _shot(leader, "5-dashboard")
    for page in (unit, office, leader):
        page.context.close()


def test_the_office_adjusts_a_target_and_turns_a_bullet_into_a_task(browser, plan_world):
    """The definition pages as the office uses them: a target adjusted on its page (the history keeps the first
    version), an error shown next to its field, and a conclusion's bullet given to the district office as a task."""
    from playwright.sync_api import expect

    from ansinh.planning.models import Target, Task

    world = plan_world
    page = _log_in(browser, world, "so_vanphong")
    target = Target.objects.get()
    page.goto(f"{world['url']}/ke-hoach/ke-hoach-giao/{target.pk}/")
    page.get_by_label("Kế hoạch điều chỉnh").fill("23,5.5")
    page.get_by_label("Lý do điều chỉnh (căn cứ)").fill("QĐ 1550/QĐ-UBND điều chỉnh kế hoạch")
    page.get_by_role("button", name="Điều chỉnh (giao lần mới)").click()
    expect(page.get_by_test_id("error-value")).to_contain_text("không phải là số")
    page.get_by_label("Kế hoạch điều chỉnh").fill("25.000")
    page.get_by_role("button", name="Điều chỉnh (giao lần mới)").click()
    expect(page.get_by_test_id("message")).to_contain_text("từ 24.000 thành 25.000 người (lần 2)")
    history = page.get_by_test_id("target-history").locator("tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("đã được điều chỉnh")
    expect(history.nth(1)).to_contain_text("đang áp dụng")
    _shot(page, "6-target-history")

    page.goto(f"{world['url']}/ke-hoach/ket-luan/them/")
    page.get_by_label("Trích yếu").fill("Kết luận của Giám đốc Sở tại Hội nghị sơ kết 6 tháng đầu năm 2020")
    page.get_by_label("Ngày họp").fill("05/07/2020")
    page.get_by_label("Kỳ đánh giá").select_option(label="6 tháng đầu năm 2020")
    page.fill("#id_signer_name", "Lê Thu Hà")
    page.get_by_role("button", name="Lập thông báo").click()
    expect(page.get_by_test_id("message")).to_contain_text("Đã lập thông báo kết luận")
    page.select_option("#id_section", label="I. Nhiệm vụ trọng tâm")
    page.fill("#id_text", "Tổ chức các phiên giao dịch việc làm lưu động.")
    page.select_option("#id_units", label=world["office"].name)
    page.get_by_label("Giao thành nhiệm vụ").check()
    page.get_by_label("Số hiệu nhiệm vụ").fill("KL-I.1")
    page.get_by_label("Hạn hoàn thành").fill("31/12/2020")
    page.get_by_role("button", name="Thêm nội dung").click()
    expect(page.get_by_test_id("message")).to_contain_text("giao nhiệm vụ KL-I.1 cho " + world["office"].name)
    expect(page.get_by_test_id("item-task")).to_contain_text("hạn 31/12/2020")
    _shot(page, "7-conclusion-bullet-task")
    assert Task.objects.get(code="KL-I.1").owner == world["office"]
    page.get_by_test_id("figures-check").click()
    expect(page.get_by_test_id("figures")).to_contain_text("Thông báo không trích số liệu nào bằng mã")
    expect(page.get_by_test_id("figures")).to_contain_text("Đủ số liệu: ban hành được")

    page.goto(f"{world['url']}/ke-hoach/van-ban-den/them/")
    page.get_by_label("Ngày đến").fill("10/04/2020")
    page.get_by_label("Cơ quan ban hành").fill("Chính phủ")
    page.get_by_label("Cấp ban hành").select_option("central")
    page.get_by_label("Số và ký hiệu").fill("42/NQ-CP")
    page.get_by_label("Ngày ban hành").fill("11/04/2020")
    page.get_by_label("Trích yếu").fill("Về các biện pháp hỗ trợ người dân gặp khó khăn do đại dịch COVID-19")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_test_id("error-issued_on")).to_contain_text("sau ngày đến 10/04/2020")
    page.get_by_label("Ngày ban hành").fill("09/04/2020")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_test_id("message")).to_contain_text("Đã vào sổ văn bản đến số 01/2020: 42/NQ-CP")
    expect(page.get_by_test_id("incoming-counts")).to_contain_text("Trung ương (Quốc hội, Chính phủ, Thủ tướng, bộ, ngành): 1")
    _shot(page, "8-incoming-register")
    page.context.close()
