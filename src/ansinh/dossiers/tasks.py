"""Background entry points of the dossiers app: thin wrappers that call its services."""

from __future__ import annotations

from django_tasks import task


@task()
def ocr_task(version_id: int) -> None:
    from ansinh.dossiers.services.reading import ocr_run

    ocr_run(version_id=version_id)
