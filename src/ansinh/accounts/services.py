"""Writes on users."""

from __future__ import annotations

from django.db import transaction

from ansinh.accounts.models import Role, User
from ansinh.geo.models import AdminUnit, Level, Structure

DEMO_PASSWORD = "ansinh-demo-2026"


@transaction.atomic
def demo_users_ensure(*, province_code: str) -> list[tuple[User, str]]:
    """One user per role on real units of the province; returns (user, password) pairs."""
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code=province_code)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=province_code).order_by("code")[:2])
    district = (AdminUnit.objects.filter(level=Level.DISTRICT, province_code=province_code)
                .filter(successor_communes=communes[0]).first())
    plan = [
        ("xa", "Nguyễn Thị", "Hoa", Role.COMMUNE_OFFICER, communes[0], "Cán bộ LĐ-TBXH xã"),
        ("xa2", "Trần Văn", "Nam", Role.COMMUNE_OFFICER, communes[1], "Cán bộ LĐ-TBXH xã"),
        ("huyen", "Lê Văn", "Hùng", Role.DISTRICT_SPECIALIST, district or province, "Chuyên viên Phòng LĐ-TBXH"),
        ("so", "Phan Thị", "Lan", Role.PROVINCIAL_SPECIALIST, province, "Chuyên viên Sở"),
        ("lanhdao", "Võ Đức", "Minh", Role.LEADER, province, "Phó Giám đốc Sở"),
        ("buudien", "Hoàng Văn", "Sơn", Role.PAYMENT_AGENT, province, "Bưu điện tỉnh"),
        ("thanhtra", "Đặng Thị", "Hằng", Role.INSPECTOR, province, "Thanh tra Sở"),
        ("quantri", "Hồ Quang", "Huy", Role.ADMINISTRATOR, province, "Quản trị hệ thống"),
    ]
    result = []
    for username, last, first, role, area, position in plan:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"last_name": last, "first_name": first, "role": role, "area": area, "position": position,
                      "is_staff": role == Role.ADMINISTRATOR, "is_superuser": role == Role.ADMINISTRATOR},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        result.append((user, DEMO_PASSWORD))
    return result
