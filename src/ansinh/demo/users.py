"""The demo accounts: one user per role on real units of the province, with a known password (demo only)."""

from __future__ import annotations

from django.db import transaction

from ansinh.accounts.models import Role, User
from ansinh.core.safety import refuse_in_production
from ansinh.geo.models import AdminUnit, Level, Structure

DEMO_PASSWORD = "ansinh-demo-2026"


@transaction.atomic
def demo_users_ensure(*, province_code: str) -> list[tuple[User, str]]:
    """One user per role on real units of the province; returns (user, password) pairs."""
    refuse_in_production("tạo tài khoản dùng thử (mật khẩu công khai)")
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
        ("so_giamngheo", "Nguyễn Thị", "Thu", Role.PROVINCIAL_SPECIALIST, province,
         "Chuyên viên Phòng Bảo trợ xã hội – Giảm nghèo"),
        ("lanhdao", "Võ Đức", "Minh", Role.LEADER, province, "Phó Giám đốc Sở"),
        ("buudien", "Hoàng Văn", "Sơn", Role.PAYMENT_AGENT, province, "Bưu điện tỉnh"),
        ("thanhtra", "Đặng Thị", "Hằng", Role.INSPECTOR, province, "Thanh tra Sở"),
        ("luutru", "Phạm Thị", "Thảo", Role.ARCHIVIST, province, "Cán bộ lưu trữ hồ sơ của Sở"),
        ("tiepdan", "Trương Văn", "Bình", Role.COMPLAINT_HANDLER, province, "Cán bộ tiếp công dân, xử lý đơn thư"),
        ("quantri", "Hồ Quang", "Huy", Role.ADMINISTRATOR, province, "Quản trị hệ thống"),
        ("quantri2", "Lê Thị", "Ngọc", Role.ADMINISTRATOR, province, "Quản trị hệ thống (người duyệt thứ hai)"),
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
