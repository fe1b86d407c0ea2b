import time

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import UserError
from ansinh.demo.poverty import demo_poverty_load, poverty_demo_clear


class Command(BaseCommand):
    help = ("Tạo dữ liệu mẫu rà soát hộ nghèo, hộ cận nghèo năm 2020 (QĐ 59/2015) và 2021 (NĐ 07/2021), hỗ trợ nhà ở, "
            "trên dân số mẫu đã có (ansinh demo_load).")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--reset", action="store_true", help="Xoá dữ liệu rà soát mẫu hiện có rồi tạo lại.")

    def handle(self, *args, seed, reset, **options):
        started = time.perf_counter()
        if reset:
            poverty_demo_clear()
            self.stdout.write("Đã xoá dữ liệu rà soát hộ nghèo mẫu.")
        try:
            result = demo_poverty_load(seed=seed, say=self.stdout.write)
        except (UserError, RuntimeError) as err:
            raise CommandError(str(err)) from err
        if result is not None:
            self.stdout.write(f"Đã tạo {result.describe()} sau {time.perf_counter() - started:.1f} giây.")
