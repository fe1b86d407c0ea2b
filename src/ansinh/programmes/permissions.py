"""Who may do which step of a list's life. Views and services ask these; no role strings elsewhere."""

from __future__ import annotations

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied

PREPARERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
GENERATORS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
APPRAISERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
APPROVERS = frozenset({Role.LEADER})
POSTERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
PAYMENT_MANAGERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
RECONCILERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
CLOSERS = frozenset({Role.PROVINCIAL_SPECIALIST})
READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.LEADER,
                     Role.INSPECTOR, Role.ADMINISTRATOR})

STEP_ROLES = {
    "prepare": PREPARERS, "submit": PREPARERS, "resolve": PREPARERS, "appraise": APPRAISERS,
    "return": APPRAISERS, "approve": APPROVERS, "post": POSTERS, "pay": PAYMENT_MANAGERS,
    "reconcile": RECONCILERS, "close": CLOSERS, "generate": GENERATORS,
}
STEP_LABELS = {
    "prepare": "lập danh sách", "submit": "trình thẩm định", "resolve": "xử lý cảnh báo", "appraise": "thẩm định",
    "return": "trả lại danh sách", "approve": "phê duyệt", "post": "niêm yết công khai", "pay": "lập chi trả",
    "reconcile": "đối soát", "close": "khoá sổ", "generate": "lập danh sách từ danh sách đang hưởng",
}


def can_read_programmes(user: User) -> bool:
    return user.is_authenticated and user.role in READERS


def can_do(user: User, step: str, commune_id: int | None = None) -> bool:
    if not user.is_authenticated or user.role not in STEP_ROLES[step]:
        return False
    return commune_id is None or user_covers_commune(user, commune_id)


def require_step(user: User, step: str, commune_id: int | None = None) -> None:
    if not user.is_authenticated or user.role not in STEP_ROLES[step]:
        raise PermissionDenied(f"Vai trò «{getattr(user, 'get_role_display', lambda: '')()}» không được {STEP_LABELS[step]}.")
    if commune_id is not None and not user_covers_commune(user, commune_id):
        raise PermissionDenied("Danh sách này thuộc xã/phường ngoài địa bàn bạn được phân công.")
