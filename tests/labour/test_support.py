"""The rural-worker training support on the shared workflow engine: ceilings, maker-checker (engine and
database), payment recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.labour.checks import SupportAmounts
from ansinh.labour.models import SupportEvent, TrainingSupport
from ansinh.labour.models.choices import SupportStatus
from ansinh.labour.services import support
from ansinh.labour.services import vocational as voc
from labour import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(vocational, people, commune_b):
    course = f.course(vocational, commune_b)
    return voc.enrolment_create(actor=vocational, course=course, identity_number=people["an"].pid,
                                enrolled_on=dt.date(2020, 3, 2))


def _amounts(enrolment, **changes) -> SupportAmounts:
    values = {"learner_group": "rural", "funding": "central", "training_cost": 2_000_000, "study_days": 40,
              "meal_amount": 1_200_000, "travel_amount": 200_000, "course_start": enrolment.course.start_date}
    return SupportAmounts(**{**values, **changes})


def test_ceilings_refuse_an_excessive_support(vocational, enrolment):
    with pytest.raises(DomainError, match="vượt mức tối đa 2.000.000 đồng/người/khoá"):
        support.support_propose(actor=vocational, enrolment=enrolment, amounts=_amounts(enrolment,
                                                                                       training_cost=2_100_000))
    assert not TrainingSupport.objects.exists()
    disabled = support.support_propose(actor=vocational, enrolment=enrolment,
                                       amounts=_amounts(enrolment, learner_group="disabled", training_cost=6_000_000))
    assert disabled.total == 7_400_000


def test_the_preparer_never_approves_and_the_leader_does(vocational, leader, enrolment):
    s = support.support_propose(actor=vocational, enrolment=enrolment, amounts=_amounts(enrolment))
    with pytest.raises(PermissionDenied):
        support.support_approve(actor=vocational, support=s, decision_number="1/QĐ", decision_date=dt.date(2020, 3, 9))
    s = support.support_submit(actor=vocational, support=s)
    with pytest.raises(DomainError, match="Ghi số và ngày quyết định"):
        support.support_approve(actor=leader, support=s, decision_number="", decision_date=None)
    s = support.support_approve(actor=leader, support=s, decision_number="45/QĐ-SLĐTBXH",
                                decision_date=dt.date(2020, 3, 10))
    assert s.status == SupportStatus.APPROVED and s.approved_by == leader
    with pytest.raises(DomainError, match="trước ngày quyết định"):
        support.support_pay(actor=vocational, support=s, paid_on=dt.date(2020, 3, 1), voucher="PC01")
    s = support.support_pay(actor=vocational, support=s, paid_on=dt.date(2020, 4, 2), voucher="PC-0412")
    assert s.status == SupportStatus.PAID and s.paid_by == vocational
    assert list(SupportEvent.objects.filter(support=s).values_list("step", flat=True)) == [
        "prepare", "submit", "approve", "pay"]
    assert AuditEvent.objects.filter(action__startswith="labour_support.").count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():  # the database: approver is not the preparer
        TrainingSupport.objects.filter(pk=s.pk).update(approved_by=vocational)


def test_only_short_courses_are_supported(vocational, people, commune_b):
    course = f.course(vocational, commune_b, level="intermediate")
    enrolment = voc.enrolment_create(actor=vocational, course=course, identity_number=people["binh"].pid,
                                     enrolled_on=dt.date(2020, 3, 2))
    with pytest.raises(DomainError, match="chỉ dành cho khoá sơ cấp, đào tạo dưới 3 tháng"):
        support.support_propose(actor=vocational, enrolment=enrolment, amounts=_amounts(enrolment))
