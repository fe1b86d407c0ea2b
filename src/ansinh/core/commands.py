"""What every ``ansinh import-…`` command shares: who acts (``--user``), the run through the shared
lifecycle, the printed summary, the error report next to the file, and the exit codes
(0 every row valid — written with ``--commit``; 1 rows with errors or nothing written; 2 the file cannot
be read, or the user may not import it)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import ImportKind, import_run
from ansinh.core.models import ImportStatus

EXIT_OK, EXIT_ROWS, EXIT_FILE = 0, 1, 2


def command_user(username: str):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.select_related("area").get(username=username, is_active=True)
    except get_user_model().DoesNotExist as err:
        raise CommandError(f"Không có người dùng «{username}» (hoặc tài khoản đã bị khoá).") from err


def run_import_command(command: BaseCommand, *, kind: ImportKind, username: str, file: str, commit: bool,
                       valid_only: bool, target: Mapping[str, Any] | None = None) -> None:
    """Run one file through the lifecycle as ``username`` and exit with the documented code."""
    actor = command_user(username)
    path = Path(file)
    if not path.is_file():
        command.stderr.write(f"Không tìm thấy tệp {path}.")
        sys.exit(EXIT_FILE)
    try:
        run = import_run(kind=kind, actor=actor, file=path, file_name=path.name, target=target,
                         commit=commit, valid_only=valid_only)
    except DomainError as err:  # not allowed, or the same file already written
        command.stderr.write(f"Không nhập được tệp {path.name}: {err}")
        sys.exit(EXIT_FILE)
    record = run.record
    if record.status == ImportStatus.FAILED:
        command.stderr.write(f"Không nhập được tệp {path.name}: {record.message}")
        sys.exit(EXIT_FILE)
    summary = record.summary or {}
    command.stdout.write(f"Tệp {path.name}: trang «{summary.get('sheet', '')}», dòng tiêu đề số "
                         f"{summary.get('header_row', '')}, {vn_number(record.total_rows)} dòng.")
    command.stdout.write("Cột nhận ra: " + ", ".join(summary.get("recognised", {}).values()))
    if summary.get("ignored"):
        command.stdout.write("Cột bỏ qua: " + ", ".join(summary["ignored"]))
    for line in (*summary.get("messages", []), *summary.get("blocking", [])):
        command.stdout.write(line)
    for label, value, _testid in kind.figures(record):
        command.stdout.write(f"{label}: {value}")
    command.stdout.write(f"Dòng hợp lệ: {vn_number(record.valid_rows)}; dòng lỗi: {vn_number(record.error_rows)}.")
    if record.error_report:
        report = path.with_name(f"{path.stem}_loi.xlsx")
        with record.error_report.open("rb") as source, report.open("wb") as target_file:
            shutil.copyfileobj(source, target_file)
        command.stdout.write(f"Báo cáo lỗi: {report}")
    if commit or valid_only:
        command.stdout.write(record.message if run.committed else f"Chưa ghi: {record.message}")
    command.stdout.write(f"Mã lần nhập: {record.pk} (người thực hiện: {actor.username}).")
    if record.error_rows or summary.get("blocking") or ((commit or valid_only) and not run.committed):
        sys.exit(EXIT_ROWS)
    sys.exit(EXIT_OK)
