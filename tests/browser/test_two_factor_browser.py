"""Two-factor login in Chromium: a leader signs in with his password, is sent to the enrolment page (QR code drawn
on the page, the secret in text), types a wrong code (refused in Vietnamese), then the code an authenticator app
computes from the secret shown; later he signs in again and gives the next code. Screenshots of the enrolment and
code pages under tests/_screenshots/ (gitignored)."""

from __future__ import annotations

import time
from base64 import b32decode
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


def _app_code(secret_shown: str, drift: int = 0) -> str:
    """What the telephone shows after typing the secret by hand."""
    from django_otp.oath import totp

    compact = secret_shown.replace(" ", "")
    key = b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key, drift=drift):06d}"


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_leader_enrols_and_signs_in_with_a_code(page, registry_world, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure

    settings.ANSINH_2FA_REQUIRED = True
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    leader = User.objects.create_user(username="lanhdao_2fa", password=registry_world["password"], role=Role.LEADER,
                                      area=province, last_name="Võ Đức", first_name="Minh")
    base = registry_world["url"]
    SHOTS.mkdir(exist_ok=True)

    _sign_in(page, base, "lanhdao_2fa", registry_world["password"])
    expect(page.get_by_role("heading", name="Đăng ký xác thực hai bước")).to_be_visible()
    assert "/xac-thuc-hai-buoc/dang-ky/" in page.url
    qr = page.locator("[data-testid=qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] > 120 and box["height"] > 120  # big enough for a telephone's camera
    secret = page.inner_text("[data-testid=secret]").strip()
    assert len(secret.replace(" ", "")) == 32
    page.screenshot(path=str(SHOTS / "two-factor-enrol.png"), full_page=True)

    page.fill("#id_code", "000000" if _app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    expect(page.get_by_test_id("code-error")).to_contain_text("Mã xác thực không đúng")
    assert page.inner_text("[data-testid=secret]").strip() == secret  # the same secret, still to confirm

    page.fill("#id_code", _app_code(secret))
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    expect(page.get_by_test_id("message").first).to_contain_text("Đã đăng ký ứng dụng xác thực")
    expect(page.get_by_test_id("who")).to_contain_text("Lãnh đạo phê duyệt")
    assert page.url.rstrip("/") == base
    device = TOTPDevice.objects.get(user=leader, confirmed=True)

    page.get_by_role("button", name="Đăng xuất").click()
    _sign_in(page, base, "lanhdao_2fa", registry_world["password"])
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    page.goto(f"{base}/chuong-trinh/")  # any page sends him back to the code
    expect(page.get_by_test_id("two-factor-verify")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-verify.png"), full_page=True)
    device.refresh_from_db()
    drift = max(0, device.last_t + 1 - int(time.time()) // device.step)  # the code just used is spent
    page.fill("#id_code", _app_code(secret, drift))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Chương trình hỗ trợ")).to_be_visible()
    assert "/chuong-trinh/" in page.url
    page.screenshot(path=str(SHOTS / "two-factor-after.png"))
