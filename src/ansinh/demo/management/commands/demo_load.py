import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import UserError
from ansinh.core.formatting import vn_number
from ansinh.core.safety import refuse_in_production
from ansinh.demo.population import demo_population_load
from ansinh.demo.reset import registry_truncate, world_clear
from ansinh.demo.users import demo_users_ensure
from ansinh.demo.world import demo_world_load
from ansinh.geo.loaders import admin_units_load
from ansinh.registry.models import Person


class Command(BaseCommand):
    help = ("Nạp tỉnh mẫu: đơn vị hành chính, dân cư giả lập, một tài khoản cho mỗi vai trò và công việc đang làm "
            "(danh sách đang hưởng, chương trình NQ 42 ở mọi bước, chi trả hằng tháng, rà soát hộ nghèo, ghép trùng, "
            "lao động việc làm).")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20_000, help="Số nhân khẩu giả lập (mặc định 20.000).")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--reset", action="store_true",
                            help="Xoá toàn bộ dữ liệu mẫu (hộ, nhân khẩu và mọi công việc trên đó) rồi tạo lại.")
        parser.add_argument("--no-world", action="store_true",
                            help="Chỉ tạo dân cư và tài khoản, không tạo công việc mẫu.")

    def handle(self, *args, persons, seed, reset, no_world, **options):
        refuse_in_production("demo_load --reset" if reset else "demo_load")  # fake people, known passwords
        started = time.perf_counter()
        units = admin_units_load()
        self.stdout.write(f"Đơn vị hành chính: {units['units']} (chuyển đổi cũ→mới: {units['successions']}).")
        if reset:
            world_clear()
            registry_truncate()
        existing = Person.objects.count()
        if existing:
            self.stdout.write(f"CSDL đã có {vn_number(existing)} nhân khẩu; không tạo thêm (dùng --reset để tạo lại).")
        else:
            if persons < 1:
                raise CommandError("Số nhân khẩu phải lớn hơn 0.")
            step = time.perf_counter()
            result = demo_population_load(persons=persons, seed=seed, province_code=settings.ANSINH_PROVINCE_CODE)
            self.stdout.write(f"Đã tạo {vn_number(result.households)} hộ, {vn_number(result.persons)} nhân khẩu "
                              f"({time.perf_counter() - step:.1f} s).")
        users = demo_users_ensure(province_code=settings.ANSINH_PROVINCE_CODE)
        if not no_world:
            self.stdout.write("Công việc mẫu của tỉnh:")
            try:
                demo_world_load(seed=seed, say=self.stdout.write)
            except (UserError, RuntimeError) as err:
                raise CommandError(f"Không dựng được dữ liệu mẫu: {err}") from err
        self.stdout.write("\nTài khoản dùng thử (mật khẩu giống nhau):")
        for user, password in users:
            self.stdout.write(f"  {user.username:<13} {password}   {user.get_role_display():<24} {user.area}")
        if not no_world:
            self.stdout.write("  vieclam, gdnn: Trung tâm dịch vụ việc làm, giáo dục nghề nghiệp (cùng mật khẩu).")
        self.stdout.write(
            "Xác thực hai bước (lãnh đạo, quản trị): "
            + ("BẬT — lần đăng nhập đầu, quét mã QR bằng ứng dụng xác thực trên điện thoại rồi nhập mã 6 chữ số."
               if settings.ANSINH_2FA_REQUIRED else
               "tắt ở bản phát triển; bật bằng ANSINH_2FA_REQUIRED=1 (luôn bật khi ANSINH_ENV=production)."))
        self.stdout.write(f"\nXong sau {time.perf_counter() - started:.1f} giây.")
