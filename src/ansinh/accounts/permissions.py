"""What a user may see and do. Area scoping lives here, used by every selector."""

from __future__ import annotations

from django.db.models import QuerySet

from ansinh.accounts.models import IDENTITY_READERS, IMPORTERS, REGISTRY_EDITORS, REGISTRY_READERS, Role, User
from ansinh.core.errors import PermissionDenied


def area_commune_ids(user: User) -> list[int]:
    """Primary keys of the communes inside the user's area (cached on the user object)."""
    cached = getattr(user, "_area_commune_ids", None)
    if cached is not None:
        return cached
    from ansinh.geo.selectors import communes_in_area

    ids = [] if user.area_id is None else list(communes_in_area(user.area).values_list("pk", flat=True))
    user._area_commune_ids = ids
    return ids


def area_current_communes(user: User) -> QuerySet:
    """Today's communes inside the user's area, by name: for filters and address choices."""
    from ansinh.geo.models import AdminUnit, Level, Structure

    communes = AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT).order_by("name")
    if user.area_id is None:
        return communes.none()
    if user.area.level == Level.PROVINCE:
        return communes.filter(province_code=user.area.province_code)
    return communes.filter(pk__in=area_commune_ids(user))


def scope_to_area(queryset: QuerySet, user: User, *, commune_field: str = "commune") -> QuerySet:
    """Keep only rows whose commune is inside the user's area. No area, no rows."""
    if not user.is_authenticated or user.area_id is None:
        return queryset.none()
    # A list of commune ids (a few hundred for a province), not a join to the units table: the planner
    # then keeps using the registry's own indexes.
    return queryset.filter(**{f"{commune_field}_id__in": area_commune_ids(user)})


def user_covers_commune(user: User, commune_id: int) -> bool:
    if user.area_id is None:
        return False
    return commune_id in area_commune_ids(user)


def can_read_registry(user: User) -> bool:
    return user.is_authenticated and user.role in REGISTRY_READERS


def can_edit_registry(user: User) -> bool:
    return user.is_authenticated and user.role in REGISTRY_EDITORS


def can_see_identity(user: User) -> bool:
    return user.is_authenticated and user.role in IDENTITY_READERS


def can_import(user: User) -> bool:
    return user.is_authenticated and user.role in IMPORTERS


def require_registry_editor(user: User) -> None:
    if not can_edit_registry(user):
        raise PermissionDenied("Vai trò của bạn không được phép thay đổi dữ liệu hộ, nhân khẩu.")


def require_commune_in_area(user: User, commune_id: int) -> None:
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Đơn vị hành chính này nằm ngoài địa bàn bạn được phân công.")


def mask_identity(value: str | None) -> str:
    """'042185000123' -> '04218*****23' for users who may not see identity numbers."""
    if not value:
        return ""
    return value[:5] + "*" * max(len(value) - 7, 0) + value[-2:] if len(value) > 7 else "*" * len(value)


__all__ = ["Role", "area_commune_ids", "area_current_communes", "scope_to_area", "can_read_registry", "can_edit_registry",
           "can_see_identity", "can_import", "mask_identity", "require_registry_editor",
           "require_commune_in_area", "user_covers_commune"]
