"""Registry services: what the data and the user must see after each action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.registry import services
from ansinh.registry.models import Membership, Person, Relationship
from ansinh.registry.selectors import record_history

pytestmark = pytest.mark.django_db


def member(**overrides):
    data = {"full_name": "Nguyễn Thị Hoa", "sex": "F", "birth_date": dt.date(1992, 3, 8), "birth_precision": "day",
            "relationship": Relationship.CHILD}
    data.update(overrides)
    return data


def test_household_create_stores_head_membership_and_audit(household_a, officer_a):
    head = household_a.head
    assert head.full_name == "Nguyễn Văn Hùng"
    assert head.search_key == "nguyen van hung"
    assert household_a.recorded_commune_id == household_a.commune_id
    assert Membership.objects.get(person=head).relationship == Relationship.HEAD
    assert AuditEvent.objects.filter(action="household_create", object_id=str(household_a.pk), actor=officer_a).exists()


def test_name_is_stored_nfc_and_spaces_folded(household_a, officer_a):
    decomposed = "Nguye\u0302\u0303n  Thi\u0323 Hoa"  # NFD input, double space
    person = services.household_add_member(actor=officer_a, household=household_a, **member(full_name=decomposed))
    assert person.full_name == "Nguyễn Thị Hoa"
    assert person.search_key == "nguyen thi hoa"


def test_pid_disagreeing_with_sex_is_refused_with_reason(household_a, officer_a):
    with pytest.raises(DomainError) as err:
        services.household_add_member(actor=officer_a, household=household_a,
                                      **member(pid="042092001111"))  # digit 4 = 0: a man born in the 1900s
    assert err.value.field == "pid"
    assert "giới tính là nữ" in err.value.message
    assert not Person.objects.filter(full_name="Nguyễn Thị Hoa").exists()


def test_pid_disagreeing_with_birth_year_is_refused(household_a, officer_a):
    with pytest.raises(DomainError) as err:
        services.household_add_member(actor=officer_a, household=household_a, **member(pid="042193001111"))
    assert "năm sinh 1993" in err.value.message and "1992" in err.value.message


def test_pid_for_a_child_born_in_2000s_uses_century_digit(household_a, officer_a):
    person = services.household_add_member(
        actor=officer_a, household=household_a,
        **member(full_name="Nguyễn Minh Khang", sex="M", birth_date=dt.date(2012, 9, 1), pid="042212009876"))
    assert person.pid == "042212009876"


def test_duplicate_pid_names_the_holder_when_visible(household_a, officer_a):
    with pytest.raises(DomainError) as err:
        services.household_add_member(actor=officer_a, household=household_a,
                                      **member(full_name="Người Khác", sex="M", birth_date=dt.date(1968, 1, 1),
                                               pid="042068001234"))
    assert "Nguyễn Văn Hùng" in err.value.message


def test_duplicate_pid_hides_the_holder_outside_the_area(household_a, household_b, officer_b):
    with pytest.raises(DomainError) as err:
        services.household_add_member(actor=officer_b, household=household_b,
                                      **member(full_name="Người Khác", sex="M", birth_date=dt.date(1968, 1, 1),
                                               pid="042068001234"))
    assert "ngoài địa bàn" in err.value.message
    assert "Hùng" not in err.value.message


def test_officer_cannot_change_another_commune(household_b, officer_a):
    with pytest.raises(PermissionDenied):
        services.household_add_member(actor=officer_a, household=household_b, **member())


def test_inspector_and_leader_cannot_write(household_a, inspector, leader):
    for user in (inspector, leader):
        with pytest.raises(PermissionDenied):
            services.household_add_member(actor=user, household=household_a, **member())


def test_future_birth_date_is_refused(household_a, officer_a):
    with pytest.raises(DomainError, match="sau ngày hôm nay"):
        services.household_add_member(actor=officer_a, household=household_a,
                                      **member(birth_date=timezone.localdate() + dt.timedelta(days=3)))


def test_year_precision_keeps_first_january(household_a, officer_a):
    person = services.household_add_member(
        actor=officer_a, household=household_a,
        **member(full_name="Lê Thị Tý", birth_date=dt.date(1936, 7, 15), birth_precision="year"))
    assert person.birth_date == dt.date(1936, 1, 1)
    assert person.birth_display == "1936"


def test_remove_member_keeps_the_membership_with_dates(household_a, officer_a):
    child = services.household_add_member(actor=officer_a, household=household_a,
                                          **member(joined_date=dt.date(2000, 1, 1)))
    membership = Membership.objects.get(person=child)
    services.household_remove_member(actor=officer_a, membership=membership, left_date=dt.date(2024, 6, 1),
                                     reason="Chuyển đi nơi khác")
    membership.refresh_from_db()
    child.refresh_from_db()
    assert membership.left_date == dt.date(2024, 6, 1) and membership.left_reason == "Chuyển đi nơi khác"
    assert child.household_id is None


def test_head_cannot_be_removed(household_a, officer_a):
    membership = Membership.objects.get(person=household_a.head)
    with pytest.raises(DomainError, match="đổi chủ hộ"):
        services.household_remove_member(actor=officer_a, membership=membership, left_date=dt.date(2024, 1, 1),
                                         reason="x")


def test_change_head_updates_relationships_and_history(household_a, officer_a):
    wife = services.household_add_member(
        actor=officer_a, household=household_a,
        **member(full_name="Phan Thị Mai", birth_date=dt.date(1970, 2, 2), relationship=Relationship.SPOUSE))
    old_head = household_a.head
    services.household_change_head(actor=officer_a, household=household_a, new_head=wife)
    household_a.refresh_from_db()
    assert household_a.head == wife
    assert Membership.objects.get(person=wife).relationship == Relationship.HEAD
    assert Membership.objects.get(person=old_head).relationship == Relationship.OTHER
    changes = [c for entry in record_history(obj=household_a) for c in entry.changes]
    assert ("chủ hộ", "Nguyễn Văn Hùng", "Phan Thị Mai") in changes


def test_record_death_is_in_history_and_cannot_repeat(household_a, officer_a):
    person = household_a.head
    services.person_record_death(actor=officer_a, person=person, death_date=dt.date(2025, 3, 1))
    person.refresh_from_db()
    history = record_history(obj=person)
    assert history[0].changes == [("ngày mất", "—", "01/03/2025")]
    assert history[0].who == str(officer_a)
    with pytest.raises(DomainError, match="Đã ghi nhận"):
        services.person_record_death(actor=officer_a, person=person, death_date=dt.date(2025, 3, 2))


def test_death_before_birth_is_refused(household_a, officer_a):
    with pytest.raises(DomainError, match="trước ngày sinh"):
        services.person_record_death(actor=officer_a, person=household_a.head, death_date=dt.date(1960, 1, 1))


def test_move_changes_commune_of_household_and_members(household_a, provincial, commune_b):
    services.household_move(actor=provincial, household=household_a, commune=commune_b, village="Thôn Mới")
    household_a.refresh_from_db()
    assert household_a.commune == commune_b
    assert household_a.recorded_commune.name == "Phường Thành Sen"
    assert set(Person.objects.filter(household=household_a).values_list("commune_id", flat=True)) == {commune_b.pk}


def test_commune_officer_cannot_move_household_out_of_area(household_a, officer_a, commune_b):
    with pytest.raises(DomainError, match="ngoài địa bàn"):
        services.household_move(actor=officer_a, household=household_a, commune=commune_b, village="x")
