from __future__ import annotations

import pytest

from ansinh.accounts.models import Role, User


def make_user(username: str, role: str, area) -> User:
    return User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Cán bộ", first_name=username)


@pytest.fixture
def district(commune_a):
    return make_user("huyen", Role.DISTRICT_SPECIALIST, commune_a.legacy_district)


@pytest.fixture
def provincial_2(province):
    return make_user("so2", Role.PROVINCIAL_SPECIALIST, province)
