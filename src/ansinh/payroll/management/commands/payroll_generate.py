"""ansinh payroll-generate --register ncc|tgxh|topup --month YYYY-MM --user USERNAME

Generate (or generate again) a register's monthly payroll from the standing registers, through the engine, as the
user (role, audit). Exit 0: generated (the figures and the notes are printed); 2: refused (the reason on stderr,
nothing written)."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand

from ansinh.core.commands import command_user
from ansinh.core.errors import DomainError
from ansinh.payroll.models import REGISTERS
from ansinh.payroll.services.generation import payroll_month_generate


class Command(BaseCommand):
    help = "Lập bảng chi trả hằng tháng (người có công, trợ giúp xã hội, hỗ trợ thu nhập) từ sổ đối tượng."

    def add_arguments(self, parser):
        parser.add_argument("--register", required=True, choices=REGISTERS)
        parser.add_argument("--month", required=True, help="Tháng chi trả, dạng YYYY-MM")
        parser.add_argument("--user", required=True, help="tên đăng nhập của chuyên viên Sở")

    def handle(self, *args, register, month, user, **options):
        try:
            year, number = (int(part) for part in month.split("-"))
            first = dt.date(year, number, 1)
        except ValueError:
            self.stderr.write(f"Tháng «{month}» không đúng dạng YYYY-MM.")
            sys.exit(2)
        try:
            result = payroll_month_generate(actor=command_user(user), register=register, month=first)
        except DomainError as err:
            self.stderr.write(f"Không lập được: {err}")
            sys.exit(2)
        self.stdout.write(result.message())
        for warning in result.warnings:
            self.stdout.write(f"Lưu ý: {warning}")
