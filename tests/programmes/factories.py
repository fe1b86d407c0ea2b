"""A small world for the programme tests: people on the standing registers of two communes."""

from __future__ import annotations

import datetime as dt

from ansinh.accounts.models import Role, User
from ansinh.core.text import fold
from ansinh.programmes.definitions import COVID_2020
from ansinh.programmes.models import Enrolment, Programme
from ansinh.programmes.services.programmes import programme_from_definition
from ansinh.registry.models import Household, Membership, Person, Relationship

_counter = {"pid": 0}


def pid_for(sex: str, birth: dt.date) -> str:
    _counter["pid"] += 1
    digit = {("M", 19): "0", ("F", 19): "1", ("M", 20): "2", ("F", 20): "3"}[(sex, birth.year // 100)]
    return f"042{digit}{birth.year % 100:02d}{_counter['pid']:06d}"


def person(commune, name: str, *, sex: str = "M", birth: dt.date = dt.date(1950, 5, 1), pid: str | None = "auto",
           death: dt.date | None = None, household: Household | None = None) -> Person:
    return Person.objects.create(
        full_name=name, search_key=fold(name), sex=sex, birth_date=birth, commune=commune,
        pid=pid_for(sex, birth) if pid == "auto" else pid, death_date=death, household=household)


def household(commune, code: str, members: list[Person]) -> Household:
    hh = Household.objects.create(code=code, commune=commune, recorded_commune=commune, head=members[0])
    for i, member in enumerate(members):
        Membership.objects.create(household=hh, person=member,
                                  relationship=Relationship.HEAD if i == 0 else Relationship.CHILD,
                                  left_date=member.death_date)
        Person.objects.filter(pk=member.pk).update(household=hh)
    return hh


def enrol(register: str, *, commune, who=None, hh=None, start=dt.date(2015, 1, 1), end=None, category=""):
    return Enrolment.objects.create(register=register, person=who, household=hh, commune=commune,
                                    tgxh_category=category, decision_number="12/QĐ-UBND", start_date=start,
                                    end_date=end)


def covid_programme(actor: User) -> Programme:
    return programme_from_definition(definition=COVID_2020, actor=actor, province_code="42")


def user(username: str, role: str, area) -> User:
    return User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Cán bộ", first_name=username)


def second_provincial(province) -> User:
    return user("so2", Role.PROVINCIAL_SPECIALIST, province)
