"""Settings read from the environment: DEBUG off unless asked, production refusals, deploy checks clean,
Vietnamese error pages, static files served by WhiteNoise."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("ANSINH_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MEDIA_ROOT", "STATIC_ROOT",
             "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "DJANGO_SETTINGS_MODULE",
             "DJANGO_ALLOW_ASYNC_UNSAFE")  # set by tests/browser/conftest.py for the test process only
PRODUCTION = {"ANSINH_ENV": "production", "ALLOWED_HOSTS": "example.gov.vn"}


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """A fresh interpreter with only the given settings variables (the others removed from the environment)."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(variables)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def setting(name: str, **variables: str) -> subprocess.CompletedProcess:
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ansinh.config.settings'); "
            f"from django.conf import settings; print(repr(settings.{name}))")
    return run(["-c", code], **variables)


def test_check_deploy_is_clean_under_the_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_development_key():
    result = setting("DEBUG", **PRODUCTION, SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "khoá mặc định của bản phát triển" in result.stderr


def test_production_refuses_a_missing_key_and_debug_on():
    missing = setting("DEBUG", **PRODUCTION)
    assert missing.returncode != 0 and "thiếu SECRET_KEY" in missing.stderr
    debug = setting("DEBUG", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50), DEBUG="1")
    assert debug.returncode != 0 and "không được bật DEBUG" in debug.stderr


def test_production_defaults_are_https_only():
    values = {}
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                 "SECURE_PROXY_SSL_HEADER"):
        result = setting(name, **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50),
                         SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
        assert result.returncode == 0, result.stderr
        values[name] = result.stdout.strip()
    assert values == {"SECURE_SSL_REDIRECT": "True", "SECURE_HSTS_SECONDS": "31536000",
                      "SESSION_COOKIE_SECURE": "True", "CSRF_COOKIE_SECURE": "True",
                      "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')"}
    redirect_off = setting("SECURE_SSL_REDIRECT", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50),
                           SECURE_SSL_REDIRECT="0")
    assert redirect_off.stdout.strip() == "False"


def test_debug_is_off_unless_asked():
    assert setting("DEBUG").stdout.strip() == "False"
    assert setting("DEBUG", DEBUG="1").stdout.strip() == "True"


def test_files_directories_come_from_the_environment(tmp_path):
    assert setting("MEDIA_ROOT").stdout.strip() == repr(ROOT / "var" / "media")
    assert setting("MEDIA_ROOT", MEDIA_ROOT=str(tmp_path / "m")).stdout.strip() == repr(tmp_path / "m")
    assert setting("STATIC_ROOT", STATIC_ROOT=str(tmp_path / "s")).stdout.strip() == repr(tmp_path / "s")


@pytest.mark.django_db
def test_a_missing_page_is_the_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="vi"' in page and "Không tìm thấy trang hoặc hồ sơ" in page
    assert "URLconf" not in page and "Page not found" not in page  # not Django's debug page


def test_the_500_page_needs_neither_the_request_nor_the_database():
    """No django_db mark: pytest-django makes any database access in here an error."""
    from ansinh.config.urls import handler500

    request = RequestFactory().get("/")  # no session, no user: what the middleware would have added is missing
    response = handler500(request)
    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in response.content.decode()


def test_static_files_are_served_with_debug_off(client):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    response = client.get("/static/web/ansinh.css")
    assert response.status_code == 200
    assert b"navbar-brand" in b"".join(response.streaming_content)
