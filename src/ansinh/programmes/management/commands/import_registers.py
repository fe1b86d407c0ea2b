"""ansinh import-registers FILE --register ncc|tgxh|poor|near_poor --user USERNAME [--commit] [--valid-only]

Through the shared import lifecycle, as the user (area, permission, audit). Exit 0: every row valid
(written with --commit); 1: rows with errors or nothing written (report FILE_loi.xlsx next to the file;
with --valid-only the valid rows are written); 2: the file cannot be read, the user may not import it,
or the same file was already written into this register.
"""

from django.core.management.base import BaseCommand

from ansinh.core.commands import run_import_command
from ansinh.programmes.imports import REGISTER_KIND
from ansinh.programmes.models import Register


class Command(BaseCommand):
    help = "Nhập sổ đối tượng đang hưởng (NCC, BTXH, hộ nghèo, hộ cận nghèo) từ Excel/CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--register", required=True, choices=Register.values)
        parser.add_argument("--user", required=True, help="tên đăng nhập: giới hạn theo địa bàn của người này")
        parser.add_argument("--commit", action="store_true")
        parser.add_argument("--valid-only", action="store_true")

    def handle(self, *args, file, register, user, commit, valid_only, **options):
        run_import_command(self, kind=REGISTER_KIND, username=user, file=file, commit=commit, valid_only=valid_only,
                           target={"register": register})
