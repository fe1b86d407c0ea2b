"""``ansinh scenario covid-2020`` / ``payroll-2020-h1``: a scenario of the demo province, run through the system's services.
On a fresh database it prepares what it needs (tables, administrative units, the demo population)."""

import time

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import DomainError
from ansinh.core.safety import refuse_in_production

SCENARIOS = ("covid-2020", "payroll-2020-h1", "semiannual-2020")


class Command(BaseCommand):
    help = ("Chạy kịch bản trên tỉnh mẫu. covid-2020: gói hỗ trợ NQ 42 cho 3 nhóm (NCC, BTXH, thành viên hộ nghèo, "
            "cận nghèo) từ lập danh sách đến đối soát, qua các dịch vụ của hệ thống. payroll-2020-h1: chi trả hằng "
            "tháng NCC, TGXH và hỗ trợ thu nhập NQ 151/2019 từ tháng 1 đến tháng 6/2020.")

    def add_arguments(self, parser):
        parser.add_argument("name", choices=SCENARIOS)
        parser.add_argument("--persons", type=int, default=1_300_000,
                            help="Dân số tỉnh mẫu nếu CSDL chưa có nhân khẩu (mặc định 1.300.000 như Hà Tĩnh).")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="covid-2020, payroll-2020-h1, semiannual-2020: tỷ lệ thu nhỏ sổ đối tượng (1 = các con số của thông báo).")

    def handle(self, *args, name, persons, scale, **options):
        refuse_in_production(f"scenario {name}")
        from ansinh.demo.prepare import database_ready, population_ready

        started = time.perf_counter()
        if name == "payroll-2020-h1":
            self._payroll(persons, scale, started)
            return
        if name == "semiannual-2020":
            self._semiannual(persons, scale, started)
            return
        try:
            database_ready(self.stdout.write)
            if not 0 < scale <= 1:
                raise CommandError("--scale phải lớn hơn 0 và không quá 1.")
            population_ready(persons=persons, minimum=int(1_000_000 * scale), seed=2020, say=self.stdout.write)
            from ansinh.demo.covid_2020 import scenario_covid_2020

            report = scenario_covid_2020(say=self.stdout.write, scale=scale)
        except (DomainError, RuntimeError) as err:
            raise CommandError(str(err)) from err
        self.stdout.write("")
        self.stdout.write(report.reconciliation.sentence())
        self.stdout.write(f"Báo cáo đối soát và các tệp chi trả: {report.output_dir}")
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.0f} giây.")

    def _payroll(self, persons: int, scale: float, started: float) -> None:
        """The monthly payrolls of January–June 2020 (``--scale`` below 1: a smaller province for a quick look; only
        1 gives the notice's figures)."""
        from ansinh.demo.prepare import database_ready, population_ready

        if not 0 < scale <= 1:
            raise CommandError("--scale phải lớn hơn 0 và không quá 1.")
        try:
            database_ready(self.stdout.write)
            population_ready(persons=persons, minimum=int(1_000_000 * scale), seed=2020, say=self.stdout.write)
            from ansinh.demo.payroll_2020 import scenario_payroll_2020
            from ansinh.demo.payroll_plan import Targets

            report = scenario_payroll_2020(targets=Targets(scale=scale), say=self.stdout.write)
        except (DomainError, RuntimeError) as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Báo cáo đối soát, danh sách và kết quả chi trả từng tháng: {report.output_dir}")
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.0f} giây.")

    def _semiannual(self, persons: int, scale: float, started: float) -> None:
        """The plan of 2020, the units' first-half reports, the tasks, then the semiannual report and the conclusion
        notice written from the database; each file's path on a line of its own. It runs ``covid-2020`` and
        ``payroll-2020-h1`` first (at the same ``--scale``) when the database has not got their data."""
        from ansinh.demo.prepare import database_ready, population_ready

        if not 0 < scale <= 1:
            raise CommandError("--scale phải lớn hơn 0 và không quá 1.")
        try:
            database_ready(self.stdout.write)
            population_ready(persons=persons, minimum=int(1_000_000 * scale), seed=2020, say=self.stdout.write)
            from ansinh.demo.semiannual_2020 import _nq42_present, scenario_semiannual_2020
            from ansinh.payroll.models import PayrollMonth

            covid_ran = False
            if not _nq42_present():
                # covid-2020 first: its reset empties every standing register (enrolments), which the payroll's lines
                # and register events point at (PROTECT); payroll-2020-h1's reset removes only the NCC, TGXH and
                # top-up enrolments and the payroll, and the NQ 42 lists and payments keep no link to an enrolment.
                self.stdout.write("Chưa có dữ liệu NQ 42: chạy kịch bản covid-2020 trước (rồi payroll-2020-h1).")
                from ansinh.demo.covid_2020 import scenario_covid_2020
                from ansinh.demo.payroll_2020 import scenario_reset as payroll_reset

                payroll_reset()
                scenario_covid_2020(say=self.stdout.write, scale=scale)
                covid_ran = True
            if covid_ran or not PayrollMonth.objects.filter(month__year=2020, month__month__lte=6).exists():
                self.stdout.write("Chưa có bảng chi trả 6 tháng đầu năm 2020: chạy kịch bản payroll-2020-h1 trước.")
                from ansinh.demo.payroll_2020 import scenario_payroll_2020
                from ansinh.demo.payroll_plan import Targets

                scenario_payroll_2020(targets=Targets(scale=scale), say=self.stdout.write)
            report = scenario_semiannual_2020(say=self.stdout.write)
        except (DomainError, RuntimeError) as err:
            raise CommandError(str(err)) from err
        self.stdout.write("Văn bản đã ban hành: " + ", ".join(report.symbols))
        if report.missing:
            self.stdout.write("Số liệu chưa có: " + ", ".join(dict.fromkeys(report.missing)))
        for path in report.files:
            self.stdout.write(str(path))
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.0f} giây.")
