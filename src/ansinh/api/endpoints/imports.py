"""The shared import lifecycle (``core.imports``) for a connected system: the same receive → check → commit as the
upload pages, answered as JSON. Nothing here reads or writes rows: the import kinds do."""

from __future__ import annotations

from ansinh.api import records
from ansinh.api.errors import ApiError
from ansinh.core import imports
from ansinh.core.import_views import start_check, start_commit
from ansinh.core.models import ImportStatus


def receive(*, kind, actor, file, file_name: str, target: dict) -> dict:
    record = imports.import_receive(kind=kind, actor=actor, file=file, file_name=file_name, target=target)
    start_check(record)  # small files now, big ones in the worker (poll the status)
    record.refresh_from_db()
    return records.import_status(record)


def commit(*, actor, record, valid_only: bool, confirm_warnings: bool) -> dict:
    record = imports.import_commit_request(actor=actor, record=record, valid_only=valid_only,
                                           confirm_warnings=confirm_warnings)
    record = start_commit(record)
    record.refresh_from_db()
    if record.status == ImportStatus.CHECKED and record.message:  # turned back under the lock: nothing written
        raise ApiError(409, "conflict", record.message)
    return records.import_status(record)


def cancel(*, actor, record) -> dict:
    return records.import_status(imports.import_cancel(actor=actor, record=record))
