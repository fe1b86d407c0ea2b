"""Who may do what with the archive's dossiers. No role is compared as a string.

Every dossier is of a commune; a user sees the dossiers of the communes of their area (outside it: 404).
The archivist (cán bộ lưu trữ) and the district and provincial specialists register dossiers, upload scans,
keep the borrowing log and import the campaign's zips; one of them who neither registered the dossier nor
uploaded one of its current scans confirms its metadata against the scan (maker-checker).
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied

KEEPERS = frozenset({Role.ARCHIVIST, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
CHECKERS = KEEPERS
IMPORTERS = KEEPERS
READERS = KEEPERS | frozenset({Role.COMMUNE_OFFICER, Role.LEADER, Role.INSPECTOR, Role.ADMINISTRATOR})


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read(user) -> bool:
    return _has(user, READERS)


def can_keep(user) -> bool:
    return _has(user, KEEPERS)


def can_check(user) -> bool:
    return _has(user, CHECKERS)


def can_import(user) -> bool:
    return _has(user, IMPORTERS)


def _in_area(user, commune_id: int) -> None:
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Hồ sơ này thuộc xã/phường ngoài địa bàn bạn được phân công.")


def require_keeper(user, commune_id: int) -> None:
    if not can_keep(user):
        raise PermissionDenied("Chỉ cán bộ lưu trữ, chuyên viên cấp huyện hoặc chuyên viên Sở được cập nhật hồ sơ "
                               "lưu trữ.")
    _in_area(user, commune_id)


def require_checker(user, commune_id: int) -> None:
    if not can_check(user):
        raise PermissionDenied("Chỉ cán bộ lưu trữ, chuyên viên cấp huyện hoặc chuyên viên Sở được kiểm tra hồ sơ.")
    _in_area(user, commune_id)


def require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied("Chỉ cán bộ lưu trữ, chuyên viên cấp huyện hoặc chuyên viên Sở được nhập bản quét.")
