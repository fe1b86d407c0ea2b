"""Who may read and change the social registry, and import it from Excel. Views, services and selectors
ask these; no role is compared as a string anywhere."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.core.errors import PermissionDenied

REGISTRY_EDITORS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST,
                              Role.ADMINISTRATOR})
REGISTRY_READERS = REGISTRY_EDITORS | {Role.LEADER, Role.INSPECTOR}
IMPORTERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST,
                       Role.ADMINISTRATOR})


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read_registry(user) -> bool:
    return _has(user, REGISTRY_READERS)


def can_edit_registry(user) -> bool:
    return _has(user, REGISTRY_EDITORS)


def can_import(user) -> bool:
    return _has(user, IMPORTERS) and user.area_id is not None


def require_registry_editor(user) -> None:
    if not can_edit_registry(user):
        raise PermissionDenied("Vai trò của bạn không được phép thay đổi dữ liệu hộ, nhân khẩu.")


def require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied("Vai trò của bạn không được nhập dữ liệu hộ, nhân khẩu (hoặc chưa được phân công địa bàn).")
