"""Shared fixtures: real administrative units, one user per role, a small household."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.accounts.models import Role, User
from ansinh.geo.loaders import admin_units_load
from ansinh.geo.models import AdminUnit, Level, Structure

HA_TINH = "42"
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "client", "admin_client"}


def pytest_collection_modifyitems(items):
    """Mark every test that touches the database, so that scripts/test can run only those a second time
    on PostgreSQL (the rules, parsers and matching core do not depend on the database)."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load every administrative unit once per test session (the tests roll back around it)."""
    with django_db_blocker.unblock():
        admin_units_load()


@pytest.fixture(scope="session", autouse=True)
def _test_cache_dir(tmp_path_factory):
    """Tests get their own file cache, never the one of a running development server."""
    from django.test import override_settings

    location = tmp_path_factory.mktemp("cache")
    override = override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(location)}})
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def _two_factor_off():
    """The suite signs users in with ``client.force_login`` (no second step): two-factor login is off for the run,
    whatever the environment says. Its own tests (tests/accounts/test_two_factor.py, the browser test) turn it on
    with ``settings.ANSINH_2FA_REQUIRED = True``."""
    from django.test import override_settings

    override = override_settings(ANSINH_2FA_REQUIRED=False)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The file cache outlives a test (it is shared with the worker): start each test without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(db):
    return admin_units_load()


def _commune(name: str) -> AdminUnit:
    return AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, province_code=HA_TINH, name=name)


@pytest.fixture
def commune_a(units) -> AdminUnit:
    return _commune("Phường Thành Sen")


@pytest.fixture
def commune_b(units) -> AdminUnit:
    return _commune("Xã Cẩm Bình")


@pytest.fixture
def province(units) -> AdminUnit:
    return AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code=HA_TINH)


def make_user(username: str, role: str, area: AdminUnit) -> User:
    user = User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Cán bộ", first_name=username)
    return user


@pytest.fixture
def officer_a(commune_a) -> User:
    return make_user("xa_a", Role.COMMUNE_OFFICER, commune_a)


@pytest.fixture
def officer_b(commune_b) -> User:
    return make_user("xa_b", Role.COMMUNE_OFFICER, commune_b)


@pytest.fixture
def provincial(province) -> User:
    return make_user("so", Role.PROVINCIAL_SPECIALIST, province)


@pytest.fixture
def leader(province) -> User:
    return make_user("lanhdao", Role.LEADER, province)


@pytest.fixture
def payment_agent(province) -> User:
    return make_user("buudien", Role.PAYMENT_AGENT, province)


@pytest.fixture
def inspector(province) -> User:
    return make_user("thanhtra", Role.INSPECTOR, province)


@pytest.fixture
def household_a(officer_a, commune_a):
    from ansinh.registry.services import household_create

    return household_create(
        actor=officer_a, commune=commune_a, village="Tổ dân phố 3", code="HT18073TEST01",
        head={"full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": dt.date(1968, 5, 12),
              "birth_precision": "day", "pid": "042068001234"},
    )


@pytest.fixture
def household_b(officer_b, commune_b):
    from ansinh.registry.services import household_create

    return household_create(
        actor=officer_b, commune=commune_b, village="Thôn Trung Tiến", code="HT18685TEST01",
        head={"full_name": "Trần Thị Đào", "sex": "F", "birth_date": dt.date(1955, 1, 1),
              "birth_precision": "year", "cmnd": "183456789"},
    )
