"""What a user may see and do. Area scoping lives here, used by every selector."""

from __future__ import annotations

from django.db.models import QuerySet

from ansinh.accounts.models import HEALTH_READERS, IDENTITY_READERS, Role, User
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


def user_sees_whole_province(user: User) -> bool:
    """True for users whose area is the whole province (reports then need no commune filter)."""
    from ansinh.geo.models import Level

    return bool(user.is_authenticated and user.area_id is not None and user.area.level == Level.PROVINCE)


def user_covers_commune(user: User, commune_id: int) -> bool:
    if user.area_id is None:
        return False
    return commune_id in area_commune_ids(user)


# Two-factor login (TOTP, accounts.two_factor): those who approve — the «approve» and «decide» steps of every
# workflow (core.workflow: lists, payrolls, programmes, housing, training support, petitions' decisions) are the
# leader's, the parameters' maker-checker is the administrators' (tests/accounts/test_two_factor.py walks the
# workflows to keep this true) — and whoever can open /quan-tri/ (staff, superusers) whatever his role.
TWO_FACTOR_ROLES = frozenset({Role.LEADER, Role.ADMINISTRATOR})


def requires_two_factor(user) -> bool:
    """True when this account must verify a one-time code after its password (when settings.ANSINH_2FA_REQUIRED)."""
    return bool(user is not None and user.is_authenticated
                and (user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser))


def can_see_identity(user: User) -> bool:
    return user.is_authenticated and user.role in IDENTITY_READERS


def can_see_health(user: User) -> bool:
    """Health and disability data (a disability category, an injury rate) shown whole; masked for the others
    (``programmes.sensitive``)."""
    return bool(user is not None and user.is_authenticated and user.role in HEALTH_READERS)


def require_commune_in_area(user: User, commune_id: int) -> None:
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Đơn vị hành chính này nằm ngoài địa bàn bạn được phân công.")


def mask_identity(value: str | None) -> str:
    """'042185000123' -> '04218*****23' for users who may not see identity numbers."""
    if not value:
        return ""
    return value[:5] + "*" * max(len(value) - 7, 0) + value[-2:] if len(value) > 7 else "*" * len(value)


def identity_for(user: User, value: str | None) -> str:
    """The number as this user may see it: whole for those who need it, masked for the others.
    The one helper every page, export and API uses."""
    if not value:
        return ""
    return value if can_see_identity(user) else mask_identity(value)


__all__ = ["Role", "area_commune_ids", "area_current_communes", "scope_to_area", "can_see_identity", "can_see_health", "mask_identity",
           "identity_for", "require_commune_in_area", "user_covers_commune", "user_sees_whole_province", "TWO_FACTOR_ROLES",
           "requires_two_factor"]
