"""The life of one uploaded registry file: stored, checked, committed (or cancelled).

Small files are checked and committed in the request; large ones in the
background worker, with progress in the shared cache so that the page can
show a progress bar while the commit transaction is still open.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ansinh.accounts.models import User
from ansinh.accounts.permissions import can_import
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.core.formatting import vn_number
from ansinh.core.tabular import ImportFileError, file_sha256
from ansinh.registry.imports import (
    import_storage_dir,
    registry_error_report,
    registry_file_check,
    registry_rows_commit,
)
from ansinh.registry.models import ImportStatus, RegistryImport

INLINE_LIMIT_BYTES = 1_000_000  # about 5.000 rows: beyond that, the worker does it


def progress_key(import_id: int) -> str:
    return f"registry-import-progress-{import_id}"


def progress_get(import_id: int) -> tuple[int, str]:
    return cache.get(progress_key(import_id), (0, ""))


def _progress_setter(import_id: int):
    def set_progress(percent: int, label: str) -> None:
        cache.set(progress_key(import_id), (min(max(percent, 0), 100), label), timeout=3600)
    return set_progress


def registry_import_start(*, actor: User, upload: UploadedFile) -> tuple[RegistryImport, bool]:
    """Store the file and create its record. Returns (import, run_inline)."""
    if not can_import(actor) or actor.area_id is None:
        raise PermissionDenied("Vai trò của bạn không được nhập dữ liệu.")
    folder = import_storage_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    safe_name = Path(upload.name).name.replace("/", "_")
    path = folder / safe_name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    digest = file_sha256(path)
    previous = (RegistryImport.objects.filter(file_sha256=digest, status=ImportStatus.COMMITTED)
                .select_related("created_by").first())
    if previous:
        who = previous.created_by or "quản trị"
        raise DomainError(f"Tệp này đã được nhập vào CSDL ngày {previous.updated_at:%d/%m/%Y %H:%M} bởi {who} "
                          f"({vn_number(previous.persons_created)} nhân khẩu). Không nhập lại.")
    record = RegistryImport.objects.create(
        file_name=safe_name, file_sha256=digest, stored_path=str(path), created_by=actor, area=actor.area,
    )
    audit_record(actor=actor, action="registry_import_upload", obj=record, summary=f"Tải lên tệp {safe_name}")
    return record, path.stat().st_size <= INLINE_LIMIT_BYTES


def registry_import_check(*, import_id: int) -> RegistryImport:
    record = RegistryImport.objects.select_related("area").get(pk=import_id)
    set_progress = _progress_setter(import_id)
    path = Path(record.stored_path)
    try:
        check = registry_file_check(path=path, area=record.area, progress=set_progress)
    except ImportFileError as err:
        record.status, record.message = ImportStatus.FAILED, str(err)
        record.save(update_fields=["status", "message", "updated_at"])
        set_progress(100, "Không đọc được tệp")
        return record
    report = ""
    if check.error_rows:
        report = str(registry_error_report(check=check, out_path=path.with_name(f"{path.stem}_loi.xlsx")))
    record.status = ImportStatus.VALIDATED
    record.total_rows, record.error_rows = check.total_rows, check.error_rows
    record.error_report_path, record.summary = report, check.summary()
    record.save(update_fields=["status", "total_rows", "error_rows", "error_report_path", "summary", "updated_at"])
    set_progress(100, "Đã kiểm tra xong")
    return record


def registry_import_request_commit(*, actor: User, import_id: int, valid_only: bool) -> tuple[RegistryImport, bool]:
    """Claim the import for committing (a second click, or a second user, gets a clear refusal)."""
    with transaction.atomic():
        record = RegistryImport.objects.select_for_update().get(pk=import_id)
        if record.created_by_id != actor.pk:
            raise PermissionDenied("Chỉ người tải tệp lên mới được ghi tệp này.")
        if record.status != ImportStatus.VALIDATED:
            raise ConcurrentChange(f"Tệp đang ở trạng thái «{record.get_status_display()}»; không ghi lại lần nữa.")
        if record.error_rows and not valid_only:
            raise DomainError(f"Tệp còn {vn_number(record.error_rows)} dòng lỗi: sửa tệp và tải lại, "
                              "hoặc đánh dấu «chỉ ghi các dòng hợp lệ».")
        if RegistryImport.objects.filter(file_sha256=record.file_sha256, status=ImportStatus.COMMITTED).exists():
            raise DomainError("Một tệp giống hệt đã được ghi vào CSDL.")
        record.status, record.valid_only = ImportStatus.QUEUED, valid_only
        record.save(update_fields=["status", "valid_only", "updated_at"])
        audit_record(actor=actor, action="registry_import_commit_request", obj=record,
                     summary=f"Yêu cầu ghi tệp {record.file_name}" + (" (chỉ dòng hợp lệ)" if valid_only else ""))
    _progress_setter(import_id)(0, "Chờ ghi")
    return record, Path(record.stored_path).stat().st_size <= INLINE_LIMIT_BYTES


def registry_import_commit(*, import_id: int) -> RegistryImport:
    """Re-check the file and write it, all in one transaction."""
    record = RegistryImport.objects.select_related("area", "created_by").get(pk=import_id)
    set_progress = _progress_setter(import_id)
    RegistryImport.objects.filter(pk=import_id).update(status=ImportStatus.COMMITTING)
    try:
        check = registry_file_check(path=Path(record.stored_path), area=record.area,
                                    progress=lambda p, label: set_progress(p // 3, label))
        with transaction.atomic():
            result = registry_rows_commit(check=check, valid_only=record.valid_only,
                                          progress=lambda p, label: set_progress(33 + p * 2 // 3, label))
            record.status = ImportStatus.COMMITTED
            record.households_created, record.persons_created = result.households, result.persons
            record.error_rows, record.total_rows = check.error_rows, check.total_rows
            record.message = (f"Đã ghi {vn_number(result.households)} hộ, {vn_number(result.persons)} nhân khẩu."
                              + (f" Bỏ qua {vn_number(check.error_rows)} dòng lỗi." if check.error_rows else ""))
            record.save(update_fields=["status", "households_created", "persons_created", "error_rows",
                                       "total_rows", "message", "updated_at"])
            audit_record(actor=record.created_by, action="registry_import_commit", obj=record, summary=record.message,
                         details={"households": result.households, "persons": result.persons})
    except (DomainError, ImportFileError) as err:
        RegistryImport.objects.filter(pk=import_id).update(status=ImportStatus.VALIDATED, message=str(err))
        set_progress(100, "Chưa ghi")
        record.refresh_from_db()
        return record
    except Exception:
        RegistryImport.objects.filter(pk=import_id).update(
            status=ImportStatus.VALIDATED, message="Ghi bị gián đoạn; không có dữ liệu nào được ghi. Hãy thử lại.")
        set_progress(100, "Bị gián đoạn")
        raise
    set_progress(100, "Đã ghi xong")
    return record


def registry_import_cancel(*, actor: User, import_id: int) -> RegistryImport:
    with transaction.atomic():
        record = RegistryImport.objects.select_for_update().get(pk=import_id)
        if record.created_by_id != actor.pk:
            raise PermissionDenied("Chỉ người tải tệp lên mới được huỷ.")
        if record.status not in (ImportStatus.VALIDATED, ImportStatus.FAILED):
            raise ConcurrentChange(f"Không huỷ được tệp đang ở trạng thái «{record.get_status_display()}».")
        record.status = ImportStatus.CANCELLED
        record.save(update_fields=["status", "updated_at"])
    return record
