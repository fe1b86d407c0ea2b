"""Background entry points: thin wrappers that call the matching services (files go through core.tasks)."""

from __future__ import annotations

from django_tasks import task

from ansinh.matching import services


@task()
def match_run_task(run_id: int) -> None:
    services.match_run_execute(run_id=run_id)
