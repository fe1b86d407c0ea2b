import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ansinh.demo.labour import labour_demo_clear, labour_demo_load


class Command(BaseCommand):
    help = ("Tạo dữ liệu lao động, việc làm, giáo dục nghề nghiệp mẫu 6 tháng đầu năm 2020 (giải quyết việc làm, "
            "tuyển sinh, sàn giao dịch, cầu lao động, cung lao động 2019) theo tỷ lệ dân số hiện có; tài khoản "
            "«vieclam» và «gdnn».")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--reset", action="store_true", help="Xoá dữ liệu lao động, việc làm hiện có rồi tạo lại.")

    def handle(self, *args, seed, reset, **options):
        started = time.perf_counter()
        if reset:
            labour_demo_clear()
        try:
            result = labour_demo_load(seed=seed, province_code=settings.ANSINH_PROVINCE_CODE)
        except RuntimeError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Đã tạo {result.describe()} sau {time.perf_counter() - started:.1f} giây.")
        self.stdout.write("Tài khoản: vieclam (Cán bộ Trung tâm dịch vụ việc làm), gdnn (Chuyên viên giáo dục nghề "
                          "nghiệp), mật khẩu như các tài khoản dùng thử khác.")
