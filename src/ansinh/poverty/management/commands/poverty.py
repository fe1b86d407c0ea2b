"""ansinh poverty import-survey FILE --year YYYY --user USERNAME [--commit] [--valid-only]
ansinh poverty summary --year YYYY --out FILE.csv|FILE.xlsx

``import-survey``: the survey results of the year's annual review through the shared import lifecycle, as the
user (area, permission, audit), exactly as ``ansinh import-registry``: exit 0 every row valid (written with
--commit); 1 rows with errors or nothing written (the report FILE_loi.xlsx next to the file; with --valid-only
the valid rows are written); 2 the file cannot be read, the user may not import it, the same file was already
written, or the year's standard cannot classify (an empty parameter): nothing is written.

``summary``: per commune of the year's annual rounds — households surveyed, poor, near-poor, not poor, newly poor,
out of poverty, back into poverty (and of those out of poverty, those now near-poor), the commune's registry
households and the poverty rate (%) — then «Tổng cộng». The format follows the extension. Exit 0, or 2 with a
message (an unknown extension, an unwritable path).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.core.commands import EXIT_FILE, run_import_command
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.poverty.classification import year_checked
from ansinh.poverty.imports import SURVEY_KIND
from ansinh.poverty.renderers import summary_write
from ansinh.poverty.selectors import year_summary


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(f"Năm «{text}» không hợp lệ (ghi 4 chữ số, ví dụ 2021).") from None


class Command(BaseCommand):
    help = "Rà soát hộ nghèo, hộ cận nghèo: nhập phiếu rà soát (import-survey), tổng hợp theo xã (summary)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="lệnh")
        survey = commands.add_parser("import-survey", help="Kiểm tra và nhập tệp phiếu rà soát của một năm.")
        survey.add_argument("file")
        survey.add_argument("--year", required=True, type=_year, help="Năm rà soát (kỳ rà soát định kỳ của năm).")
        survey.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (địa bàn, quyền, nhật ký).")
        survey.add_argument("--commit", action="store_true", help="Ghi vào CSDL nếu mọi dòng hợp lệ.")
        survey.add_argument("--valid-only", action="store_true", help="Chỉ ghi các dòng hợp lệ.")
        summary = commands.add_parser("summary", help="Tổng hợp kết quả rà soát theo xã/phường (CSV hoặc Excel).")
        summary.add_argument("--year", required=True, type=_year)
        summary.add_argument("--out", required=True, help="Tệp kết quả: .csv hoặc .xlsx")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "import-survey":
            self._import(options)
        else:
            self._summary(options)

    def _import(self, options) -> None:
        try:
            year = year_checked(options["year"])
        except DomainError as err:  # the year is outside the modelled standards
            self.stderr.write(str(err))
            sys.exit(EXIT_FILE)
        run_import_command(self, kind=SURVEY_KIND, username=options["user"], file=options["file"],
                           commit=options["commit"], valid_only=options["valid_only"], target={"year": year})

    def _summary(self, options) -> None:
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            self.stderr.write(f"Tệp kết quả «{out.name}» phải có đuôi .csv hoặc .xlsx.")
            sys.exit(EXIT_FILE)
        try:
            year = year_checked(options["year"])
        except DomainError as err:
            self.stderr.write(str(err))
            sys.exit(EXIT_FILE)
        frame = year_summary(year=year)
        partial = out.with_name(f".{out.name}.tmp")
        try:
            summary_write(frame, partial, fmt=fmt, year=year)
            partial.replace(out)
        except OSError as err:
            partial.unlink(missing_ok=True)
            self.stderr.write(f"Không ghi được tệp «{out}»: {err.strerror or err}.")
            sys.exit(EXIT_FILE)
        if frame.is_empty():
            self.stdout.write(f"Năm {year} chưa có kỳ rà soát định kỳ nào: tệp chỉ có dòng tiêu đề và dòng tổng.")
        else:
            self.stdout.write(f"Đã ghi {out}: {vn_number(frame.height)} xã/phường, {vn_number(int(frame['surveyed'].sum()))} "
                              f"hộ rà soát, {vn_number(int(frame['poor'].sum()))} hộ nghèo, "
                              f"{vn_number(int(frame['near_poor'].sum()))} hộ cận nghèo.")
        sys.exit(0)
