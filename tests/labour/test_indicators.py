"""The indicators the plan reads (``labour.selectors.indicator_value``): «giải quyết việc làm» once per person per
year, enrolment by level, trained rural workers, participation and unemployment from the supply register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ansinh.labour.models import CourseEnrolment, JobFair, Placement, SupplyRecord
from ansinh.labour.selectors import INDICATORS, indicator_table, indicator_value
from labour import factories as f

pytestmark = pytest.mark.django_db


def _place(person, on, channel="job_centre", *, user, **extra):
    return Placement.objects.create(person=person, commune_id=person.commune_id, placed_on=on, year=on.year,
                                    channel=channel, recorded_by=user, **extra)


def test_jobs_found_counts_each_person_once_per_year(job_centre, people, commune_a):
    p, u = people, job_centre
    fair = JobFair.objects.create(name="Sàn tháng 3", held_on=dt.date(2020, 3, 1), place="TTDVVL", commune=commune_a,
                                  created_by=u)
    _place(p["an"], dt.date(2020, 2, 10), user=u)
    _place(p["an"], dt.date(2020, 3, 2), "job_fair", job_fair=fair, user=u)  # a second job of the same year
    _place(p["an"], dt.date(2020, 8, 1), "abroad", destination_country="Nhật Bản",
           departure_on=dt.date(2020, 8, 1), user=u)  # and a third, in the second half
    _place(p["binh"], dt.date(2020, 9, 5), "abroad", destination_country="Hàn Quốc", departure_on=dt.date(2020, 9, 5),
           user=u)
    _place(p["giang"], dt.date(2020, 4, 1), "loan", loan_amount=50_000_000, user=u)
    _place(p["an"], dt.date(2021, 1, 5), user=u)  # a new year: counted again in 2021
    assert indicator_value("jobs_found", "2020") == 3
    assert indicator_value("jobs_found", "2020-H1") == 2 and indicator_value("jobs_found", "2020-H2") == 1
    assert indicator_value("jobs_found", "2021") == 1
    by_channel = {r["key"]: r["value"] for r in indicator_table("jobs_found", "2020", by="channel").to_dicts()}
    assert by_channel == {"job_centre": 1, "abroad": 1, "loan": 1}  # An counts on his first channel only
    assert indicator_value("jobs_abroad", "2020") == 2
    assert indicator_value("jobs_found", "2020", commune_a) == 1  # Giang's commune
    by_sex = {r["label"]: r["value"] for r in indicator_table("jobs_found", "2020", by="sex").to_dicts()}
    assert by_sex == {"Nam": 1, "Nữ": 2}
    assert "Mỗi người chỉ tính một lần trong một năm" in INDICATORS["jobs_found"].definition


def test_supply_rates(job_centre, people, commune_b):
    def record(person, status, qualification="none"):
        SupplyRecord.objects.create(year=2019, commune=commune_b, person=person, match="identity",
                                    full_name=person.full_name, sex=person.sex, birth_date=person.birth_date,
                                    status=status, qualification=qualification, recorded_by=job_centre)

    record(people["an"], "employed", "elementary")
    record(people["binh"], "employed")
    record(people["cuong"], "unemployed", "college")
    record(people["dung"], "inactive")
    assert indicator_value("labour_force", "2020-H1") == 3  # H1 2020 reads the update of 1/7/2019
    assert indicator_value("labour_force_participation", "2020-H1") == Decimal("75.00")
    assert indicator_value("unemployment_rate", "2020-H1") == Decimal("33.33")
    assert indicator_value("trained_share", "2020-H1") == Decimal("66.67")
    assert indicator_value("unemployment_rate", "2020") is None  # no update of 2020 yet: no figure, not 0


def test_enrolment_and_trained_rural_workers(vocational, leader, people, commune_b, province):
    from ansinh.labour.checks import SupportAmounts
    from ansinh.labour.services import support
    from ansinh.labour.services import vocational as voc

    course = f.course(vocational, commune_b)
    for key in ("an", "binh"):
        voc.enrolment_create(actor=vocational, course=course, identity_number=people[key].pid,
                             enrolled_on=dt.date(2020, 3, 2))
    assert indicator_value("new_enrolment", "2020-H1") == 2
    assert indicator_value("new_enrolment", "2020-H1", province) == 2
    assert {r["label"]: r["value"] for r in indicator_table("new_enrolment", "2020-H1", by="level").to_dicts()} == {
        "Sơ cấp": 2}
    enrolment = CourseEnrolment.objects.get(person=people["an"])
    proposed = support.support_propose(actor=vocational, enrolment=enrolment, amounts=SupportAmounts(
        learner_group="rural", funding="central", training_cost=2_000_000, study_days=20, meal_amount=600_000,
        travel_amount=0, course_start=course.start_date))
    assert indicator_value("rural_trained", "2020-H1") == 0  # a draft is not a trained worker yet
    support.support_submit(actor=vocational, support=proposed)
    support.support_approve(actor=leader, support=proposed, decision_number="45/QĐ-SLĐTBXH",
                            decision_date=dt.date(2020, 3, 10))
    assert indicator_value("rural_trained", "2020-H1") == 1
    assert indicator_value("rural_trained", "2020-H2") == 0


def test_unknown_codes_and_breakdowns_are_refused():
    from ansinh.labour.indicators import IndicatorError

    with pytest.raises(IndicatorError, match="Không có chỉ tiêu"):
        indicator_value("nope", "2020")
    with pytest.raises(IndicatorError, match="không chia theo"):
        indicator_table("jobs_found", "2020", by="level")
