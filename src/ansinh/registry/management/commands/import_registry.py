"""ansinh import-registry FILE --user USERNAME [--commit] [--valid-only]

Through the shared import lifecycle, as the user (area, permission, audit). Exit 0: every row valid
(and written with --commit); 1: rows have errors or nothing was written (the report FILE_loi.xlsx is
written next to the file; with --valid-only the valid households are written); 2: the file cannot be
read, or the user may not import it, or the same file was already written.
"""

from django.core.management.base import BaseCommand

from ansinh.core.commands import run_import_command
from ansinh.registry.imports import REGISTRY_KIND


class Command(BaseCommand):
    help = "Kiểm tra và nhập danh sách hộ, nhân khẩu từ tệp Excel/CSV (với tư cách một người dùng)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (địa bàn, quyền, nhật ký).")
        parser.add_argument("--commit", action="store_true", help="Ghi vào CSDL nếu mọi dòng hợp lệ.")
        parser.add_argument("--valid-only", action="store_true", help="Chỉ ghi các hộ có mọi dòng hợp lệ.")

    def handle(self, *args, file, user, commit, valid_only, **options):
        run_import_command(self, kind=REGISTRY_KIND, username=user, file=file, commit=commit, valid_only=valid_only)
