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
