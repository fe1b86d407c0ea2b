"""Who may read the policy pages and who may add parameter values: maker-checker between administrators,
on the shared workflow engine (``PARAMETER_WORKFLOW``)."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.policy.models import ChangeStatus, ChangeStep, ParameterChange, ParameterChangeEvent
from ansinh.registry.permissions import REGISTRY_READERS

POLICY_READERS = REGISTRY_READERS
PARAMETER_MANAGERS = frozenset({Role.ADMINISTRATOR})

S, T = ChangeStatus, ChangeStep
PARAMETER_WORKFLOW = Workflow(
    model=ParameterChange, event_model=ParameterChangeEvent, event_field="change", steps=ChangeStep,
    statuses=ChangeStatus, noun="đề xuất", audit_prefix="parameter_change", audit_separator="_",
    transitions=[
        Transition(T.PROPOSE, source=(), roles=PARAMETER_MANAGERS),
        Transition(T.APPROVE, source=[S.PROPOSED], target=S.APPROVED, roles=PARAMETER_MANAGERS, not_by=[T.PROPOSE],
                   refusal="Bạn là người đề xuất nên không được tự duyệt; cần một quản trị viên khác duyệt đề xuất này."),
        Transition(T.REJECT, source=[S.PROPOSED], target=S.REJECTED, roles=PARAMETER_MANAGERS, not_by=[T.PROPOSE],
                   refusal="Bạn là người đề xuất nên không được tự từ chối; cần một quản trị viên khác từ chối đề xuất "
                           "này."),
        Transition(T.WITHDRAW, source=[S.PROPOSED], target=S.WITHDRAWN, roles=PARAMETER_MANAGERS, only_by=[T.PROPOSE],
                   refusal="Chỉ người đề xuất mới rút được đề xuất này."),
    ])


def can_read_policy(user) -> bool:
    return bool(user and user.is_authenticated and user.role in POLICY_READERS)


def can_manage_parameters(user) -> bool:
    return bool(user and user.is_authenticated and user.role in PARAMETER_MANAGERS)


def require_parameter_manager(user) -> None:
    if not can_manage_parameters(user):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được đề xuất, duyệt hoặc từ chối giá trị tham số.")
