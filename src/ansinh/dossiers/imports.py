"""The digitisation campaign's bulk import: a zip of scans named by dossier number, through the shared import
lifecycle (``core.imports``): stored, checked once (each scan by content, its dossier number looked up in the
uploader's area, its checksum against the archive), reported (unknown numbers, refused files, an error report),
committed by its uploader in one transaction (each scan a new document of its dossier, its OCR queued).

A zip with a name that would leave the folder (``../``, an absolute path) is refused as a whole; nothing is ever
extracted to the disk (each member is read in memory, its declared size checked first).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import polars as pl

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.errors import DomainError, UserError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.tabular import ERRORS, ROW, RawTable
from ansinh.dossiers.checks import (
    MAX_SCAN_BYTES,
    ScanRefused,
    dossier_number_of,
    inspect_scan,
    megabytes,
    member_problem,
)
from ansinh.dossiers.models import Document, DocumentVersion, Dossier, ScanImport
from ansinh.dossiers.permissions import require_importer

MAX_MEMBERS = 5_000
HEADERS = ["Tệp trong tệp nén", "Số hồ sơ", "Dung lượng (byte)"]


def _members(path: Path, name: str) -> list[zipfile.ZipInfo]:
    if not zipfile.is_zipfile(path):
        raise UserError(f"Tệp «{name}» không phải tệp nén ZIP: hãy nén các bản quét thành một tệp .zip.")
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise UserError(f"Tệp nén «{name}» bị hỏng, không đọc được ({err}).") from err
    if not members:
        raise UserError(f"Tệp nén «{name}» không có bản quét nào.")
    if len(members) > MAX_MEMBERS:
        raise UserError(f"Tệp nén «{name}» có {vn_number(len(members))} tệp (tối đa {vn_number(MAX_MEMBERS)} một "
                        "lần nhập): hãy chia theo xã hoặc theo hộp.")
    return members


class ScanZipKind(ImportKind):
    code, label, model = "dossier_scans", "tệp nén bản quét hồ sơ", ScanImport
    duplicate_scope = ()
    audit_prefix = "dossiers.scan_import"
    urls = {"detail": "dossiers:import_detail", "commit": "dossiers:import_commit",
            "report": "dossiers:import_report", "again": "dossiers:import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        require_importer(actor)

    def inline(self, record) -> bool:
        return record.stored_file.size <= 2_000_000

    def parse(self, record, *, progress):
        path = Path(record.stored_file.path)
        members = _members(path, record.file_name)
        rows = []
        for index, member in enumerate(members, start=1):
            errors = []
            if problem := member_problem(member.filename):
                errors.append(f"Tên tệp không hợp lệ: {problem}.")
            number = dossier_number_of(member.filename).upper()
            if not number:
                errors.append("Tên tệp không có số hồ sơ.")
            if member.file_size == 0:
                errors.append("Tệp rỗng (0 byte).")
            elif member.file_size > MAX_SCAN_BYTES:
                errors.append(f"Tệp quá lớn ({megabytes(member.file_size)}, tối đa {megabytes(MAX_SCAN_BYTES)}).")
            rows.append({ROW: index + 1, HEADERS[0]: member.filename, HEADERS[1]: number,
                         HEADERS[2]: str(member.file_size), ERRORS: errors})
        frame = pl.DataFrame(rows, schema={ROW: pl.Int64, HEADERS[0]: pl.Utf8, HEADERS[1]: pl.Utf8, HEADERS[2]: pl.Utf8,
                                           ERRORS: pl.List(pl.Utf8)})
        raw = RawTable(frame=frame.drop(ERRORS), header_row=1, header_rows=1, headers=list(HEADERS),
                       recognised={h: h for h in HEADERS}, ignored=[], missing_optional=[], numeric={},
                       sheet_name="Tệp nén", file_kind="zip", file_sha256=record.file_sha256, source=path,
                       display_name=record.file_name)
        out = frame.rename({HEADERS[0]: "member", HEADERS[1]: "number", HEADERS[2]: "size"})
        return raw, out

    def verify(self, record, raw, rows, *, progress) -> CheckOutcome:
        actor = record.created_by
        stems = rows["number"].to_list()
        candidates = {n for stem in stems for n in (stem, stem.rsplit("_", 1)[0]) if n}
        known = dict(Dossier.objects.filter(number__in=candidates, commune_id__in=area_commune_ids(actor))
                     .values_list("number", "pk"))
        resolved = [stem if stem in known else stem.rsplit("_", 1)[0] if stem.rsplit("_", 1)[0] in known else stem
                    for stem in stems]  # «NCC-000123_2.pdf»: a second document of NCC-000123
        rows = rows.with_columns(pl.Series("number", resolved, dtype=pl.Utf8))
        numbers = set(resolved)
        seen: dict[str, str] = {}
        errors_out, digests, pages = [], [], []
        with zipfile.ZipFile(record.stored_file.path) as archive:
            for i, (member, number, errors) in enumerate(rows.select("member", "number", ERRORS).iter_rows()):
                errors = list(errors or [])
                if number and number not in known:
                    errors.append(f"Không có hồ sơ số {number} trong địa bàn của bạn.")
                digest, page_count = "", 0
                if not errors:
                    digest, page_count, problem = self._check_member(archive, member, seen)
                    if problem:
                        errors.append(problem)
                errors_out.append(errors)
                digests.append(digest)
                pages.append(page_count)
                progress(10 + 80 * (i + 1) // max(rows.height, 1), "Đang kiểm tra các bản quét")
        checked = rows.with_columns(pl.Series(ERRORS, errors_out, dtype=pl.List(pl.Utf8)),
                                    pl.Series("sha256", digests), pl.Series("pages", pages))
        already = set(DocumentVersion.objects.filter(sha256__in=[d for d in digests if d])
                      .values_list("sha256", flat=True))
        checked = checked.with_columns(
            pl.when(pl.col("sha256").is_in(list(already)))
            .then(pl.col(ERRORS).list.concat(pl.lit(["Bản quét này đã có trong kho hồ sơ (cùng mã kiểm tra)."])))
            .otherwise(pl.col(ERRORS)).alias(ERRORS))
        valid = checked.filter(pl.col(ERRORS).list.len() == 0)
        figures = {"scans": checked.height, "dossiers": valid["number"].n_unique(), "pages": int(valid["pages"].sum()),
                   "unknown": sorted(n for n in numbers if n and n not in known)[:200]}
        messages = []
        if figures["unknown"]:
            messages.append("Số hồ sơ không có trong địa bàn của bạn: " + ", ".join(figures["unknown"][:30])
                            + (" …" if len(figures["unknown"]) > 30 else ""))
        escaping = [f"«{m}»" for m in rows["member"].to_list() if member_problem(m)]
        blocking = [f"Tệp nén có tên tệp đi ra ngoài thư mục ({', '.join(escaping[:5])}): không nhận cả tệp nén này, "
                    "hãy nén lại các bản quét trong một thư mục."] if escaping else []
        return CheckOutcome(raw=raw, rows=checked, figures=figures, messages=messages, blocking=blocking,
                            name_column="member")

    def _check_member(self, archive: zipfile.ZipFile, member: str, seen: dict[str, str]) -> tuple[str, int, str]:
        data = archive.read(member)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            return digest, 0, f"Trùng nội dung với «{seen[digest]}» trong cùng tệp nén."
        seen[digest] = member
        try:
            info = inspect_scan(io.BytesIO(data), size=len(data), display_name=Path(member).name)
        except ScanRefused as err:
            return digest, 0, err.message
        return digest, info.page_count, ""

    def lock(self, record) -> None:
        from ansinh.core.locks import advisory_lock

        advisory_lock("dossiers.scan_import")

    def commit_scope(self, record):
        """The scans stored by ``commit`` are removed if the import's transaction does not commit (``core.imports``
        enters this outside it): no orphan file in the storage."""
        from ansinh.dossiers.services.scans import files_removed_unless_committed

        return files_removed_unless_committed()

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.dossiers.services.dossiers import dossier_status_refresh
        from ansinh.dossiers.services.scans import stored_files, version_write

        valid = outcome.valid
        if not valid.height:
            raise DomainError("Không có bản quét hợp lệ nào để lưu.")
        stored = stored_files()
        dossiers = {d.number: d for d in Dossier.objects.select_for_update().filter(number__in=valid["number"].to_list())}
        with zipfile.ZipFile(record.stored_file.path) as archive:
            for i, (member, number) in enumerate(valid.select("member", "number").iter_rows()):
                data = archive.read(member)
                display = Path(member).name
                info = inspect_scan(io.BytesIO(data), size=len(data), display_name=display)
                document = Document.objects.create(dossier=dossiers[number], title=f"Bản quét {display}"[:200])
                version_write(actor=actor, document=document, handle=io.BytesIO(data), display_name=display,
                              info=info, stored=stored, note=f"Nhập từ tệp nén «{record.file_name}»")
                progress(100 * (i + 1) // max(valid.height, 1), "Đang lưu các bản quét")
        for dossier in dossiers.values():
            dossier_status_refresh(dossier.pk)
        return CommitResult(written=valid.height,
                            message=f"Đã lưu {vn_number(valid.height)} bản quét vào {vn_number(len(dossiers))} hồ sơ; "
                                    "việc nhận dạng chữ chạy nền.",
                            details={"dossiers": len(dossiers)})

    def figures(self, record):
        figures = (record.summary or {}).get("figures", {})
        return [("Số bản quét trong tệp nén", vn_number(figures.get("scans", 0)), "scans"),
                ("Số hồ sơ nhận bản quét", vn_number(figures.get("dossiers", 0)), "dossiers"),
                ("Số trang", vn_number(figures.get("pages", 0)), "pages"),
                ("Số hồ sơ không tìm thấy", vn_number(len(figures.get("unknown", []))), "unknown")]


SCAN_ZIP_KIND = register_kind(ScanZipKind())
