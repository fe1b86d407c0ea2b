"""Background entry points: thin wrappers that call the import services."""

from __future__ import annotations

from django_tasks import task

from ansinh.registry import import_services


@task()
def registry_import_check_task(import_id: int) -> None:
    import_services.registry_import_check(import_id=import_id)


@task()
def registry_import_commit_task(import_id: int) -> None:
    import_services.registry_import_commit(import_id=import_id)
