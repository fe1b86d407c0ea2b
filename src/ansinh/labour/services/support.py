"""The rural-worker training support (QĐ 1956/QĐ-TTg; QĐ 46/2015/QĐ-TTg; NQ 56/2017/NQ-HĐND): proposed for the
learner of a sơ cấp or under-3-month course, within the ceilings of its learner group and funding, submitted,
approved by a leader who neither prepared nor submitted it (engine + database), then recorded as paid.

The payment itself is recorded here (date, voucher): ``payments.services.batch_create`` pays posted lists of the
programmes app, which has no list of this kind (docs/labour.md, «what is missing»)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money
from ansinh.labour.checks import SupportAmounts, support_problems
from ansinh.labour.models import CourseEnrolment, TrainingSupport
from ansinh.labour.models.choices import (
    SUPPORTED_LEVELS,
    EnrolmentStatus,
    FundingSource,
    LearnerGroup,
    SupportStep,
)
from ansinh.labour.permissions import SUPPORT_WORKFLOW
from ansinh.labour.services._common import require_age, save_or_refuse


def _checked(amounts: SupportAmounts) -> None:
    if amounts.learner_group not in LearnerGroup.values:
        raise DomainError("Chọn đối tượng người học (theo QĐ 46/2015/QĐ-TTg).", field="learner_group")
    if amounts.funding not in FundingSource.values:
        raise DomainError("Chọn nguồn kinh phí.", field="funding")
    problems = support_problems(amounts, group_label=str(LearnerGroup(amounts.learner_group).label))
    if problems:
        raise DomainError(" ".join(problems), field="training_cost")


@transaction.atomic(durable=True)
def support_propose(*, actor: User, enrolment: CourseEnrolment, amounts: SupportAmounts) -> TrainingSupport:
    """A draft support for one learner of a supported course; the amounts within the ceilings."""
    enrolment = CourseEnrolment.objects.select_related("course__programme__occupation", "person").get(pk=enrolment.pk)
    support = TrainingSupport(enrolment=enrolment, person=enrolment.person, commune_id=enrolment.commune_id,
                              learner_group=amounts.learner_group, funding=amounts.funding,
                              training_cost=amounts.training_cost, study_days=amounts.study_days,
                              meal_amount=amounts.meal_amount, travel_amount=amounts.travel_amount,
                              total=amounts.total, prepared_by=actor)
    SUPPORT_WORKFLOW.require(actor, SupportStep.PREPARE, support)
    if enrolment.level not in SUPPORTED_LEVELS:
        raise DomainError("Hỗ trợ đào tạo nghề cho lao động nông thôn chỉ dành cho khoá sơ cấp, đào tạo dưới 3 tháng.")
    if enrolment.status == EnrolmentStatus.DROPPED:
        raise DomainError(f"{enrolment.person.full_name} đã thôi học: không lập hỗ trợ.")
    require_age(enrolment.person, enrolment.enrolled_on, what="hỗ trợ đào tạo nghề")
    _checked(amounts)
    if TrainingSupport.objects.filter(enrolment=enrolment).exists():
        raise DomainError(f"{enrolment.person.full_name} đã có đề nghị hỗ trợ của khoá học này.")
    save_or_refuse(support.save, f"{enrolment.person.full_name} đã có đề nghị hỗ trợ của khoá học này.")
    SUPPORT_WORKFLOW.record(support, SupportStep.PREPARE, actor=actor)
    audit_record(actor=actor, action="labour_support.prepare", obj=support,
                 summary=f"Lập đề nghị hỗ trợ đào tạo {enrolment.person.full_name}: {vn_money(support.total)}")
    return support


@transaction.atomic(durable=True)
def support_submit(*, actor: User, support: TrainingSupport) -> TrainingSupport:
    return SUPPORT_WORKFLOW.perform(support, SupportStep.SUBMIT, actor=actor,
                                    summary=f"Trình phê duyệt hỗ trợ đào tạo {support.person}")


@transaction.atomic(durable=True)
def support_return(*, actor: User, support: TrainingSupport, reason: str) -> TrainingSupport:
    if len(reason.strip()) < 5:
        raise DomainError("Ghi lý do trả lại.", field="reason")
    return SUPPORT_WORKFLOW.perform(support, SupportStep.RETURN, actor=actor, note=reason.strip(),
                                    summary=f"Trả lại đề nghị hỗ trợ đào tạo {support.person}")


@transaction.atomic(durable=True)
def support_approve(*, actor: User, support: TrainingSupport, decision_number: str,
                    decision_date: dt.date | None) -> TrainingSupport:
    number = decision_number.strip()
    if not number or decision_date is None:
        raise DomainError("Ghi số và ngày quyết định phê duyệt.", field="decision_number")
    if decision_date > timezone.localdate():
        raise DomainError("Ngày quyết định sau ngày hôm nay.", field="decision_date")

    def decide(locked: TrainingSupport) -> list[str]:
        locked.decision_number, locked.decision_date = number[:60], decision_date
        return ["decision_number", "decision_date"]

    return SUPPORT_WORKFLOW.perform(support, SupportStep.APPROVE, actor=actor, update=decide,
                                    summary=f"Phê duyệt hỗ trợ đào tạo {support.person} (QĐ {number})")


@transaction.atomic(durable=True)
def support_pay(*, actor: User, support: TrainingSupport, paid_on: dt.date | None, voucher: str) -> TrainingSupport:
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError("Ghi ngày chi trả (không sau hôm nay).", field="paid_on")
    if not voucher.strip():
        raise DomainError("Ghi số chứng từ chi.", field="voucher")

    def paid(locked: TrainingSupport) -> list[str]:
        if locked.decision_date and paid_on < locked.decision_date:
            raise DomainError("Ngày chi trả trước ngày quyết định phê duyệt.", field="paid_on")
        locked.paid_on, locked.voucher = paid_on, voucher.strip()[:60]
        return ["paid_on", "voucher"]

    return SUPPORT_WORKFLOW.perform(support, SupportStep.PAY, actor=actor, update=paid,
                                    summary=f"Đã chi hỗ trợ đào tạo {support.person}: {vn_money(support.total)}")
