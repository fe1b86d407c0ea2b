"""The OCR of a stored scan, run by the background worker (``dossiers.tasks.ocr_task``).

Claim (PENDING → RUNNING, or a RUNNING claim older than 30 minutes whose worker died) → every page rendered and
read, the progress written after each page → one transaction writes the pages and DONE (or NO_TEXT when no page
has a word). Anything that goes wrong marks the version FAILED with its reason in Vietnamese and writes no page:
the worker never stays stuck on a scan, and the next task runs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import UserError
from ansinh.core.text import fold
from ansinh.dossiers.checks import page_images
from ansinh.dossiers.models import DocumentPage, DocumentVersion, OcrStatus
from ansinh.dossiers.ocr import read_page
from ansinh.dossiers.services.dossiers import dossier_status_refresh

logger = logging.getLogger(__name__)
STALE_CLAIM = dt.timedelta(minutes=30)
PageReader = Callable[[object], tuple[str, float | None]]


@transaction.atomic(durable=True)
def _claim(version_id: int) -> DocumentVersion | None:
    version = DocumentVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        return None
    stale = (version.ocr_status == OcrStatus.RUNNING and version.ocr_started_at is not None
             and timezone.now() - version.ocr_started_at > STALE_CLAIM)
    if version.ocr_status != OcrStatus.PENDING and not stale:
        return None  # done, failed, or another worker at it
    version.ocr_status, version.ocr_pages_done, version.ocr_message = OcrStatus.RUNNING, 0, ""
    version.ocr_started_at, version.ocr_finished_at = timezone.now(), None
    version.save(update_fields=["ocr_status", "ocr_pages_done", "ocr_message", "ocr_started_at", "ocr_finished_at"])
    return version


@transaction.atomic(durable=True)
def _finish(version: DocumentVersion, pages: list[tuple[int, str, float | None]]) -> DocumentVersion:
    locked = DocumentVersion.objects.select_for_update().select_related("document__dossier").get(pk=version.pk)
    if locked.ocr_status != OcrStatus.RUNNING:
        return locked
    DocumentPage.objects.filter(version=locked).delete()
    dossier = locked.document.dossier
    DocumentPage.objects.bulk_create([DocumentPage(version=locked, dossier=dossier, commune_id=dossier.commune_id,
                                                   is_current=locked.is_current, number=n, text=text,
                                                   search_key=fold(text), confidence=conf)
                                      for n, text, conf in pages])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        DocumentPage.objects.filter(version=locked).update(search_vector=SearchVector("search_key", config="simple"))
    words = sum(len(text.split()) for _, text, _ in pages)
    locked.ocr_status = OcrStatus.DONE if words else OcrStatus.NO_TEXT
    locked.ocr_pages_done, locked.ocr_finished_at = len(pages), timezone.now()
    locked.ocr_message = (f"Đã nhận dạng {len(pages)} trang, {words} từ." if words else
                          "Không nhận dạng được chữ nào: ảnh trắng, ảnh chụp không có chữ hoặc bản quét quá mờ. "
                          "Kiểm tra lại bản quét.")
    locked.save(update_fields=["ocr_status", "ocr_pages_done", "ocr_finished_at", "ocr_message"])
    dossier_status_refresh(locked.document.dossier_id)
    audit_record(actor=None, action="dossiers.ocr_done", obj=locked, summary=f"{locked}: {locked.ocr_message}")
    return locked


@transaction.atomic(durable=True)
def _fail(version_id: int, reason: str) -> None:
    locked = DocumentVersion.objects.select_for_update().select_related("document__dossier").get(pk=version_id)
    locked.ocr_status, locked.ocr_message, locked.ocr_finished_at = OcrStatus.FAILED, reason[:500], timezone.now()
    locked.save(update_fields=["ocr_status", "ocr_message", "ocr_finished_at"])
    dossier_status_refresh(locked.document.dossier_id)
    audit_record(actor=None, action="dossiers.ocr_failed", obj=locked, summary=f"{locked}: {reason}"[:500])


def ocr_run(*, version_id: int, reader: PageReader = read_page) -> DocumentVersion | None:
    """Read every page of the version; see the module's docstring. Returns the version as left."""
    version = _claim(version_id)
    if version is None:
        return DocumentVersion.objects.filter(pk=version_id).first()
    page_no = 0
    try:
        with version.stored_file.open("rb") as handle:
            data = handle.read()
        pages = []
        for page_no, image in enumerate(page_images(data, version.file_format), start=1):
            text, confidence = reader(image)
            pages.append((page_no, text, confidence))
            DocumentVersion.objects.filter(pk=version.pk).update(ocr_pages_done=min(page_no, version.page_count))
        return _finish(version, pages)
    except UserError as err:
        where = f"Trang {page_no}: " if page_no else ""
        _fail(version.pk, where + err.message)
    except FileNotFoundError:
        _fail(version.pk, "Không tìm thấy tệp đã lưu của bản quét: báo quản trị hệ thống (kiểm tra thư mục lưu trữ).")
    except Exception as err:  # a broken page, a library error: the scan fails with its reason, the worker goes on
        logger.exception("OCR of version %s failed", version.pk)
        where = f" ở trang {page_no}" if page_no else ""
        _fail(version.pk, f"Không nhận dạng được bản quét{where} ({type(err).__name__}: {str(err)[:200]}).")
    return DocumentVersion.objects.get(pk=version.pk)
