"""Background entry points: thin wrappers that call the matching services."""

from __future__ import annotations

from django_tasks import task

from ansinh.matching import services


@task()
def match_run_task(run_id: int) -> None:
    services.match_run_execute(run_id=run_id)


@task()
def file_match_task(file_match_id: int) -> None:
    services.file_match_execute(file_match_id=file_match_id)
