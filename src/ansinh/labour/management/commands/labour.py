"""ansinh labour import-supply FILE --year YYYY --user USERNAME [--commit] [--valid-only]

The yearly supply update through the shared import lifecycle, as the user (area, permission, audit): rows matched
to the registry by identity number, else by the matching model (those rows are written «chờ đối chiếu» with their
candidates in the review queue). Exit codes as ``ansinh import-registry``: 0 every row valid (written with
--commit); 1 rows with errors or nothing written (the report FILE_loi.xlsx next to the file; --valid-only writes
the valid rows); 2 the file cannot be read, the user may not import it, or the same file was already written for
that year.
"""

from django.core.management.base import BaseCommand, CommandParser

from ansinh.core.commands import run_import_command
from ansinh.labour.imports import SUPPLY_KIND


class Command(BaseCommand):
    help = "Lao động – việc làm: nhập tệp cập nhật cung lao động (import-supply)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="lệnh")
        supply = commands.add_parser("import-supply", help="Kiểm tra và nhập tệp cập nhật cung lao động của một năm.")
        supply.add_argument("file")
        supply.add_argument("--year", type=int, required=True, help="Năm cập nhật (thông tin tại ngày 01/7).")
        supply.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (địa bàn, quyền, nhật ký).")
        supply.add_argument("--commit", action="store_true", help="Ghi vào CSDL nếu mọi dòng hợp lệ.")
        supply.add_argument("--valid-only", action="store_true", help="Chỉ ghi các dòng hợp lệ.")

    def handle(self, *args, subcommand, file, year, user, commit, valid_only, **options):
        run_import_command(self, kind=SUPPLY_KIND, username=user, file=file, commit=commit, valid_only=valid_only,
                           target={"year": year})
