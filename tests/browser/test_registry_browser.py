"""A commune officer's day in a real browser: log in, search, open a household, add a member."""

from __future__ import annotations

import re

import pytest

from ansinh.registry.models import Person

pytestmark = pytest.mark.browser


def log_in(page, world: dict, username: str, area: str) -> None:
    base_url = world["url"]
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", world["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    assert page.inner_text("[data-testid=who]").endswith(f"Cán bộ cấp xã · {area}")


def test_officer_searches_opens_household_and_adds_member(page, registry_world, tmp_path):
    from playwright.sync_api import expect

    base = registry_world["url"]
    household = registry_world["households"]["a"]
    log_in(page, registry_world, "xa_a", "Phường Thành Sen")

    page.goto(f"{base}/ho-so/nhan-khau/")
    page.fill("#q", "nguyen thi hoa")
    page.press("#q", "Enter")
    results = page.locator("[data-testid=person-results] tbody tr")
    expect(results).to_have_count(1)  # the Nguyễn Thị Hoa of Xã Cẩm Bình is not listed
    expect(results.first).to_contain_text("Nguyễn Thị Hoa")
    expect(results.first).to_contain_text("Phường Thành Sen")

    results.first.get_by_role("link", name=household.code).click()
    page.wait_for_url(re.compile(rf"/ho-so/ho/{household.pk}/$"))
    expect(page.locator("h1")).to_contain_text("chủ hộ Nguyễn Văn Hùng")

    form = page.locator("#add-member")
    form.locator("[name=full_name]").fill("Phan Thị Mai")
    form.locator("[name=sex]").select_option("F")
    form.locator("[name=birth]").fill("02/02/1970")
    form.locator("[name=pid]").fill("042070005555")  # digit 4 = 0: a man born in the 1900s
    form.locator("[name=relationship]").select_option("spouse")
    form.get_by_role("button", name="Thêm vào hộ").click()
    error = page.locator("[data-testid=error-pid]")
    expect(error).to_contain_text("Số định danh cá nhân không khớp")
    expect(error).to_contain_text("giới tính là nữ")
    assert not Person.objects.filter(full_name="Phan Thị Mai").exists()

    form = page.locator("#add-member")
    expect(form.locator("[name=full_name]")).to_have_value("Phan Thị Mai")  # what was typed is kept
    form.locator("[name=pid]").fill("042170005555")
    form.get_by_role("button", name="Thêm vào hộ").click()
    page.wait_for_url(re.compile(rf"/ho-so/ho/{household.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Đã thêm Phan Thị Mai vào hộ")
    row = page.locator("[data-testid=members] tbody tr", has_text="Phan Thị Mai")
    expect(row).to_contain_text("Vợ/chồng")
    expect(row).to_contain_text("042170005555")
    assert Person.objects.get(pid="042170005555").household_id == household.pk
    history = page.locator("[data-testid=history]")
    expect(history).to_contain_text("Thêm thành viên Phan Thị Mai")
    expect(history).to_contain_text("Vợ/chồng")

    shot = page.screenshot(path=str(tmp_path / "ho.png"), full_page=True)
    assert (tmp_path / "ho.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot[:4] == b"\x89PNG"


def test_officer_opening_another_communes_person_gets_404(page, registry_world):
    base = registry_world["url"]
    other = registry_world["households"]["b"]
    log_in(page, registry_world, "xa_a", "Phường Thành Sen")
    response = page.goto(f"{base}/ho-so/nhan-khau/{other.head_id}/")
    assert response.status == 404
    assert "Trần Thị Đào" not in page.content()
    response = page.goto(f"{base}/ho-so/ho/{other.pk}/")
    assert response.status == 404
