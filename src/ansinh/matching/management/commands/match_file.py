"""``ansinh match-file FILE [--against-registry] --out OUT.xlsx``: thin, calls one service."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.tabular import ImportFileError


class Command(BaseCommand):
    help = "Ghép trùng một tệp danh sách (.xlsx/.csv) và ghi tệp kết quả (.xlsx/.csv theo đuôi của --out)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--out", required=True, help="tệp kết quả .xlsx hoặc .csv")
        parser.add_argument("--against-registry", action="store_true", help="so thêm với cơ sở dữ liệu nhân khẩu")
        parser.add_argument("--model", help="mô hình .json (mặc định: mô hình của lần ghép trùng toàn tỉnh gần nhất)")

    def handle(self, *args, **options):
        from ansinh.matching.files import load_model
        from ansinh.matching.model import MatchingError
        from ansinh.matching.services import match_file_to

        try:
            model = load_model(options["model"]) if options["model"] else None
            summary = match_file_to(in_path=options["file"], out_path=options["out"],
                                    against_registry=options["against_registry"], model=model)
        except (MatchingError, DomainError, ImportFileError, FileNotFoundError) as err:
            raise CommandError(str(err)) from err
        line = (f"{vn_number(summary.rows)} dòng; {vn_number(summary.clusters_with_duplicates)} cụm trùng "
                f"({vn_number(summary.rows_in_duplicate_clusters)} dòng)")
        if options["against_registry"]:
            line += f"; {vn_number(summary.rows_linked_to_registry)} dòng khớp với CSDL"
        self.stdout.write(f"{line.replace(',', '.')}; {summary.seconds:.1f} s → {options['out']}")
        self.stdout.write(f"Mô hình: {summary.model_source}")
