"""ansinh import-registers FILE --register ncc|tgxh|poor|near_poor --user USERNAME [--commit] [--valid-only]

Exit 0: every row valid (written with --commit); 1: rows with errors (report FILE_loi.xlsx next to the
file; with --valid-only the valid rows are written); 2: the file cannot be read.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ansinh.accounts.models import User
from ansinh.core.errors import DomainError
from ansinh.core.tabular import ImportFileError
from ansinh.programmes.register_imports import (
    register_error_report,
    register_file_check,
    register_rows_commit,
)


class Command(BaseCommand):
    help = "Nhập sổ đối tượng đang hưởng (NCC, BTXH, hộ nghèo, hộ cận nghèo) từ Excel/CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--register", required=True, choices=["ncc", "tgxh", "poor", "near_poor"])
        parser.add_argument("--user", required=True, help="tên đăng nhập: giới hạn theo địa bàn của người này")
        parser.add_argument("--commit", action="store_true")
        parser.add_argument("--valid-only", action="store_true")

    def handle(self, *args, file, register, user, commit, valid_only, **options):
        try:
            actor = User.objects.select_related("area").get(username=user)
        except User.DoesNotExist as err:
            raise CommandError(f"Không có người dùng {user}.") from err
        path = Path(file)
        try:
            check = register_file_check(path=path, register=register, user=actor)
        except (ImportFileError, OSError) as err:
            self.stderr.write(f"Không nhập được tệp {path.name}: {err}")
            sys.exit(2)
        self.stdout.write(f"{check.rows.height} dòng: {check.valid_rows} hợp lệ, {check.error_rows} lỗi.")
        if check.error_rows:
            self.stdout.write(f"Báo cáo lỗi: {register_error_report(check=check, out_path=path.with_name(f'{path.stem}_loi.xlsx'))}")
        if commit or valid_only:
            try:
                written = register_rows_commit(check=check, valid_only=valid_only)
            except DomainError as err:
                self.stdout.write(f"Chưa ghi: {err}")
            else:
                self.stdout.write(f"Đã ghi {written} đối tượng vào sổ.")
        sys.exit(1 if check.error_rows else 0)
