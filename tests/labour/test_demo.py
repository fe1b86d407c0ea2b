"""The demo's 2020 first half, proportional to the demo population: the plan's indicators read it back."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ansinh.demo.labour import FULL_SIZE, JOBS_FOUND, NEW_ENROLMENT, labour_demo_load
from ansinh.demo.population import demo_population_load
from ansinh.labour.models import JobFair, Placement, SupplyCampaign, SupplyRecord, TrainingSupport
from ansinh.labour.selectors import indicator_value
from ansinh.registry.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_first_half_of_2020(units):
    demo_population_load(persons=3000, seed=2020, province_code="42")
    result = labour_demo_load(seed=2020)
    scale = Person.objects.count() / FULL_SIZE
    assert indicator_value("jobs_found", "2020-H1") == round(JOBS_FOUND * scale) == result.jobs_found
    assert Placement.objects.count() >= result.jobs_found  # a second job of the same year is not counted again
    assert indicator_value("new_enrolment", "2020-H1") == round(NEW_ENROLMENT * scale)
    assert JobFair.objects.count() == 4
    assert SupplyRecord.objects.filter(year=2019).count() == result.supply_records > 0
    assert set(SupplyCampaign.objects.values_list("year", "status")) == {(2019, "closed"), (2020, "open")}
    assert 60 < indicator_value("labour_force_participation", "2020-H1") < 90
    assert indicator_value("rural_trained", "2020-H1") == TrainingSupport.objects.filter(
        status__in=["approved", "paid"]).values("person").distinct().count()
    with pytest.raises(Exception, match="Đã có dữ liệu lao động"):
        labour_demo_load(seed=2020)
    call_command("demo_labour", "--reset")  # the command starts again from nothing
    assert indicator_value("jobs_found", "2020-H1") == result.jobs_found
