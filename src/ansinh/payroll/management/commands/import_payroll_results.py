"""ansinh import-payroll-results FILE --sheet ID --user USERNAME [--commit] [--valid-only]

The payment agent's results for one commune's monthly list, through the shared import lifecycle, as the user (the
sheet's agent, or a district/province specialist on its behalf). Exit 0: every row valid (written with --commit);
1: rows with errors, or a file refused as a whole (another month, someone not in the list): nothing written;
2: the file cannot be read, the user may not import it, or the same file was already written."""

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.commands import run_import_command
from ansinh.payroll.imports import RESULTS_KIND
from ansinh.payroll.models import PayrollSheet


class Command(BaseCommand):
    help = "Nhập kết quả chi trả hằng tháng của tổ chức chi trả (bưu điện) cho một bảng chi trả của xã."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--sheet", required=True, type=int, help="số của bảng chi trả (trang bảng chi trả)")
        parser.add_argument("--user", required=True)
        parser.add_argument("--commit", action="store_true")
        parser.add_argument("--valid-only", action="store_true")

    def handle(self, *args, file, sheet, user, commit, valid_only, **options):
        found = PayrollSheet.objects.select_related("commune").filter(pk=sheet).first()
        if found is None:
            raise CommandError(f"Không có bảng chi trả số {sheet}.")
        run_import_command(self, kind=RESULTS_KIND, username=user, file=file, commit=commit, valid_only=valid_only,
                           target={"sheet": found})
