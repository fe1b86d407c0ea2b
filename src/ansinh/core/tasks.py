"""Background entry points of the shared import lifecycle: thin wrappers that call its services."""

from __future__ import annotations

from django_tasks import task

from ansinh.core import imports


def _record(kind_code: str, record_id: int):
    return imports.KINDS[kind_code].model._default_manager.get(pk=record_id)


@task()
def import_check_task(kind_code: str, record_id: int) -> None:
    imports.import_check(record=_record(kind_code, record_id))


@task()
def import_commit_task(kind_code: str, record_id: int) -> None:
    imports.import_commit(record=_record(kind_code, record_id))
