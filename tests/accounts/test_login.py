"""Logging in through the real login page: Argon2 hashes and the lock after repeated failures."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-2026"  # the one tests/conftest.py gives every user
LOCKED = "Bạn đã nhập sai mật khẩu quá nhiều lần"


def login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_passwords_are_stored_as_argon2(officer_a):
    assert officer_a.password.startswith("argon2")
    assert PASSWORD not in officer_a.password
    assert officer_a.check_password(PASSWORD)


def test_right_password_logs_in_and_opens_home(client, officer_a):
    response = login(client, "xa_a", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert "xa_a" in client.get(reverse("web:home")).content.decode()


def test_wrong_password_shows_vietnamese_message(client, officer_a):
    response = login(client, "xa_a", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, officer_a):
    for _ in range(5):
        login(client, "xa_a", "sai-mat-khau")
    response = login(client, "xa_a", PASSWORD)
    assert response.status_code in (403, 429)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302  # still sent to the login page


def test_four_failures_then_the_right_password_still_logs_in(client, officer_a):
    for _ in range(4):
        login(client, "xa_a", "sai-mat-khau")
    response = login(client, "xa_a", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_a.pk)


def test_lock_is_per_username(client, officer_a, officer_b):
    for _ in range(5):
        login(client, "xa_a", "sai-mat-khau")
    assert login(client, "xa_b", PASSWORD).status_code == 302


def test_authenticate_refuses_unknown_user(rf, officer_a):
    request = rf.post(reverse("login"))
    assert authenticate(request, username="khong-co", password=PASSWORD) is None
