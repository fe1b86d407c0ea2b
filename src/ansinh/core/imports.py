"""The shared import lifecycle: store → digest check → check → report → commit (all or valid only) → audit.

Every file that enters ansinh goes through these services — the registry import, the standing
registers, the commune lists (Mẫu 01–04), the payment agent's results, match-file, and every later
app. A domain supplies only an ``ImportKind``: its concrete ``ImportRecord`` model, who may import, how
to read and check the file (``parse`` + ``verify``), what to lock while committing, and how to write.

    upload (page or command) ─ import_receive ─► CHECKING ─ import_check ─► CHECKED ─ import_commit_request ─► QUEUED
                                                    │                        │ (or FAILED)                         │
                                                    └─ worker for big files  └─ import_cancel ─► CANCELLED          ▼
                                                                                      COMMITTED ◄─ import_commit (locks, re-checks, writes)

- The file is stored through Django's storage (``MEDIA_ROOT/imports/<model>/<yyyy>/<mm>/<random>``); the
  user's own file name is kept for messages and reports, never used as a path.
- A file already committed for the same target (same SHA-256, same ``duplicate_scope``) is refused
  before anything is checked, and again under the lock at commit; a partial unique constraint on the
  concrete model makes the doubled state impossible even for a future bug.
- The check runs once per upload; its summary (counts, columns understood, the first error rows) and the
  error report are stored on the record, so pages never re-run it.
- The commit takes the kind's lock, re-checks under it (the database may have changed since the check —
  another file committed, a person registered), refuses while errors remain unless «valid only» was
  chosen, refuses a file with no valid row, writes in one transaction and leaves one audit row.
- Only the uploader commits or cancels; a command is a user action too (``--user``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied, UserError
from ansinh.core.formatting import vn_number
from ansinh.core.models import ImportRecord, ImportStatus
from ansinh.core.tabular import (
    ERRORS,
    ROW,
    RawTable,
    Schema,
    file_sha256,
    has_errors,
    write_error_report,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
ERROR_PREVIEW_ROWS = 200
WARNINGS = "_warnings"  # optional list[str] column: rows that may be written once the importer confirms them
INLINE_LIMIT_BYTES = 1_000_000  # about 5.000 rows: beyond that, the background worker checks and commits
STALE_CLAIM = dt.timedelta(minutes=30)
MAX_IMPORT_BYTES = 200 * 1024 * 1024  # a province's registry (1,3 M people) as .csv is about 150 MB  # a claim this old with no writer at work may be taken back


def _noop(_percent: int, _label: str) -> None:
    return None


@dataclass
class CheckOutcome:
    """What a kind's check found: the raw table, the rows with ``_errors``, and what the user should see."""

    raw: RawTable
    rows: pl.DataFrame
    figures: dict[str, Any] = field(default_factory=dict)  # kind-specific counts (JSON-able): households, amount…
    messages: list[str] = field(default_factory=list)  # notes about the file as a whole
    blocking: list[str] = field(default_factory=list)  # file-level problems: nothing can be written until fixed
    name_column: str = "full_name"
    parsed: pl.DataFrame | None = None  # the rows as parsed from the file, before the database checks

    @property
    def total_rows(self) -> int:
        return self.rows.height

    @property
    def error_rows(self) -> int:
        return self.rows.filter(has_errors()).height

    @property
    def valid(self) -> pl.DataFrame:
        return self.rows.filter(~has_errors())

    @property
    def warning_rows(self) -> int:
        """Valid rows the importer must confirm (``_warnings``: a name that differs from the list…)."""
        if WARNINGS not in self.rows.columns:
            return 0
        return self.rows.filter(~has_errors() & (pl.col(WARNINGS).list.len() > 0)).height

    def warning_preview(self, limit: int = ERROR_PREVIEW_ROWS) -> list[list]:
        if WARNINGS not in self.rows.columns:
            return []
        rows = self.rows.filter(~has_errors() & (pl.col(WARNINGS).list.len() > 0)).head(limit)
        name = pl.col(self.name_column) if self.name_column in rows.columns else pl.lit("")
        return [[r, n or "", w] for r, n, w in rows.select(ROW, name.cast(pl.Utf8).alias("_n"), WARNINGS).iter_rows()]

    def error_preview(self, limit: int = ERROR_PREVIEW_ROWS) -> list[list]:
        bad = self.rows.filter(has_errors()).head(limit)
        name = pl.col(self.name_column) if self.name_column in bad.columns else pl.lit("")
        return [[r, n or "", e] for r, n, e in bad.select(ROW, name.cast(pl.Utf8).alias("_n"), ERRORS).iter_rows()]

    def summary(self) -> dict:
        return {
            "total_rows": self.total_rows, "error_rows": self.error_rows,
            "valid_rows": self.total_rows - self.error_rows,
            "header_row": self.raw.header_row, "sheet": self.raw.sheet_name,
            "recognised": dict(self.raw.recognised), "ignored": list(self.raw.ignored),
            "suspect_columns": list(getattr(self.raw, "suspect_identity_columns", []) or []),
            "messages": list(self.messages), "blocking": list(self.blocking),
            "errors": self.error_preview(), "figures": dict(self.figures),
            "warning_rows": self.warning_rows, "warnings": self.warning_preview(),
        }


@dataclass
class CommitResult:
    written: int
    message: str
    details: dict[str, Any] = field(default_factory=dict)


class ImportKind:
    """One kind of file. Subclass it in the domain app's ``imports.py`` and register it (``register_kind``)."""

    code: ClassVar[str]
    label: ClassVar[str]  # "danh sách hộ, nhân khẩu"
    model: ClassVar[type[ImportRecord]]
    duplicate_scope: ClassVar[tuple[str, ...]] = ()  # fields that, with the digest, make a file "the same file"
    refuse_duplicates: ClassVar[bool] = True
    audit_prefix: ClassVar[str] = "import"

    # --- who may
    def authorize(self, actor, *, record: ImportRecord | None = None, target: Mapping[str, Any]) -> None:
        """Raise ``PermissionDenied`` unless ``actor`` may import into ``target`` (the record's fields)."""
        raise NotImplementedError(f"{type(self).__name__}.authorize")

    # --- reading and checking
    def parse(self, record: ImportRecord, *, progress: Progress) -> tuple[RawTable, pl.DataFrame]:
        """Read the stored file: the raw table and the typed rows with ``_errors`` (no database reads)."""
        raise NotImplementedError(f"{type(self).__name__}.parse")

    def verify(self, record: ImportRecord, raw: RawTable, rows: pl.DataFrame, *, progress: Progress) -> CheckOutcome:
        """The checks that read the database (the registry, the batch, the list…)."""
        return CheckOutcome(raw=raw, rows=rows)

    # --- writing
    def lock(self, record: ImportRecord) -> None:
        """Inside the commit transaction, before the re-check: serialise the commits that could clash."""

    def commit(self, record: ImportRecord, outcome: CheckOutcome, *, actor, progress: Progress) -> CommitResult:
        raise NotImplementedError(f"{type(self).__name__}.commit")

    def commit_scope(self, record: ImportRecord) -> AbstractContextManager:
        """Entered around the whole commit transaction, outside it: what ``commit`` leaves outside the database
        (files in the storage) is undone there when the transaction fails, the commit itself included."""
        return nullcontext()

    def inline(self, record: ImportRecord) -> bool:
        """Check and commit in the request (small files) or in the background worker."""
        return record.stored_file.size <= INLINE_LIMIT_BYTES

    # --- shown to the user
    urls: ClassVar[dict[str, str]] = {}  # url names: detail, commit, report (with the record's pk), again

    def describe_target(self, record: ImportRecord) -> str:
        return self.label

    def schema(self, record: ImportRecord) -> Schema | None:
        """The columns the user may map an unrecognised header to (the column mapping step)."""
        return None

    def figures(self, record: ImportRecord) -> list[tuple[str, Any, str]]:
        """(label, value, test id) lines of the status page, from the stored summary."""
        return []

    def done_link(self, record: ImportRecord) -> tuple[str, str] | None:
        """(label, url) of what the committed file became (a list, a batch…)."""
        return None


KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    KINDS[kind.code] = kind
    kind.model.kind_code = kind.code
    return kind


def kind_of(record_or_code: ImportRecord | str) -> ImportKind:
    code = record_or_code if isinstance(record_or_code, str) else record_or_code.kind_code
    return KINDS[code]


# ---------------------------------------------------------------- progress (shared with the worker)

def progress_key(record: ImportRecord) -> str:
    return f"import-progress-{record._meta.label_lower}-{record.pk}"


def progress_get(record: ImportRecord) -> tuple[int, str]:
    return cache.get(progress_key(record), (0, ""))


def _progress_setter(record: ImportRecord) -> Progress:
    key = progress_key(record)

    def set_progress(percent: int, label: str) -> None:
        cache.set(key, (min(max(int(percent), 0), 100), label), timeout=3600)
    return set_progress


# ---------------------------------------------------------------- the services

def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "quản trị"


def _committed_same(kind: ImportKind, *, digest: str, target: Mapping[str, Any], exclude_pk: int | None = None):
    if not kind.refuse_duplicates:
        return None
    scope = {name: target[name] for name in kind.duplicate_scope}
    qs = kind.model._default_manager.filter(file_sha256=digest, status=ImportStatus.COMMITTED, **scope)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("created_by").first()


def _refusal_same_file(kind: ImportKind, previous: ImportRecord) -> DomainError:
    when = timezone.localtime(previous.committed_at or previous.updated_at)
    return DomainError(f"Tệp này (mã kiểm tra {previous.file_sha256[:12]}…) đã được ghi vào {kind.describe_target(previous)} "
                       f"ngày {when:%d/%m/%Y %H:%M} bởi {_who(previous.created_by)} (tệp «{previous.file_name}», "
                       f"{vn_number(previous.written_rows)} dòng). Không ghi hai lần cùng một tệp.")


@transaction.atomic(durable=True)
def import_receive(*, kind: ImportKind, actor, file, file_name: str, target: Mapping[str, Any] | None = None,
                   column_mapping: Mapping[str, str] | None = None) -> ImportRecord:
    """Store the uploaded (or command-line) file and create its record (status CHECKING).

    ``file``: an ``UploadedFile`` / ``File`` / path. ``target``: the record's own fields (batch, register,
    programme, group, commune…). Refuses a file already committed for the same target."""
    target = dict(target or {})
    kind.authorize(actor, target=target)
    name = Path(str(file_name or getattr(file, "name", "") or "tep")).name[:255] or "tep"
    record = kind.model(file_name=name, created_by=actor, area_id=getattr(actor, "area_id", None),
                        column_mapping=dict(column_mapping or {}), **target)
    django_file = _as_file(file)
    size = getattr(django_file, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise DomainError(f"Tệp «{name}» quá lớn ({size / 1024 / 1024:,.0f} MB, tối đa {MAX_IMPORT_BYTES // 1024 // 1024} MB): "
                          "hãy chia thành nhiều tệp (ví dụ theo xã).".replace(",", "."))
    if size == 0:
        raise DomainError(f"Tệp «{name}» rỗng (0 byte).")
    try:
        record.stored_file.save(name, django_file, save=False)
    finally:
        if isinstance(file, str | Path):
            django_file.close()
    record.file_sha256 = file_sha256(record.stored_file.path)
    previous = _committed_same(kind, digest=record.file_sha256, target=target)
    if previous is not None:
        record.stored_file.delete(save=False)
        raise _refusal_same_file(kind, previous)
    record.save()
    audit_record(actor=actor, action=f"{kind.audit_prefix}.upload", obj=record,
                 summary=f"Tải lên tệp «{name}» ({kind.label})", details={"kind": kind.code, "sha256": record.file_sha256})
    return record


def _as_file(file) -> File:
    if isinstance(file, str | Path):
        path = Path(file)
        if not path.is_file():
            raise DomainError(f"Không tìm thấy tệp «{path}».")
        return File(path.open("rb"), name=path.name)
    if isinstance(file, bytes):
        return ContentFile(file)
    return file if isinstance(file, File) else File(file)


def _run_check(kind: ImportKind, record: ImportRecord, progress: Progress) -> CheckOutcome:
    raw, rows = kind.parse(record, progress=progress)
    outcome = kind.verify(record, raw, rows, progress=progress)
    outcome.parsed = rows
    return outcome


def import_check(*, record: ImportRecord) -> tuple[ImportRecord, CheckOutcome | None]:
    """Read and check the stored file once; store the summary and the error report on the record."""
    kind = kind_of(record)
    set_progress = _progress_setter(record)
    set_progress(1, "Đang đọc tệp")
    try:
        outcome = _run_check(kind, record, set_progress)
    except UserError as err:  # the file cannot be used (unreadable, no header, a parameter missing…)
        record.status, record.message = ImportStatus.FAILED, str(err)
        record.save(update_fields=["status", "message", "updated_at"])
        set_progress(100, "Không đọc được tệp")
        return record, None
    _replace_report(record, outcome)
    record.status = ImportStatus.CHECKED
    record.total_rows, record.error_rows = outcome.total_rows, outcome.error_rows
    record.summary, record.message = outcome.summary(), ""
    record.save(update_fields=["status", "total_rows", "error_rows", "summary", "message", "error_report",
                               "updated_at"])
    set_progress(100, "Đã kiểm tra xong")
    return record, outcome


def _replace_report(record: ImportRecord, outcome: CheckOutcome) -> None:
    """The check's error report, under a new name; a report of an earlier check (before a column mapping) is
    removed from the storage only once the new state is committed — a rolled-back check keeps its report."""
    import tempfile

    previous = record.error_report.name if record.error_report else ""
    if outcome.error_rows:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_error_report(outcome.raw, outcome.rows.select(ROW, ERRORS), Path(tmp) / "bao-cao-loi.xlsx")
            with path.open("rb") as handle:
                record.error_report.save("bao-cao-loi.xlsx", File(handle), save=False)
    else:
        record.error_report = ""
    if previous:
        storage = record.error_report.storage
        transaction.on_commit(lambda: storage.delete(previous))


@transaction.atomic(durable=True)
def import_commit_request(*, actor, record: ImportRecord, valid_only: bool,
                          confirm_warnings: bool = False) -> ImportRecord:
    """Claim the checked file for writing: a second click, or a second user, gets a clear refusal."""
    kind = kind_of(record)
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.created_by_id != actor.pk:
        raise PermissionDenied("Chỉ người tải tệp lên mới được ghi tệp này (nguyên tắc người lập – người duyệt "
                               "vẫn áp dụng cho bước sau).")
    kind.authorize(actor, record=locked, target=_target_of(kind, locked))
    if not (locked.status == ImportStatus.CHECKED or _stale_claim(locked)):
        raise ConcurrentChange(f"Tệp đang ở trạng thái «{locked.get_status_display()}»; không ghi lại lần nữa.")
    _refuse_unwritable(locked, valid_only=valid_only)
    warnings = (locked.summary or {}).get("warning_rows", 0)
    if warnings and not confirm_warnings:
        raise DomainError(f"Có {vn_number(warnings)} dòng cần bạn đối chiếu (xem cột cảnh báo): đánh dấu «Tôi đã đối "
                          "chiếu các dòng cảnh báo» rồi ghi.")
    previous = _committed_same(kind, digest=locked.file_sha256, target=_target_of(kind, locked), exclude_pk=locked.pk)
    if previous is not None:
        raise _refusal_same_file(kind, previous)
    locked.status, locked.valid_only = ImportStatus.QUEUED, valid_only
    locked.save(update_fields=["status", "valid_only", "updated_at"])
    audit_record(actor=actor, action=f"{kind.audit_prefix}.commit_request", obj=locked,
                 summary=f"Yêu cầu ghi tệp «{locked.file_name}»" + (" (chỉ dòng hợp lệ)" if valid_only else ""))
    transaction.on_commit(lambda: _progress_setter(locked)(0, "Chờ ghi"))
    return locked


def _stale_claim(record: ImportRecord) -> bool:
    """A file claimed for writing long ago whose writer died (killed, machine restarted): nothing was written
    (the write is one transaction), so the uploader may claim it again."""
    if record.status != ImportStatus.QUEUED:
        return False
    if cache.get(progress_key(record), (0, ""))[1] == "Đang ghi":
        return False  # a writer is at it right now
    return timezone.now() - record.updated_at > STALE_CLAIM


def _refuse_unwritable(record: ImportRecord, *, valid_only: bool) -> None:
    blocking = (record.summary or {}).get("blocking") or []
    if blocking:
        raise DomainError("Chưa ghi được: " + " ".join(blocking))
    if record.error_rows and not valid_only:
        raise DomainError(f"Tệp còn {vn_number(record.error_rows)} dòng lỗi: sửa tệp rồi tải lại, hoặc chọn "
                          "«chỉ ghi các dòng hợp lệ».")
    if record.total_rows - record.error_rows <= 0:
        raise DomainError("Tệp không có dòng hợp lệ nào để ghi." if record.total_rows
                          else "Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề).")


def _target_of(kind: ImportKind, record: ImportRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in kind.duplicate_scope}


def import_commit(*, record: ImportRecord, outcome: CheckOutcome | None = None) -> ImportRecord:
    """Write a claimed (QUEUED) file: lock, re-check under the lock, write, audit — one transaction.

    ``outcome``: the check made a moment ago in the same process (command line, small files), reused
    for the file reading only; the database checks always run again under the lock. The record stays
    QUEUED until the transaction commits: a process killed half-way leaves it QUEUED with nothing written,
    and its uploader can ask again (``import_commit_request`` takes a stale claim back)."""
    kind = kind_of(record)
    set_progress = _progress_setter(record)
    model = type(record)
    try:
        with kind.commit_scope(record):
            record = _commit(kind, model, record.pk, outcome, set_progress)
    except ConcurrentChange as err:  # another writer first (a double click), or the data moved under the lock
        model._default_manager.filter(pk=record.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.CHECKED, message=str(err), updated_at=timezone.now())
        set_progress(100, "Chưa ghi")
        raise
    except UserError as err:
        model._default_manager.filter(pk=record.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.CHECKED, message=str(err), updated_at=timezone.now())
        set_progress(100, "Chưa ghi")
        record.refresh_from_db()
        return record
    except IntegrityError as err:  # a constraint refused a doubled state that slipped past the checks
        logger.warning("import %s #%s refused by the database: %s", kind.code, record.pk, err)
        model._default_manager.filter(pk=record.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.CHECKED, updated_at=timezone.now(),
            message="Cơ sở dữ liệu từ chối ghi vì dữ liệu sẽ bị trùng (có thể một tệp khác vừa được ghi cùng lúc). "
                    "Không có dòng nào được ghi; hãy tải lại trang và kiểm tra lại tệp.")
        set_progress(100, "Chưa ghi")
        record.refresh_from_db()
        return record
    except BaseException:
        model._default_manager.filter(pk=record.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.CHECKED, updated_at=timezone.now(),
            message="Ghi bị gián đoạn; không có dữ liệu nào được ghi. Hãy thử lại.")
        set_progress(100, "Bị gián đoạn")
        raise
    set_progress(100, "Đã ghi xong")
    return record


@transaction.atomic(durable=True)
def _commit(kind: ImportKind, model, pk: int, outcome: CheckOutcome | None, set_progress: Progress) -> ImportRecord:
    record = model._default_manager.select_for_update().select_related("created_by").get(pk=pk)
    if record.status != ImportStatus.QUEUED:  # a second process (or click) got here first
        raise ConcurrentChange(f"Tệp đang ở trạng thái «{record.get_status_display()}»; không ghi lại lần nữa.")
    set_progress(1, "Đang ghi")
    actor = record.created_by
    kind.authorize(actor, record=record, target=_target_of(kind, record))
    kind.lock(record)
    previous = _committed_same(kind, digest=record.file_sha256, target=_target_of(kind, record), exclude_pk=record.pk)
    if previous is not None:
        raise _refusal_same_file(kind, previous)

    def recheck_progress(p: int, label: str) -> None:
        set_progress(p // 3, label)

    if outcome is not None and outcome.parsed is not None:  # the file was read a moment ago: check it again only
        parsed, raw = outcome.parsed, outcome.raw
        outcome = kind.verify(record, raw, parsed, progress=recheck_progress)
        outcome.parsed = parsed
    else:
        outcome = _run_check(kind, record, recheck_progress)
    record.total_rows, record.error_rows = outcome.total_rows, outcome.error_rows
    record.summary = outcome.summary()
    _refuse_unwritable(record, valid_only=record.valid_only)
    result = kind.commit(record, outcome, actor=actor,
                         progress=lambda p, label: set_progress(33 + p * 2 // 3, label))
    record.status, record.written_rows, record.committed_at = ImportStatus.COMMITTED, result.written, timezone.now()
    skipped = f" Bỏ qua {vn_number(outcome.error_rows)} dòng lỗi." if outcome.error_rows else ""
    record.message, record.result = result.message + skipped, result.details
    record.save(update_fields=["status", "written_rows", "committed_at", "message", "result", "total_rows",
                               "error_rows", "summary", "updated_at"])
    audit_record(actor=actor, action=f"{kind.audit_prefix}.commit", obj=record, summary=record.message,
                 details={"kind": kind.code, "file": record.file_name, "sha256": record.file_sha256,
                          "written": result.written, "errors_skipped": outcome.error_rows, **result.details})
    return record


@transaction.atomic(durable=True)
def import_cancel(*, actor, record: ImportRecord) -> ImportRecord:
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.created_by_id != actor.pk:
        raise PermissionDenied("Chỉ người tải tệp lên mới được huỷ.")
    if not (locked.status in (ImportStatus.CHECKED, ImportStatus.FAILED) or _stale_claim(locked)):
        raise ConcurrentChange(f"Không huỷ được tệp đang ở trạng thái «{locked.get_status_display()}».")
    locked.status = ImportStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"{kind_of(locked).audit_prefix}.cancel", obj=locked,
                 summary=f"Huỷ tệp «{locked.file_name}»; không có dữ liệu nào được ghi")
    return locked


@transaction.atomic(durable=True)
def import_remap(*, actor, record: ImportRecord, mapping: Mapping[str, str]) -> ImportRecord:
    """The column mapping step: the uploader says which field an unrecognised column is (or "" to ignore it);
    the file is then checked again with that mapping."""
    kind = kind_of(record)
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.created_by_id != actor.pk:
        raise PermissionDenied("Chỉ người tải tệp lên mới được ghép cột.")
    if locked.status not in (ImportStatus.CHECKED, ImportStatus.FAILED):
        raise ConcurrentChange(f"Không ghép cột được khi tệp đang ở trạng thái «{locked.get_status_display()}».")
    schema = kind.schema(locked)
    names = {f.name for f in schema.fields} if schema is not None else set()
    clean = {}
    for header, field_name in mapping.items():
        if field_name and field_name not in names:
            raise DomainError(f"Trường «{field_name}» không có trong mẫu {kind.label}.")
        if field_name and field_name in clean.values():
            raise DomainError("Mỗi trường chỉ ghép với một cột.")
        clean[str(header)[:200]] = field_name
    locked.column_mapping = {**(locked.column_mapping or {}), **clean}
    locked.status, locked.message = ImportStatus.CHECKING, ""
    locked.save(update_fields=["column_mapping", "status", "message", "updated_at"])
    audit_record(actor=actor, action=f"{kind.audit_prefix}.map_columns", obj=locked,
                 summary=f"Ghép cột tệp «{locked.file_name}»", details={"mapping": clean})
    return locked


# ---------------------------------------------------------------- one call for commands and small uploads

@dataclass
class ImportRun:
    record: ImportRecord
    outcome: CheckOutcome | None
    committed: bool


def import_run(*, kind: ImportKind, actor, file, file_name: str = "", target: Mapping[str, Any] | None = None,
               commit: bool = False, valid_only: bool = False, confirm_warnings: bool = False) -> ImportRun:
    """receive → check → (commit): what ``ansinh import-…`` commands and inline uploads do, in one call."""
    record = import_receive(kind=kind, actor=actor, file=file, file_name=file_name, target=target)
    record, outcome = import_check(record=record)
    if not (commit or valid_only) or record.status != ImportStatus.CHECKED:
        return ImportRun(record=record, outcome=outcome, committed=False)
    try:
        record = import_commit_request(actor=actor, record=record, valid_only=valid_only,
                                       confirm_warnings=confirm_warnings)
    except DomainError as err:
        record.message = str(err)
        return ImportRun(record=record, outcome=outcome, committed=False)
    record = import_commit(record=record, outcome=outcome)
    return ImportRun(record=record, outcome=outcome, committed=record.status == ImportStatus.COMMITTED)
