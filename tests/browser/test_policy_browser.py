"""Two administrators in a real browser: one proposes the 2026 standard level, the other approves it,
then the explanation of an allowance for July 2026 uses it (June 2026 does not)."""

from __future__ import annotations

import pytest

from ansinh.policy.links import explanation_url
from ansinh.policy.models import ChangeStatus, ParameterChange

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-chinh-sach-2026"
EXAMPLE = {"tgxh_category": "elderly_80_no_pension", "birth_date": "1940-05-01"}


@pytest.fixture
def policy_world(transactional_db, live_server, settings):
    from ansinh.accounts.models import Role, User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for username in ("quantri_a", "quantri_b"):
        User.objects.create_user(username=username, password=PASSWORD, role=Role.ADMINISTRATOR,
                                 last_name="Quản trị", first_name=username[-1].upper())
    return {"url": live_server.url}


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_propose_approve_and_explain(page, policy_world):
    from playwright.sync_api import expect

    base = policy_world["url"]
    log_in(page, base, "quantri_a")
    page.get_by_role("button", name="Chính sách").click()  # the grouped menu
    page.get_by_role("link", name="Tham số chính sách").click()
    expect(page.locator("[data-testid='parameter-tgxh.coefficients.single_poor_parent']")).to_contain_text(
        "Chưa có giá trị — quản trị cần nhập, hệ thống từ chối tính")
    page.locator("[data-testid='parameter-tgxh.standard_level']").get_by_role("link", name="Đề xuất giá trị").click()
    expect(page.locator("#id_parameter")).to_have_value("tgxh.standard_level")
    page.fill("#id_start", "01/07/2026")
    page.fill("#id_value", "540.000")
    page.fill("#id_reference", "TEST")
    page.get_by_role("button", name="Gửi đề xuất").click()
    expect(page.get_by_role("alert")).to_contain_text("chỉ áp dụng sau khi một quản trị viên khác duyệt")
    change = ParameterChange.objects.get()
    expect(page.locator(f"[data-testid=approve-{change.pk}]")).to_have_count(0)
    log_out(page)

    log_in(page, base, "quantri_b")
    page.goto(f"{base}/chinh-sach/tham-so/cho-duyet/")
    page.locator(f"[data-testid=approve-{change.pk}]").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã duyệt tgxh.standard_level từ 01/07/2026")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED

    page.goto(base + explanation_url("tgxh_monthly_allowance", "2026-07", EXAMPLE))
    expect(page.locator("[data-testid=explanation-value]")).to_have_text("540.000 đ")
    expect(page.locator("[data-testid=explanation-tree]")).to_contain_text("áp dụng từ 01/07/2026 · căn cứ: TEST")
    page.locator("#id_period").fill("06/2026")
    page.get_by_role("button", name="Tính và giải thích").click()
    expect(page.locator("[data-testid=explanation-value]")).to_have_text("500.000 đ")
    expect(page.locator("[data-testid=explanation-tree]")).to_contain_text("76/2024")
