"""Who may review, merge and run matching. A pair is visible and decided only by a user whose area covers
both people (a pair across two areas goes to the level that covers both); no role string anywhere."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied
from ansinh.registry.permissions import can_edit_registry, can_read_registry, require_registry_editor

MATCHING_ADMINS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
# The duplicate check while typing: at most this many identity-number look-ups per user and minute.
NUMBER_CHECKS_PER_MINUTE = 20


def can_run_matching(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in MATCHING_ADMINS)


def require_matching_admin(user) -> None:
    if not can_run_matching(user):
        raise PermissionDenied("Chỉ chuyên viên Sở hoặc quản trị hệ thống được chạy ghép trùng toàn tỉnh.")


def covers_both(user, *commune_ids: int) -> bool:
    return bool(commune_ids) and all(user_covers_commune(user, c) for c in commune_ids)


def can_review_pairs(user) -> bool:
    return can_read_registry(user)


def can_decide(user, *commune_ids: int) -> bool:
    return can_edit_registry(user) and covers_both(user, *commune_ids)


def require_decider(user, *commune_ids: int) -> None:
    """Merge, undo or mark as different: the user edits the registry and covers every person concerned."""
    require_registry_editor(user)
    if not covers_both(user, *commune_ids):
        raise PermissionDenied("Một trong hai người nằm ngoài địa bàn bạn được phân công: cặp này do cấp quản lý cả "
                               "hai địa bàn quyết định.")
