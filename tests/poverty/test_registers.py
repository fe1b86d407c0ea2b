"""``programmes.services.registers.household_registers_apply``: the standing registers follow a decision, history
kept (an enrolment ends with a date and an event, nothing is deleted or rewritten)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ansinh.programmes.models import Enrolment, EnrolmentEvent
from ansinh.programmes.services.registers import household_registers_apply
from poverty import factories as f

pytestmark = pytest.mark.django_db
ON = dt.date(2022, 1, 1)


def test_kept_ended_and_started(commune_a, officer_a):
    stays, leaves, moves_up, new = (f.household(commune_a, f"HTR00{i}") for i in range(4))
    kept = f.enrol("poor", stays)
    left = f.enrol("poor", leaves)
    near = f.enrol("near_poor", moves_up, start=dt.date(2020, 1, 1))
    old = f.enrol("poor", new, start=dt.date(2015, 1, 1), end=dt.date(2018, 1, 1))
    decided = pl.DataFrame({"household_id": [stays.pk, leaves.pk, moves_up.pk, new.pk],
                            "status": ["poor", "not_poor", "poor", "near_poor"]})
    change = household_registers_apply(commune_id=commune_a.pk, decided=decided, on=ON, decision_number="7/QĐ-UBND",
                                       decision_date=dt.date(2021, 12, 20), actor=officer_a)
    assert (change.kept, change.ended, change.started) == (1, 2, 2)
    for enrolment, end in ((kept, None), (left, ON), (near, ON), (old, dt.date(2018, 1, 1))):
        enrolment.refresh_from_db()
        assert enrolment.end_date == end and enrolment.decision_number in ("9/QĐ-UBND",)
    fresh = Enrolment.objects.filter(decision_number="7/QĐ-UBND")
    assert sorted(fresh.values_list("household__code", "register", "start_date")) == [
        ("HTR002", "poor", ON), ("HTR003", "near_poor", ON)]
    assert EnrolmentEvent.objects.filter(kind="decrease", decision_number="7/QĐ-UBND").count() == 2
    assert EnrolmentEvent.objects.filter(kind="increase", decision_number="7/QĐ-UBND").count() == 2
    assert Enrolment.objects.count() == 6  # nothing deleted
