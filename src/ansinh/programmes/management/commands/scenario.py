import time

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.formatting import vn_number

SCENARIOS = ("covid-2020",)


class Command(BaseCommand):
    help = ("Chạy kịch bản trên tỉnh mẫu. covid-2020: gói hỗ trợ NQ 42 cho 3 nhóm (NCC, BTXH, thành viên hộ nghèo, "
            "cận nghèo) từ lập danh sách đến đối soát, qua các dịch vụ của hệ thống.")

    def add_arguments(self, parser):
        parser.add_argument("name", choices=SCENARIOS)
        parser.add_argument("--persons", type=int, default=1_300_000,
                            help="Dân số tỉnh mẫu nếu CSDL chưa có nhân khẩu (mặc định 1.300.000 như Hà Tĩnh).")

    def handle(self, *args, name, persons, **options):
        from django.conf import settings

        from ansinh.programmes.scenario import scenario_covid_2020
        from ansinh.registry.demo import demo_population_load
        from ansinh.registry.models import Person

        started = time.perf_counter()
        if not Person.objects.exists():
            self.stdout.write(f"Tạo dân số tỉnh mẫu: {vn_number(persons)} nhân khẩu...")
            demo_population_load(persons=persons, seed=2020, province_code=settings.ANSINH_PROVINCE_CODE)
        elif Person.objects.count() < 1_000_000:
            self.stdout.write("Lưu ý: CSDL có ít hơn 1 triệu nhân khẩu; kịch bản cần dân số cỡ Hà Tĩnh (1,3 triệu).")
        try:
            report = scenario_covid_2020(say=self.stdout.write)
        except RuntimeError as err:
            raise CommandError(str(err)) from err
        self.stdout.write("")
        self.stdout.write(report.reconciliation.sentence())
        self.stdout.write(f"Báo cáo đối soát và các tệp chi trả: {report.output_dir}")
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.0f} giây.")
