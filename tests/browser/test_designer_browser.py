"""The programme designer in a real browser: a provincial specialist types a programme as the office writes it
(days dd/mm/yyyy, amounts 1.000.000), adds a second group and a second funding source in the page, is shown a
refusal next to its field, saves and submits; a leader approves; the programme's page lists its groups.

Screenshots of each step are saved under tests/_screenshots/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


@pytest.fixture
def designer_world(registry_world):
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    for username, role, first in (("so_a", Role.PROVINCIAL_SPECIALIST, "Lan"), ("lanh_dao", Role.LEADER, "Minh")):
        User.objects.create_user(username=username, password=registry_world["password"], role=role, area=province,
                                 last_name="Sở", first_name=first)
    return registry_world


def _log_in(browser, world: dict, username: str):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(f"{world['url']}/dang-nhap/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", world["password"])
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{world['url']}/")
    return tab


def _shot(tab, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"designer-{name}.png"), full_page=True)


def test_a_specialist_designs_a_programme_and_a_leader_approves_it(browser, designer_world):
    from playwright.sync_api import expect

    from ansinh.programmes.models import Programme

    base = designer_world["url"]
    tab = _log_in(browser, designer_world, "so_a")
    tab.goto(f"{base}/chuong-trinh/thiet-ke/")
    tab.get_by_test_id("design-new").click()
    expect(tab.get_by_role("heading", name="Soạn chương trình hỗ trợ mới")).to_be_visible()
    for heading in ("1. Chương trình và căn cứ pháp lý", "2. Thời gian áp dụng", "3. Nguồn kinh phí",
                    "4. Nhóm đối tượng và mức hỗ trợ"):
        expect(tab.get_by_role("heading", name=heading)).to_be_visible()

    tab.get_by_role("textbox", name="Mã chương trình", exact=True).fill("qua-tet-2021")
    tab.get_by_role("textbox", name="Tên chương trình", exact=True).fill("Tặng quà Tết Tân Sửu 2021")
    tab.get_by_role("textbox", name="Căn cứ pháp lý").fill("Kế hoạch số 15/KH-UBND ngày 04/01/2021 của UBND tỉnh")
    tab.get_by_role("textbox", name="Số quyết định ban hành", exact=True).fill("20/QĐ-UBND")
    tab.get_by_role("textbox", name="Ngày quyết định", exact=True).fill("05/01/2021")
    tab.get_by_role("textbox", name="Người ký", exact=True).fill("Chủ tịch UBND tỉnh")
    tab.get_by_role("textbox", name="Áp dụng từ ngày", exact=True).fill("15/01/2021")
    tab.get_by_role("textbox", name="Đến ngày", exact=True).fill("31/01/2021")

    # two funding sources: the second row comes from «Thêm nguồn kinh phí», the amount is shown with dots
    tab.fill("#id_nguon-0-name", "Ngân sách tỉnh")
    tab.fill("#id_nguon-0-amount", "80000000")
    tab.get_by_test_id("add-source").click()
    tab.fill("#id_nguon-1-name", "Quỹ Vì người nghèo tỉnh")
    expect(tab.locator("#id_nguon-0-amount")).to_have_value("80.000.000")  # formatted when leaving the box
    tab.fill("#id_nguon-1-amount", "20.000.000")

    # group 1 from the NCC register, one category; group 2 from the communes' Excel files, added in the page
    group1 = tab.get_by_test_id("group-1")
    group1.get_by_role("textbox", name="Mã nhóm", exact=True).fill("1")
    group1.get_by_role("textbox", name="Tên nhóm", exact=True).fill("Bà mẹ Việt Nam anh hùng")
    group1.get_by_role("checkbox", name="Người có công hưởng trợ cấp hằng tháng", exact=True).check()
    group1.get_by_role("checkbox", name="Bà mẹ Việt Nam anh hùng", exact=True).check()
    group1.get_by_role("textbox", name="Mức hỗ trợ (đồng)", exact=True).fill("1.000.000")
    group1.get_by_role("textbox", name="Số đối tượng dự kiến", exact=True).fill("50")
    expect(group1.get_by_label("Khoản tính theo bộ quy tắc")).to_be_hidden()  # a fixed amount: no rules fields
    tab.get_by_test_id("add-group").click()
    group2 = tab.get_by_test_id("group-2")
    expect(group2.get_by_role("heading", name="Nhóm thứ 2")).to_be_visible()
    group2.get_by_role("textbox", name="Mã nhóm", exact=True).fill("2")
    group2.get_by_role("textbox", name="Tên nhóm", exact=True).fill("Hộ nghèo có hoàn cảnh khó khăn")
    group2.get_by_label("Lấy người từ").select_option("excel")
    expect(group2.get_by_text("Sổ đối tượng", exact=True)).to_be_hidden()
    group2.get_by_role("textbox", name="Mức hỗ trợ (đồng)", exact=True).fill("500.000")
    group2.get_by_label("Tính cho").select_option("household")
    group2.get_by_role("textbox", name="Số đối tượng dự kiến", exact=True).fill("200")
    _shot(tab, "1-typed")

    # a refusal is shown next to its field and keeps what was typed: the sources do not cover the estimate
    tab.fill("#id_nguon-1-amount", "10.000.000")
    tab.get_by_test_id("design-save").click()
    expect(tab.get_by_role("alert").first).to_contain_text("Chưa lưu: 1 chỗ cần sửa")
    expect(tab.get_by_test_id("section-errors")).to_contain_text(
        "Tổng các nguồn kinh phí (90.000.000 đ) không đủ số tiền dự kiến của các nhóm (150.000.000 đ")
    expect(tab.get_by_role("textbox", name="Tên chương trình", exact=True)).to_have_value("Tặng quà Tết Tân Sửu 2021")
    expect(tab.get_by_test_id("group-2").get_by_role("textbox", name="Tên nhóm", exact=True)).to_have_value("Hộ nghèo có hoàn cảnh khó khăn")
    _shot(tab, "2-refused")
    assert not Programme.objects.filter(code="qua-tet-2021").exists()

    tab.fill("#id_nguon-1-amount", "70.000.000")
    tab.get_by_test_id("design-save").click()
    expect(tab.get_by_role("alert").first).to_contain_text(
        "Đã lưu dự thảo chương trình «Tặng quà Tết Tân Sửu 2021» (2 nhóm đối tượng)")
    expect(tab.get_by_test_id("design-groups")).to_contain_text("1.000.000 đ mỗi người, chi một lần")
    tab.get_by_test_id("design-submit").click()
    expect(tab.get_by_test_id("design-status")).to_have_text("Đã trình phê duyệt")
    _shot(tab, "3-submitted")
    tab.context.close()

    # the leader approves; the programme's own page lists its groups
    programme = Programme.objects.get(code="qua-tet-2021")
    assert [s.name for s in programme.funding_sources.all()] == ["Ngân sách tỉnh", "Quỹ Vì người nghèo tỉnh"]
    leader = _log_in(browser, designer_world, "lanh_dao")
    leader.goto(f"{base}/chuong-trinh/thiet-ke/{programme.pk}/")
    expect(leader.get_by_test_id("design-edit")).to_have_count(0)
    _shot(leader, "4-to-approve")
    leader.get_by_test_id("design-approve").click()
    leader.wait_for_url(f"{base}/chuong-trinh/{programme.pk}/")
    expect(leader.get_by_role("alert").first).to_contain_text("Đã phê duyệt chương trình «Tặng quà Tết Tân Sửu 2021»")
    expect(leader.get_by_text("1 – Bà mẹ Việt Nam anh hùng")).to_be_visible()
    expect(leader.get_by_text("2 – Hộ nghèo có hoàn cảnh khó khăn")).to_be_visible()
    _shot(leader, "5-approved")
    leader.context.close()
    programme.refresh_from_db()
    assert programme.status == "approved" and programme.approved_by.username == "lanh_dao"
