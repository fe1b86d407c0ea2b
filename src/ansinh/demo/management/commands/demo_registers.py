import time

from django.core.management.base import BaseCommand, CommandError

from ansinh.demo.registers import plan_at_rates, standing_registers_clear, standing_registers_load
from ansinh.programmes.models import Enrolment


class Command(BaseCommand):
    help = ("Tạo danh sách đang hưởng mẫu (người có công, bảo trợ xã hội, hộ nghèo/cận nghèo 2019) theo tỷ lệ "
            "thực tế của dân số hiện có.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--ncc-rate", type=float, default=0.035)
        parser.add_argument("--tgxh-rate", type=float, default=0.05)
        parser.add_argument("--poor-rate", type=float, default=0.05)
        parser.add_argument("--near-poor-rate", type=float, default=0.05)
        parser.add_argument("--reset", action="store_true", help="Xoá các hồ sơ đang hưởng hiện có rồi tạo lại.")

    def handle(self, *args, seed, ncc_rate, tgxh_rate, poor_rate, near_poor_rate, reset, **options):
        started = time.perf_counter()
        if reset:
            standing_registers_clear()
        elif Enrolment.objects.exists():
            raise CommandError("Đã có hồ sơ đang hưởng; dùng --reset để tạo lại.")
        plan = plan_at_rates(seed=seed, ncc_rate=ncc_rate, tgxh_rate=tgxh_rate, poor_rate=poor_rate,
                             near_poor_rate=near_poor_rate)
        result = standing_registers_load(plan=plan)
        self.stdout.write(f"Đã tạo {result.describe()} sau {time.perf_counter() - started:.1f} giây.")
