"""Who may read, edit, import and see identity numbers, and inside which area."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansinh.accounts.models import IDENTITY_READERS, Role, User
from ansinh.accounts.permissions import can_see_identity, mask_identity, scope_to_area, user_covers_commune
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.registry import services
from ansinh.registry.models import Household, Person
from ansinh.registry.permissions import can_edit_registry, can_import, can_read_registry
from ansinh.registry.selectors import households_for_user, persons_for_user, registry_overview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make(username, role, area):
    return User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area)


EXPECTED = {
    # role: (read, edit, import, identity)
    Role.COMMUNE_OFFICER: (True, True, True, True),
    Role.DISTRICT_SPECIALIST: (True, True, True, True),
    Role.PROVINCIAL_SPECIALIST: (True, True, True, True),
    Role.LEADER: (True, False, False, False),
    Role.PAYMENT_AGENT: (False, False, False, False),
    Role.INSPECTOR: (True, False, False, True),
    Role.ADMINISTRATOR: (True, True, True, True),
    Role.JOB_CENTRE_OFFICER: (False, False, False, False),  # the labour app's own pages only
    Role.VOCATIONAL_SPECIALIST: (False, False, False, False),
    Role.ARCHIVIST: (False, False, False, False),  # the archive's own pages only
    Role.COMPLAINT_HANDLER: (False, False, False, False),  # the petitions' own pages only
}


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role, province):
    user = make(f"u_{role}", role, province)
    assert (can_read_registry(user), can_edit_registry(user), can_import(user), can_see_identity(user)) == \
        EXPECTED[role]


def test_anonymous_user_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not any(f(anonymous) for f in (can_read_registry, can_edit_registry, can_import, can_see_identity))


def test_commune_officer_scope(officer_a, household_a, household_b, commune_a, commune_b):
    assert list(scope_to_area(Household.objects.all(), officer_a)) == [household_a]
    assert user_covers_commune(officer_a, commune_a.pk) and not user_covers_commune(officer_a, commune_b.pk)
    assert list(persons_for_user(user=officer_a)) == [household_a.head]
    assert list(households_for_user(user=officer_a, query="tran thi dao")) == []


def test_provincial_scope_covers_both_but_not_another_province(provincial, household_a, household_b):
    assert set(scope_to_area(Household.objects.all(), provincial)) == {household_a, household_b}
    other = AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT).exclude(province_code="42")
    assert not user_covers_commune(provincial, other.first().pk)


def test_district_specialist_of_an_old_district_sees_its_successor_communes(household_a, household_b, provincial):
    district = household_a.commune.legacy_district
    assert district is not None and district.level == Level.DISTRICT
    elsewhere = (AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                 .exclude(legacy_district=district).order_by("code").first())
    household_c = services.household_create(
        actor=provincial, commune=elsewhere, village="Thôn 1", code="HTTESTC01",
        head={"full_name": "Hồ Văn Khoa", "sex": "M", "birth_date": dt.date(1966, 1, 1), "birth_precision": "year"})
    specialist = make("huyen", Role.DISTRICT_SPECIALIST, district)
    # Thành Sen and Cẩm Bình were both (partly) in the old Thành phố Hà Tĩnh
    assert user_covers_commune(specialist, household_a.commune_id)
    assert user_covers_commune(specialist, household_b.commune_id)
    assert not user_covers_commune(specialist, elsewhere.pk)
    assert set(persons_for_user(user=specialist)) == {household_a.head, household_b.head}
    assert household_c.head not in persons_for_user(user=specialist)


def test_user_without_area_sees_nothing(household_a):
    user = make("chua_phan_cong", Role.PROVINCIAL_SPECIALIST, None)
    assert not scope_to_area(Person.objects.all(), user).exists()
    assert not user_covers_commune(user, household_a.commune_id)
    assert registry_overview(user=user)["totals"]["total"] == 0


def test_payment_agent_reads_nothing_even_with_a_province(payment_agent, household_a):
    assert not persons_for_user(user=payment_agent).exists()
    assert registry_overview(user=payment_agent)["households"] == 0


def test_leader_is_the_only_reader_without_identity():
    readers_without_identity = {r for r in Role if EXPECTED[r][0] and r not in IDENTITY_READERS}
    assert readers_without_identity == {Role.LEADER}


def test_mask_identity_examples():
    assert mask_identity("042185000123") == "04218*****23"
    assert mask_identity("183456789") == "18345**89"
    assert mask_identity("1234567") == "*******"
    assert mask_identity(None) == "" and mask_identity("") == ""


@given(st.text(alphabet="0123456789", min_size=8, max_size=12))
def test_mask_identity_keeps_length_and_hides_the_middle(number):
    masked = mask_identity(number)
    assert len(masked) == len(number)
    assert masked[:5] == number[:5] and masked[-2:] == number[-2:]
    assert set(masked[5:-2]) == {"*"}
    assert masked != number
