"""ansinh import-registry FILE [--commit] [--valid-only] [--user USERNAME]

Exit 0: every row valid (and committed with --commit); 1: rows have errors (the
report is written next to the file; with --valid-only the valid households are
committed); 2: the file cannot be read or has no recognisable header.
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ansinh.accounts.models import User
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.tabular import ImportFileError
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.registry.imports import registry_error_report, registry_file_check, registry_rows_commit


class Command(BaseCommand):
    help = "Kiểm tra và nhập danh sách hộ, nhân khẩu từ tệp Excel/CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="Ghi vào CSDL nếu mọi dòng hợp lệ.")
        parser.add_argument("--valid-only", action="store_true", help="Chỉ ghi các hộ có mọi dòng hợp lệ.")
        parser.add_argument("--user", help="Tên đăng nhập: giới hạn theo địa bàn của người này (mặc định: cả tỉnh).")

    def handle(self, *args, file, commit, valid_only, user, **options):
        path = Path(file)
        area = self._area(user)
        started = time.perf_counter()
        try:
            check = registry_file_check(path=path, area=area)
        except ImportFileError as err:
            self.stderr.write(f"Không nhập được tệp {path.name}: {err}")
            sys.exit(2)
        except OSError as err:
            self.stderr.write(f"Không đọc được tệp {path}: {err.strerror or err}")
            sys.exit(2)
        self.stdout.write(f"Tệp {path.name}: dòng tiêu đề số {check.raw.header_row}, "
                          f"{vn_number(check.total_rows)} dòng, {vn_number(check.households)} hộ.")
        self.stdout.write("Cột nhận ra: " + ", ".join(f"{h}" for h in check.recognised.values()))
        if check.ignored:
            self.stdout.write("Cột bỏ qua: " + ", ".join(check.ignored))
        for message in check.messages:
            self.stdout.write(message)
        self.stdout.write(f"Dòng hợp lệ: {vn_number(check.valid_persons)}; dòng lỗi: {vn_number(check.error_rows)}.")
        if check.error_rows:
            report = registry_error_report(check=check, out_path=path.with_name(f"{path.stem}_loi.xlsx"))
            self.stdout.write(f"Báo cáo lỗi: {report}")
        if commit or valid_only:
            try:
                result = registry_rows_commit(check=check, valid_only=valid_only)
            except DomainError as err:
                self.stdout.write(f"Chưa ghi: {err}")
            else:
                self.stdout.write(f"Đã ghi {vn_number(result.households)} hộ, {vn_number(result.persons)} nhân khẩu.")
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.1f} giây.")
        sys.exit(1 if check.error_rows else 0)

    def _area(self, username: str | None) -> AdminUnit:
        if username:
            try:
                user = User.objects.select_related("area").get(username=username)
            except User.DoesNotExist as err:
                raise CommandError(f"Không có người dùng {username}.") from err
            if user.area is None:
                raise CommandError(f"Người dùng {username} chưa được phân công địa bàn.")
            return user.area
        return AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT,
                                     code=settings.ANSINH_PROVINCE_CODE)
