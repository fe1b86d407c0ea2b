"""The survey form in a real browser on a phone-sized screen (Debian's headless Chromium: the session's browser of
tests/browser/conftest.py), then the transitions page with its server-drawn chart for the provincial specialist."""

from __future__ import annotations

import datetime as dt
import os

import pytest

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "mat-khau-trinh-duyet-2026"


@pytest.fixture
def world(transactional_db, live_server, settings):
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.poverty.services import surveys
    from browser.conftest import _load_ha_tinh_units
    from poverty import factories as f

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _load_ha_tinh_units()
    commune = AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42",
                                    name="Phường Thành Sen")
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    officer = User.objects.create_user(username="xa_mobile", password=PASSWORD, role=Role.COMMUNE_OFFICER,
                                       area=commune, last_name="Cán bộ", first_name="Xã")
    User.objects.create_user(username="so_mobile", password=PASSWORD, role=Role.PROVINCIAL_SPECIALIST, area=province,
                             last_name="Chuyên viên", first_name="Sở")
    household = f.household(commune, "HTM001", "Hồ Văn Điện")
    f.enrol("near_poor", household)
    review_round = surveys.round_open(actor=officer, commune=commune, year=2021, reference_date=dt.date(2021, 9, 1))
    return {"url": live_server.url, "round": review_round}


def log_in(browser, url: str, username: str, viewport: dict):
    context = browser.new_context(locale="vi-VN", viewport=viewport, is_mobile=viewport["width"] < 500,
                                   has_touch=viewport["width"] < 500)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def test_the_survey_on_a_phone_then_the_transitions_chart(browser, world):
    from playwright.sync_api import expect

    phone = {"width": 390, "height": 844}
    page = log_in(browser, world["url"], "xa_mobile", phone)
    page.goto(f"{world['url']}/ho-ngheo/ky/{world['round'].pk}/phieu/?ho=HTM001")
    expect(page.get_by_text("Phiếu rà soát hộ gia đình")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= phone["width"]  # no sideways scrolling
    page.fill("#id_income_per_capita", "1.200.000")
    for label in ("Bảo hiểm y tế", "Nhà tiêu hợp vệ sinh", "Dinh dưỡng"):
        page.get_by_label(label, exact=True).check()
    button = page.get_by_test_id("survey-save")
    box = button.bounding_box()
    assert box["width"] >= phone["width"] * 0.8 and box["height"] >= 40  # a thumb-sized button
    button.click()
    expect(page.get_by_test_id("rules-status")).to_have_text("Hộ nghèo")
    expect(page.get_by_test_id("income")).to_have_text("1.200.000 đ")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= phone["width"]
    page.context.close()

    desk = log_in(browser, world["url"], "so_mobile", {"width": 1366, "height": 900})
    desk.goto(f"{world['url']}/ho-ngheo/bien-dong/?year=2021")
    chart = desk.get_by_test_id("transitions-chart")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Hộ nghèo phát sinh")
    expect(desk.get_by_test_id("summary")).to_contain_text("Phường Thành Sen")
    desk.context.close()
