"""Headless Chromium (Debian's package, not Playwright's download) against pytest-django's live server.

Tests using ``live_server`` are transactional: the administrative units loaded once per
session are flushed after them, so ``registry_world`` loads the units itself. Loading all
63+34 provinces takes about 8 s on SQLite per test (measured); Hà Tĩnh alone, 0.2 s, so
the world holds Hà Tĩnh only (every unit these tests touch is in it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from unittest import mock

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ANSINH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--lang=vi-VN", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "mat-khau-trinh-duyet-2026"
HA_TINH = "42"


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set ANSINH_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch(): a fresh temporary profile each time, removed on close
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def _load_ha_tinh_units() -> None:
    from ansinh.geo import loaders

    real_rows = loaders._rows

    def ha_tinh_rows(sql: str):
        return real_rows(f"{sql} WHERE provinceCode = '{HA_TINH}'")

    with mock.patch.object(loaders, "_rows", ha_tinh_rows):
        loaders.admin_units_load()  # idempotent: a no-op when the session's units are still there


@pytest.fixture
def registry_world(transactional_db, live_server, settings):
    """Two commune officers with a household each; the people the scenario looks for."""
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.registry import services
    from ansinh.registry.models import Relationship

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2: tests/accounts
    _load_ha_tinh_units()

    def commune(name):
        return AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, province_code=HA_TINH,
                                     name=name)

    officers = {}
    households = {}
    for key, name, code, head in (
        ("a", "Phường Thành Sen", "HT18073BROW01",
         {"full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": dt.date(1968, 5, 12), "pid": "042068001234"}),
        ("b", "Xã Cẩm Bình", "HT18685BROW01",
         {"full_name": "Trần Thị Đào", "sex": "F", "birth_date": dt.date(1955, 1, 1), "birth_precision": "year"}),
    ):
        unit = commune(name)
        officer = User.objects.create_user(username=f"xa_{key}", password=PASSWORD, role=Role.COMMUNE_OFFICER,
                                           area=unit, last_name="Cán bộ", first_name=key.upper())
        household = services.household_create(actor=officer, commune=unit, village="Thôn 1", code=code, head=head)
        services.household_add_member(actor=officer, household=household, relationship=Relationship.CHILD,
                                      full_name="Nguyễn Thị Hoa", sex="F", birth_date=dt.date(1992, 3, 8))
        officers[key], households[key] = officer, household
    return {"url": live_server.url, "password": PASSWORD, "officers": officers, "households": households}
