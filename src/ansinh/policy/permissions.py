"""Who may read the policy pages and who may add parameter values (maker-checker between administrators)."""

from __future__ import annotations

from ansinh.accounts.models import REGISTRY_READERS, Role
from ansinh.core.errors import PermissionDenied

POLICY_READERS = REGISTRY_READERS
PARAMETER_MANAGERS = frozenset({Role.ADMINISTRATOR})


def can_read_policy(user) -> bool:
    return bool(user and user.is_authenticated and user.role in POLICY_READERS)


def can_manage_parameters(user) -> bool:
    return bool(user and user.is_authenticated and user.role in PARAMETER_MANAGERS)


def require_parameter_manager(user) -> None:
    if not can_manage_parameters(user):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được đề xuất, duyệt hoặc từ chối giá trị tham số.")
