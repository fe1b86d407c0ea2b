"""The demo's poverty review on a small demo province: both rounds, the registers, the housing scheme; the reset
removes what it made and gives the registers back."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.demo.population import demo_population_load
from ansinh.demo.poverty import demo_poverty_load, poverty_demo_clear
from ansinh.poverty.models import HouseholdReview, HousingCase, ReviewRound, RoundStatus
from ansinh.programmes.models import Enrolment

pytestmark = pytest.mark.django_db


def test_the_demo_review_is_alive_and_resets(units):
    demo_population_load(persons=4000, seed=7, province_code="42")
    result = demo_poverty_load(seed=7, say=lambda _line: None)
    assert result is not None and result.surveyed[2020] > 0 and result.surveyed[2021] > 0
    assert result.poor[2021] > result.poor[2020] * 0.8  # the NĐ 07 lines are higher
    assert ReviewRound.objects.filter(year=2020, status=RoundStatus.RECOGNISED).count() == ReviewRound.objects.filter(
        year=2020).count()
    assert ReviewRound.objects.filter(year=2021, status=RoundStatus.DRAFT).count() == 1
    assert HouseholdReview.objects.exclude(meeting_status="").exists()
    assert Enrolment.objects.filter(register="poor", start_date=dt.date(2022, 1, 1)).exists()
    assert HousingCase.objects.exists()
    assert demo_poverty_load(say=lambda _line: None) is None  # once only
    before = Enrolment.objects.filter(start_date__lt=dt.date(2020, 1, 1)).count()
    poverty_demo_clear()
    assert not ReviewRound.objects.exists() and not HousingCase.objects.exists()
    assert Enrolment.objects.count() == before and not Enrolment.objects.filter(end_date__isnull=False).exists()
