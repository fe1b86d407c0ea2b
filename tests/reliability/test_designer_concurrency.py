"""Two leaders approving the same programme at the same instant (two real PostgreSQL connections): one approval,
one event, one audit row; the other refused with a Vietnamese message."""

from __future__ import annotations

import pytest

from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent
from ansinh.programmes.models import ProgrammeEvent, ProgrammeStatus
from ansinh.programmes.services import design
from programmes.test_designer import tet
from reliability.conftest import at_once, make_user

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_two_approvals_of_the_same_programme_at_once_give_one(postgres, units, cast, province):
    from ansinh.accounts.models import Role

    programme = design.programme_design_create(actor=cast["specialist"], data=tet(), province_code="42")
    programme = design.programme_submit(actor=cast["specialist"], programme=programme)
    second = make_user("rl_lanhdao2", Role.LEADER, province)
    outcomes = at_once(*[(lambda u=u: design.programme_approve(actor=u, programme=programme))
                         for u in (cast["leader"], second)])
    errors = [e for _, e in outcomes if e is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert "đã được xử lý trước đó" in errors[0].message
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.APPROVED
    assert ProgrammeEvent.objects.filter(programme=programme, step="approve").count() == 1
    assert AuditEvent.objects.filter(action="programme.approve", object_id=str(programme.pk)).count() == 1
