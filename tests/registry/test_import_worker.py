"""A large file goes to the real background worker (django-tasks database backend, `db_worker`)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ansinh.core import imports
from ansinh.core.models import ImportStatus
from ansinh.registry.models import Household, Person, RegistryImport
from fixtures.registry_files import row, write_xlsx

# The worker opens and closes connections itself: a real transaction, not the test-case wrapper.
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    row("HTW001", "Nguyễn Văn Hải", "Nam", "12/03/1970", "Chủ hộ", "042070001357"),
    row("HTW001", "Trần Thị Lan", "Nữ", "1972", "Vợ/chồng"),
    row("HTW002", "Lê Thị Bích", "Nữ", "05/06/1949", "Chủ hộ"),
]


@pytest.fixture(autouse=True)
def database_tasks(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(imports, "INLINE_LIMIT_BYTES", 0)  # every file counts as large


def test_check_and_commit_run_in_the_worker_with_progress(client, officer_a, tmp_path):
    client.force_login(officer_a)
    path = write_xlsx(tmp_path / "lon.xlsx", ROWS)
    response = client.post(reverse("registry:import_upload"),
                           {"file": SimpleUploadedFile("lon.xlsx", path.read_bytes())})
    record = RegistryImport.objects.get()
    assert response.status_code == 302 and record.status == ImportStatus.CHECKING
    page = client.get(reverse("registry:import_detail", args=[record.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page  # the page polls while the worker checks

    call_command("db_worker", "--batch", "--no-startup-delay")
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED and record.error_rows == 0
    assert imports.progress_get(record) == (100, "Đã kiểm tra xong")

    client.post(reverse("registry:import_commit", args=[record.pk]), {"action": "commit"})
    record.refresh_from_db()
    assert record.status == ImportStatus.QUEUED and not Household.objects.filter(code="HTW001").exists()

    call_command("db_worker", "--batch", "--no-startup-delay")
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert Person.objects.filter(household__code__in=["HTW001", "HTW002"]).count() == 3
    page = client.get(reverse("registry:import_detail", args=[record.pk])).content.decode()
    assert "Đã ghi 2 hộ, 3 nhân khẩu." in page
