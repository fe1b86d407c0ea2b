"""Matching a file through the shared import lifecycle (the ``match_file`` kind): the file is stored and its
columns checked like any import; «committing» runs the matching and keeps the result file (the input rows
with «Mã cụm», «Xác suất trùng», «Trường khớp» and, against the registry, «Mã người trong CSDL»). The registry
it is compared with is the user's own area."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.tabular import RawTable, Schema, parse_columns, read_table
from ansinh.matching.files import MATCH_SCHEMA
from ansinh.matching.models import FileMatch
from ansinh.registry.permissions import require_registry_editor


class MatchFileKind(ImportKind):
    code = "match_file"
    label = "tệp ghép trùng"
    model = FileMatch
    refuse_duplicates = False  # matching the same file again (after the registry changed) is legitimate
    audit_prefix = "file_match"
    urls = {"detail": "matching:file_detail", "commit": "matching:file_commit", "report": "matching:file_report",
            "again": "matching:file_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        require_registry_editor(actor)
        kind = record.output_kind if record is not None else target.get("output_kind", "xlsx")
        if kind not in ("xlsx", "csv"):
            raise DomainError("Chỉ xuất được .xlsx hoặc .csv.", field="output_kind")

    def schema(self, record) -> Schema:
        return MATCH_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, MATCH_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        return raw, parse_columns(raw, MATCH_SCHEMA, today=timezone.localdate())

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        # A row with an odd cell is still matched on what it has: no row blocks the matching.
        return CheckOutcome(raw=raw, rows=rows.with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("_errors")))

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.accounts.permissions import area_commune_ids
        from ansinh.matching.services import match_file_to

        progress(10, "Đang ghép trùng")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"ket-qua.{record.output_kind}"
            summary = match_file_to(in_path=record.stored_file.path, out_path=out,
                                    against_registry=record.against_registry,
                                    commune_ids=area_commune_ids(actor) if record.against_registry else None)
            with out.open("rb") as handle:
                record.output_file.save(out.name, File(handle), save=False)
        record.save(update_fields=["output_file"])
        figures = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in summary.__dict__.items()}
        return CommitResult(written=summary.rows,
                            message=f"Đã ghép trùng {vn_number(summary.rows)} dòng: {vn_number(summary.clusters_with_duplicates)} "
                                    f"cụm trùng ({vn_number(summary.rows_in_duplicate_clusters)} dòng).",
                            details=figures)

    def figures(self, record) -> list[tuple[str, object, str]]:
        result = record.result or {}
        if not result:
            return []
        lines = [("Cụm có từ hai dòng trở lên", vn_number(result.get("clusters_with_duplicates", 0)), "clusters"),
                 ("Dòng trong các cụm đó", vn_number(result.get("rows_in_duplicate_clusters", 0)), "rows-in-clusters")]
        if record.against_registry:
            lines.append(("Dòng khớp với cơ sở dữ liệu", vn_number(result.get("rows_linked_to_registry", 0)), "linked"))
        if result.get("model_source"):
            lines.append(("Mô hình", result["model_source"], "model-source"))
        return lines

    def done_link(self, record):
        if not record.output_file:
            return None
        return (f"Tải tệp kết quả (.{record.output_kind})", reverse("matching:file_download", args=[record.pk]))


MATCH_FILE_KIND = register_kind(MatchFileKind())
