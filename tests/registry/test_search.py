"""Search as officers type it: no diacritics, full name, part of it, the given name alone, numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.registry import services
from ansinh.registry.models import Relationship
from ansinh.registry.selectors import persons_for_user

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Nguyễn Thị Hoa", "F", dt.date(1990, 4, 2), "042190004321"),
    ("Lê Văn Tùng", "M", dt.date(1985, 7, 9), "042085001111"),
    ("Hoàng Văn Nam", "M", dt.date(1979, 1, 3), None),
    ("Đặng Thị Hoà", "F", dt.date(2001, 12, 30), "042301002222"),
    ("Phan Thị Thoa", "F", dt.date(1970, 5, 5), None),
]


@pytest.fixture
def people(household_a, officer_a):
    for name, sex, born, pid in PEOPLE:
        services.household_add_member(actor=officer_a, household=household_a, relationship=Relationship.CHILD,
                                      full_name=name, sex=sex, birth_date=born, pid=pid)


def names(user, query):
    return [p.full_name for p in persons_for_user(user=user, query=query)]


def test_full_name_without_diacritics(people, officer_a):
    assert names(officer_a, "nguyen thi hoa") == ["Nguyễn Thị Hoa"]


def test_name_typed_from_the_start_while_typing(people, officer_a):
    assert names(officer_a, "nguyen thi h") == ["Nguyễn Thị Hoa"]


def test_given_name_alone_finds_every_hoa_but_not_hoang_or_thoa(people, officer_a):
    assert names(officer_a, "hoa") == ["Đặng Thị Hoà", "Nguyễn Thị Hoa"]


def test_middle_and_given_name(people, officer_a):
    assert names(officer_a, "thi hoa") == ["Đặng Thị Hoà", "Nguyễn Thị Hoa"]


def test_family_and_given_name_without_the_middle_name(people, officer_a):
    assert names(officer_a, "le tung") == ["Lê Văn Tùng"]


def test_d_with_stroke_folds_to_d(people, officer_a):
    assert names(officer_a, "dang thi hoa") == ["Đặng Thị Hoà"]


def test_part_of_a_word_still_finds(people, officer_a):
    assert names(officer_a, "hoan") == ["Hoàng Văn Nam"]


def test_identity_number_whole_and_start(people, officer_a):
    assert names(officer_a, "042085001111") == ["Lê Văn Tùng"]
    assert names(officer_a, "0420850") == ["Lê Văn Tùng"]


def test_search_never_leaves_the_area(people, officer_b):
    assert names(officer_b, "nguyen thi hoa") == []
    assert names(officer_b, "042085001111") == []
