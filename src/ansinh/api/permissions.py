"""Who may manage the connected systems. What a client may read or write through the API is decided by the
permission functions of the app that owns the data, called with the client's account (``ApiClient.account``):
nothing here repeats them."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.core.errors import PermissionDenied

CLIENT_MANAGERS = frozenset({Role.ADMINISTRATOR})
# Who reads the access log of personal data given out through the API (compliance checks, NĐ 356/2025).
ACCESS_LOG_READERS = frozenset({Role.ADMINISTRATOR, Role.INSPECTOR})


def can_read_access_log(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in ACCESS_LOG_READERS)


def can_manage_clients(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in CLIENT_MANAGERS)


def require_client_manager(user) -> None:
    if not can_manage_clients(user):
        raise PermissionDenied("Chỉ quản trị hệ thống được cấp hoặc thu hồi khoá kết nối API.")


# ---------------------------------------------------------------- personal-data protection registers
# The registers of data subjects' requests and of breaches are kept by the administrators (the unit's person in
# charge of personal-data protection); the inspectors read them. Province-wide: a request or a breach is about the
# department's system, not a commune.
PROTECTION_OFFICERS = frozenset({Role.ADMINISTRATOR})
PROTECTION_READERS = PROTECTION_OFFICERS | frozenset({Role.INSPECTOR})


def can_read_protection(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in PROTECTION_READERS)


def can_keep_protection(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in PROTECTION_OFFICERS)


def _workflows():
    from ansinh.api.models import (
        BreachEvent,
        BreachStatus,
        BreachStep,
        DataBreach,
        DataRequestEvent,
        DataSubjectRequest,
        RequestStatus,
        RequestStep,
    )
    from ansinh.core.workflow import Transition, Workflow

    s, t = RequestStatus, RequestStep
    requests = Workflow(
        model=DataSubjectRequest, event_model=DataRequestEvent, event_field="request", steps=RequestStep,
        statuses=RequestStatus, noun="yêu cầu", audit_prefix="api_data_request",
        transitions=[
            Transition(t.RECEIVE, source=(), roles=PROTECTION_OFFICERS),
            Transition(t.ACKNOWLEDGE, source=[s.RECEIVED], target=s.ACKNOWLEDGED, roles=PROTECTION_OFFICERS),
            Transition(t.ANSWER, source=[s.ACKNOWLEDGED], target=s.ANSWERED, roles=PROTECTION_OFFICERS),
            Transition(t.REFUSE, source=[s.RECEIVED, s.ACKNOWLEDGED], target=s.REFUSED, roles=PROTECTION_OFFICERS),
            # actions inside a state (no status change): audited, the extension kept in its own row
            Transition(t.EXTEND, source=[s.ACKNOWLEDGED], roles=PROTECTION_OFFICERS),
            Transition(t.THIRD_PARTY, source=[s.RECEIVED, s.ACKNOWLEDGED], roles=PROTECTION_OFFICERS),
        ])
    b, bt = BreachStatus, BreachStep
    breaches = Workflow(
        model=DataBreach, event_model=BreachEvent, event_field="breach", steps=BreachStep, statuses=BreachStatus,
        noun="vụ vi phạm", audit_prefix="api_data_breach",
        transitions=[
            Transition(bt.RECORD, source=(), roles=PROTECTION_OFFICERS),
            Transition(bt.NOTIFY, source=[b.OPEN], target=b.NOTIFIED, roles=PROTECTION_OFFICERS),
            Transition(bt.CLOSE, source=[b.NOTIFIED], target=b.CLOSED, roles=PROTECTION_OFFICERS),
        ])
    return requests, breaches


REQUEST_WORKFLOW, BREACH_WORKFLOW = _workflows()
