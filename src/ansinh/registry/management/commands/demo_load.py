import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ansinh.accounts.services import demo_users_ensure
from ansinh.core.formatting import vn_number
from ansinh.geo.loaders import admin_units_load
from ansinh.registry.bulk import registry_truncate
from ansinh.registry.demo import demo_population_load
from ansinh.registry.models import Person


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu: đơn vị hành chính, dân cư giả lập và một tài khoản cho mỗi vai trò."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20_000, help="Số nhân khẩu giả lập (mặc định 20.000).")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--reset", action="store_true", help="Xoá toàn bộ hộ, nhân khẩu hiện có rồi tạo lại.")

    def handle(self, *args, persons, seed, reset, **options):
        started = time.perf_counter()
        units = admin_units_load()
        self.stdout.write(f"Đơn vị hành chính: {units['units']} (chuyển đổi cũ→mới: {units['successions']}).")
        if reset:
            registry_truncate()
        existing = Person.objects.count()
        if existing:
            self.stdout.write(f"CSDL đã có {vn_number(existing)} nhân khẩu; không tạo thêm (dùng --reset để tạo lại).")
        else:
            if persons < 1:
                raise CommandError("Số nhân khẩu phải lớn hơn 0.")
            result = demo_population_load(persons=persons, seed=seed, province_code=settings.ANSINH_PROVINCE_CODE)
            self.stdout.write(f"Đã tạo {vn_number(result.households)} hộ, {vn_number(result.persons)} nhân khẩu.")
        users = demo_users_ensure(province_code=settings.ANSINH_PROVINCE_CODE)
        self.stdout.write("\nTài khoản dùng thử (mật khẩu giống nhau):")
        for user, password in users:
            self.stdout.write(f"  {user.username:<10} {password}   {user.get_role_display():<24} {user.area}")
        self.stdout.write(f"\nXong sau {time.perf_counter() - started:.1f} giây.")
