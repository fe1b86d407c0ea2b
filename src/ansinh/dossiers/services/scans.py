"""Scans: stored through Django's storage with their SHA-256, checked by content, never overwritten (a
replacement is a new version), read by Tesseract in the background worker.

A file is written to the storage before its row; if the transaction does not commit, the file is removed, so
nothing is left half written: ``files_removed_unless_committed`` (one helper for the single scans and the campaign's
zip, ``dossiers.imports``) is entered outside the outermost transaction, so that a failure of the commit itself —
after every scan was stored — removes them too. A scan already in the archive (same SHA-256) is refused, by the service and by the
database's unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.text import clean_name
from ansinh.dossiers.checks import ScanInfo, inspect_scan
from ansinh.dossiers.models import Document, DocumentPage, DocumentVersion, Dossier, OcrStatus
from ansinh.dossiers.permissions import require_keeper
from ansinh.dossiers.services.dossiers import dossier_status_refresh


@dataclass
class StoredFiles:
    """The names of the files a write put in the storage, to be removed if what points at them is not committed."""

    names: list[str] = field(default_factory=list)

    def remove(self) -> None:
        for name in self.names:
            default_storage.delete(name)
        self.names.clear()


_ACTIVE: ContextVar[StoredFiles | None] = ContextVar("dossiers_stored_files", default=None)


@contextmanager
def files_removed_unless_committed() -> Iterator[StoredFiles]:
    """Enter it *outside* the transaction that writes the rows (around its outermost ``atomic`` block): the files
    stored inside are deleted from the storage when the block raises — the writes failing, or the commit itself —
    so no file is left that no committed row points at. Inside, ``stored_files()`` is the tracker."""
    stored = StoredFiles()
    token = _ACTIVE.set(stored)
    try:
        yield stored
    except BaseException:
        stored.remove()
        raise
    finally:
        _ACTIVE.reset(token)


def stored_files() -> StoredFiles:
    """The tracker of the enclosing ``files_removed_unless_committed`` (a write of scans outside one is a bug)."""
    stored = _ACTIVE.get()
    if stored is None:
        raise RuntimeError("scans are stored only inside files_removed_unless_committed()")
    return stored


def duplicate_message(*, actor, digest: str, display_name: str) -> str | None:
    """Why ``digest`` cannot enter the archive again (it is already a version), or None."""
    other = (DocumentVersion.objects.select_related("document__dossier", "uploaded_by")
             .filter(sha256=digest).first())
    if other is None:
        return None
    dossier = other.document.dossier
    where = (f"hồ sơ {dossier.number}, tài liệu «{other.document.title}», lần quét {other.number}"
             if user_covers_commune(actor, dossier.commune_id) else "một hồ sơ ngoài địa bàn của bạn")
    return (f"Bản quét «{display_name}» (mã kiểm tra {digest[:12]}…) đã có trong {where}, tải lên ngày "
            f"{timezone.localtime(other.uploaded_at):%d/%m/%Y} bởi {other.uploaded_by}. Không lưu hai lần cùng một "
            "bản quét.")


def _size(file) -> int | None:
    return getattr(file, "size", None)


def version_write(*, actor, document: Document, handle: BinaryIO, display_name: str, info: ScanInfo,
                  stored: StoredFiles, note: str = "") -> DocumentVersion:
    """Inside the caller's transaction, with the document's row locked: store the file, add the next version,
    queue its OCR once the transaction commits."""
    if message := duplicate_message(actor=actor, digest=info.sha256, display_name=display_name):
        raise DomainError(message)
    number = (DocumentVersion.objects.filter(document=document).aggregate(top=Max("number"))["top"] or 0) + 1
    version = DocumentVersion(document=document, number=number, file_name=(display_name or "tep")[:255],
                              file_format=info.file_format, size=info.size, sha256=info.sha256,
                              page_count=info.page_count, uploaded_by=actor, note=clean_name(note)[:300])
    DocumentVersion.objects.filter(document=document, is_current=True).update(is_current=False)
    DocumentPage.objects.filter(version__document=document, is_current=True).update(is_current=False)
    handle.seek(0)
    version.stored_file.save("scan", File(handle), save=False)
    stored.names.append(version.stored_file.name)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as err:  # the same scan saved a moment ago by someone else
        raise ConcurrentChange(f"Bản quét «{display_name}» vừa được lưu bởi người khác (cùng mã kiểm tra).") from err
    transaction.on_commit(lambda: _enqueue_ocr(version.pk))
    return version


def _enqueue_ocr(version_id: int) -> None:
    from ansinh.dossiers.tasks import ocr_task

    ocr_task.enqueue(version_id)


def _inspect(file, display_name: str) -> ScanInfo:
    handle = file.open("rb") if hasattr(file, "open") and not hasattr(file, "read") else file
    return inspect_scan(handle, size=_size(file), display_name=display_name)


def scan_add(*, actor, dossier: Dossier, title: str, file, file_name: str, note: str = "") -> DocumentVersion:
    """A new document of the dossier with its first scan."""
    require_keeper(actor, dossier.commune_id)
    display = (file_name or getattr(file, "name", "") or "tep").rsplit("/", 1)[-1][:255]
    info = _inspect(file, display)  # before anything is stored: a refused file leaves nothing behind
    clean_title = clean_name(title or "")[:200]
    if not clean_title:
        raise DomainError("Ghi tên tài liệu (ví dụ: Quyết định trợ cấp, Giấy chứng nhận thương binh).", field="title")

    @transaction.atomic(durable=True)
    def write(stored: StoredFiles) -> DocumentVersion:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        document = Document.objects.create(dossier=locked, title=clean_title)
        version = version_write(actor=actor, document=document, handle=file, display_name=display, info=info,
                                stored=stored, note=note)
        dossier_status_refresh(locked.pk)
        audit_record(actor=actor, action="dossiers.scan_add", obj=version,
                     summary=f"Hồ sơ {locked.number}: thêm tài liệu «{clean_title}» ({info.page_count} trang)",
                     details={"sha256": info.sha256, "file": display})
        return version

    with files_removed_unless_committed() as stored:
        return write(stored)


def scan_replace(*, actor, document: Document, file, file_name: str, note: str = "") -> DocumentVersion:
    """A new scan of the document; the earlier versions are kept. Two users replacing at once get two versions,
    one after the other (the document's row is locked while the number is taken)."""
    require_keeper(actor, document.dossier.commune_id)
    display = (file_name or getattr(file, "name", "") or "tep").rsplit("/", 1)[-1][:255]
    info = _inspect(file, display)

    @transaction.atomic(durable=True)
    def write(stored: StoredFiles) -> DocumentVersion:
        locked = Document.objects.select_for_update().select_related("dossier").get(pk=document.pk)
        version = version_write(actor=actor, document=locked, handle=file, display_name=display, info=info,
                                stored=stored, note=note)
        dossier = locked.dossier
        if dossier.status == "checked":  # a new scan must be checked again
            Dossier.objects.filter(pk=dossier.pk).update(status="scanned", checked_by=None, checked_at=None)
        dossier_status_refresh(dossier.pk)
        audit_record(actor=actor, action="dossiers.scan_replace", obj=version,
                     summary=f"Hồ sơ {dossier.number}: quét lại «{locked.title}» (lần {version.number})",
                     details={"sha256": info.sha256, "file": display})
        return version

    with files_removed_unless_committed() as stored:
        return write(stored)


@transaction.atomic(durable=True)
def ocr_retry(*, actor, version: DocumentVersion) -> DocumentVersion:
    """Read a failed scan again (after Tesseract was repaired, for example)."""
    require_keeper(actor, version.document.dossier.commune_id)
    locked = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if locked.ocr_status != OcrStatus.FAILED:
        raise DomainError(f"Bản quét đang ở trạng thái «{locked.get_ocr_status_display()}»: chỉ nhận dạng lại bản lỗi.")
    locked.ocr_status, locked.ocr_pages_done, locked.ocr_message = OcrStatus.PENDING, 0, ""
    locked.save(update_fields=["ocr_status", "ocr_pages_done", "ocr_message"])
    audit_record(actor=actor, action="dossiers.ocr_retry", obj=locked, summary=f"Nhận dạng lại «{locked}»")
    transaction.on_commit(lambda: _enqueue_ocr(locked.pk))
    return locked
