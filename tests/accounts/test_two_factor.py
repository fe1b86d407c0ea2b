"""Two-factor login (TOTP): after the password, leaders and administrators enrol an authenticator app (QR code,
secret in text, a first code) and then give a 6-digit code at each login; wrong codes are refused in Vietnamese,
throttled by django-otp and counted by django-axes; the middleware sends them to the code page from every page
(the admin's too) but not from the API; an administrator resets another user's device, audited, never his own.
Codes are computed from the device's key with django_otp.oath.totp, as the telephone does."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import time
from binascii import unhexlify

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import ansinh
from ansinh.accounts import two_factor
from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import TWO_FACTOR_ROLES, requires_two_factor
from ansinh.accounts.views import ENROL_KEY
from ansinh.core.models import AuditEvent
from ansinh.core.workflow import Workflow

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-2026"  # the one tests/conftest.py gives every user
VERIFY, ENROL = "/xac-thuc-hai-buoc/", "/xac-thuc-hai-buoc/dang-ky/"
WRONG = "Mã xác thực không đúng"
LOCKED = "Bạn đã nhập sai mật khẩu quá nhiều lần"


@pytest.fixture
def two_factor_on(settings):
    settings.ANSINH_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    return settings


@pytest.fixture
def admin_user(province) -> User:
    return User.objects.create_superuser(username="quantri", password=PASSWORD, role=Role.ADMINISTRATOR,
                                         area=province, last_name="Quản trị", first_name="Một")


@pytest.fixture
def admin_2(province) -> User:
    return User.objects.create_superuser(username="quantri2", password=PASSWORD, role=Role.ADMINISTRATOR,
                                         area=province, last_name="Quản trị", first_name="Hai")


def code_now(key_hex: str) -> str:
    return f"{totp(unhexlify(key_hex)):06d}"


def next_code(device: TOTPDevice) -> str:
    """The telephone's code for the first time step the device has not accepted yet (now, or the next step when
    the code of now was just used)."""
    device.refresh_from_db()
    step_now = int(time.time()) // device.step
    drift = max(0, device.last_t + 1 - step_now)
    assert drift <= device.tolerance
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def wrong_code(device_or_key) -> str:
    key = device_or_key.bin_key if isinstance(device_or_key, TOTPDevice) else unhexlify(device_or_key)
    right = {f"{totp(key, drift=d):06d}" for d in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in right)


def login(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")


def enrolled(user: User) -> TOTPDevice:
    key = two_factor.new_secret()
    return two_factor.two_factor_enrol(actor=user, key=key, token=code_now(key))


# ----------------------------------------------------------------------------------------------------- who

def _workflows():
    for info in pkgutil.walk_packages(ansinh.__path__, "ansinh."):
        if info.name.endswith(".permissions"):
            for value in vars(importlib.import_module(info.name)).values():
                if isinstance(value, Workflow):
                    yield info.name, value


def test_whoever_takes_an_approval_step_must_use_two_factor_login():
    """The «approve» and «decide» steps of every workflow of core.workflow are taken by roles of TWO_FACTOR_ROLES."""
    seen, outside = 0, []
    for module, workflow in _workflows():
        for transition in workflow.transitions:
            if transition.step in ("approve", "decide"):
                seen += 1
                outside += [f"{module} {transition.step}: {role}" for role in transition.roles - TWO_FACTOR_ROLES]
    assert seen >= 7 and outside == []
    assert {Role.LEADER, Role.ADMINISTRATOR} == TWO_FACTOR_ROLES


def test_who_needs_it(officer_a, leader, provincial, admin_user):
    assert requires_two_factor(leader) and requires_two_factor(admin_user)
    assert not requires_two_factor(officer_a) and not requires_two_factor(provincial)
    provincial.is_staff = True  # whoever opens /quan-tri/
    assert requires_two_factor(provincial)


# -------------------------------------------------------------------------------------------- the full flow

def test_enrolment_then_login_with_a_code(client, two_factor_on, leader):
    response = login(client, "lanhdao")
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert client.get("/").url == VERIFY  # the password alone opens nothing
    response = client.get(VERIFY)
    assert response.status_code == 302 and response.url.startswith(ENROL)  # no device yet

    page = client.get(ENROL)
    html = page.content.decode()
    key = client.session[ENROL_KEY]
    assert page.status_code == 200 and "Đăng ký xác thực hai bước" in html
    assert "<svg" in html and "cdn" not in html.lower() and "http" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert two_factor.secret_text(key) in html  # the secret in text, for typing by hand
    assert not TOTPDevice.objects.filter(user=leader).exists()  # nothing stored before the first code

    response = client.post(ENROL, {"code": wrong_code(key), "next": "/"})
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert not TOTPDevice.objects.filter(user=leader).exists()

    session_before = client.session.session_key
    response = client.post(ENROL, {"code": code_now(key), "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.session.session_key != session_before  # a new session key once verified
    device = TOTPDevice.objects.get(user=leader)
    assert device.confirmed and device.key == key
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action="two_factor.enrol")
    assert event.actor == leader and event.object_id == str(leader.pk)

    client.post(reverse("logout"))
    login(client, "lanhdao")
    assert client.get("/").url == VERIFY
    page = client.get(VERIFY).content.decode()
    assert "Xác thực hai bước" in page and "Mã xác thực (6 chữ số)" in page
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert WRONG in response.content.decode()  # the Vietnamese message
    assert client.get("/").url == VERIFY
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert client.get("/").status_code == 200
    assert client.get(ENROL).url.startswith(VERIFY)  # no second enrolment once a device is confirmed


def test_a_code_is_never_accepted_twice(client, two_factor_on, leader):
    device = enrolled(leader)
    code = next_code(device)
    client.force_login(leader)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = client.__class__()
    other.force_login(leader)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200 and "đã dùng" in response.content.decode()


def test_the_page_asked_for_is_opened_after_the_code(client, two_factor_on, leader):
    device = enrolled(leader)
    client.force_login(leader)
    response = client.get("/chinh-sach/tham-so/?q=a")
    assert response.status_code == 302 and response.url == f"{VERIFY}?next=%2Fchinh-sach%2Ftham-so%2F%3Fq%3Da"
    response = client.post(VERIFY, {"code": next_code(device), "next": "/chinh-sach/tham-so/?q=a"})
    assert response.url == "/chinh-sach/tham-so/?q=a"


def test_next_never_leaves_the_site(client, two_factor_on, leader):
    device = enrolled(leader)
    client.force_login(leader)
    response = client.post(f"{VERIFY}?next=//evil.example", {"code": next_code(device), "next": "//evil.example"})
    assert response.status_code == 302 and response.url == reverse("web:home")


def test_a_code_that_is_not_six_digits_is_refused_without_counting(client, two_factor_on, leader):
    device = enrolled(leader)
    client.force_login(leader)
    for typed in ("12345", "abcdef", "1234567", "１２３４５６"):
        response = client.post(VERIFY, {"code": typed})
        assert "Mã xác thực gồm 6 chữ số" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.post(VERIFY, {"code": next_code(device)[:3] + " " + next_code(device)[3:]}).status_code == 302


# --------------------------------------------------------------------------------------- wrong codes, locks

def test_wrong_codes_are_throttled(client, two_factor_on, leader):
    two_factor_on.OTP_TOTP_THROTTLE_FACTOR = 60  # waits of 60 s, 120 s… after each wrong code
    device = enrolled(leader)
    client.force_login(leader)
    assert WRONG in client.post(VERIFY, {"code": wrong_code(device)}).content.decode()
    response = client.post(VERIFY, {"code": next_code(device)})  # even the right code waits
    page = response.content.decode()
    assert response.status_code == 200 and "Bạn đã nhập sai mã nhiều lần liên tiếp" in page and "giây" in page
    assert client.get("/").url == VERIFY
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a refused try during the wait is not checked at all
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - dt.timedelta(seconds=61))
    assert client.post(VERIFY, {"code": next_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_codes_count_as_failed_logins_and_lock_the_account(client, two_factor_on, leader):
    device = enrolled(leader)
    login(client, "lanhdao")
    for _ in range(4):
        assert WRONG in client.post(VERIFY, {"code": wrong_code(device)}, REMOTE_ADDR="10.0.0.9").content.decode()
    response = client.post(VERIFY, {"code": wrong_code(device)}, REMOTE_ADDR="10.0.0.9")  # the fifth: axes' limit
    assert response.status_code in (403, 429) and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session  # signed out
    response = login(client, "lanhdao")  # and the password is refused while the lock lasts
    assert response.status_code in (403, 429) and "_auth_user_id" not in client.session


# ------------------------------------------------------------------------------------------- the middleware

def test_an_approver_is_sent_to_the_code_page_from_every_page(client, two_factor_on, leader, admin_user):
    enrolled(leader)
    client.force_login(leader)
    for path in ("/", "/chuong-trinh/", "/chi-tra-hang-thang/", "/ket-noi/nhat-ky-truy-cap/", "/khong-co-trang-nay/"):
        response = client.get(path)
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert response.url.startswith(VERIFY), path
    assert client.post("/chuong-trinh/", {"x": "1"}).url == VERIFY  # a POST too, without its next
    response = client.get("/chuong-trinh/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(VERIFY)  # an htmx fragment: the whole page moves
    assert client.get(VERIFY).status_code == 200
    assert client.get("/static/web/ansinh.css").status_code != 302
    response = client.get("/api/v1/payroll/sheets")  # machine clients use keys: the API answers for itself
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert client.post(reverse("logout")).url == reverse("login")  # logging out needs no code


def test_the_admin_needs_the_code_too(client, two_factor_on, admin_user):
    client.force_login(admin_user)
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response.url == f"{VERIFY}?next=%2Fquan-tri%2F"
    assert client.get(response.url).url.startswith(ENROL)
    assert client.get("/quan-tri/login/").status_code != 500


def test_a_commune_officer_who_approves_nothing_is_not_asked(client, two_factor_on, officer_a):
    client.force_login(officer_a)
    assert client.get("/").status_code == 200
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert not TOTPDevice.objects.filter(user=officer_a).exists()


def test_with_the_setting_off_nobody_is_asked(client, settings, leader):
    settings.ANSINH_2FA_REQUIRED = False
    client.force_login(leader)
    assert client.get("/").status_code == 200


def test_the_login_page_says_when_two_factor_login_is_off(client, settings):
    settings.ANSINH_2FA_REQUIRED = False
    assert "xác thực hai bước đang tắt" in client.get(reverse("login")).content.decode()
    settings.ANSINH_2FA_REQUIRED = True
    assert "xác thực hai bước đang tắt" not in client.get(reverse("login")).content.decode()


# ---------------------------------------------------------------------------------------- a lost telephone

def test_an_administrator_resets_another_users_device_audited(client, two_factor_on, leader, admin_user):
    device = enrolled(leader)
    admin_device = enrolled(admin_user)
    leader_client = client.__class__()
    leader_client.force_login(leader)
    assert leader_client.post(VERIFY, {"code": next_code(device)}).status_code == 302
    assert leader_client.get("/").status_code == 200

    client.force_login(admin_user)
    assert client.post(VERIFY, {"code": next_code(admin_device)}).status_code == 302
    url = reverse("two_factor:reset", args=[leader.pk])
    page = client.get(url).content.decode()
    assert "Đã đăng ký ngày" in page and "Đặt lại xác thực hai bước" in page
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "Hãy ghi lý do đặt lại" in response.content.decode()
    assert TOTPDevice.objects.filter(user=leader).exists()
    response = client.post(url, {"reason": "Mất điện thoại ngày 02/12"}, follow=True)
    assert "Đã đặt lại xác thực hai bước của lanhdao" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=leader).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == admin_user and event.object_id == str(leader.pk)
    assert event.details == {"reason": "Mất điện thoại ngày 02/12", "devices_removed": 1}
    # the leader's open session is no longer verified: he enrols again
    assert leader_client.get("/").url == VERIFY and leader_client.get(VERIFY).url.startswith(ENROL)


def test_an_administrator_never_resets_his_own_device(client, two_factor_on, admin_user, admin_2):
    device = enrolled(admin_user)
    client.force_login(admin_user)
    client.post(VERIFY, {"code": next_code(device)})
    url = reverse("two_factor:reset", args=[admin_user.pk])
    assert "không thể tự đặt lại" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Tôi mất điện thoại"})
    assert "không thể tự đặt lại" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    with pytest.raises(CommandError, match="không thể tự đặt lại"):
        call_command("two_factor_reset", "quantri", user="quantri", reason="Tôi mất điện thoại")
    # another administrator does it, here from the server
    call_command("two_factor_reset", "quantri", user="quantri2", reason="Mất điện thoại, xác minh trực tiếp")
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    assert AuditEvent.objects.get(action="two_factor.reset").actor == admin_2


def test_only_administrators_reset(client, leader, provincial):
    enrolled(leader)
    client.force_login(provincial)
    assert client.get(reverse("two_factor:reset", args=[leader.pk])).status_code == 403
    assert client.post(reverse("two_factor:reset", args=[leader.pk]), {"reason": "xin đặt lại"}).status_code == 403
    assert TOTPDevice.objects.filter(user=leader).exists()


def test_the_users_admin_shows_the_state_and_links_the_reset(client, admin_user, leader, officer_a):
    enrolled(leader)
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Xác thực hai bước" in page and "Đã đăng ký" in page and "Không bắt buộc" in page
    assert reverse("two_factor:reset", args=[leader.pk]) in page
    assert "otp_totp" not in page  # the devices (their keys) are not edited in the admin


# ------------------------------------------------------------------------------------------ deployment

def test_deploy_check_warns_when_production_turns_it_off(settings):
    settings.ANSINH_ENV = "production"
    settings.ANSINH_2FA_REQUIRED = False
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "ansinh.W001" in ids
    settings.ANSINH_2FA_REQUIRED = True
    assert "ansinh.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.ANSINH_ENV, settings.ANSINH_2FA_REQUIRED = "development", False  # development: no warning
    assert "ansinh.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


def test_production_turns_it_on_by_default(monkeypatch):
    import subprocess
    import sys

    env = {"ANSINH_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.gov.vn", "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "ansinh.config.settings", "PATH": "/usr/bin:/bin"}
    script = "import django; django.setup(); from django.conf import settings; print(settings.ANSINH_2FA_REQUIRED)"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
