"""/quan-tri/ in Vietnamese: the site's own names, every registered model and the fields a civil servant meets
in Vietnamese (the project's, django-axes', django-tasks'), the project's look; nothing English on the pages."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from ansinh.accounts.models import Role, User

pytestmark = pytest.mark.django_db
ASCII_ALLOWED = {"ID", "id"}  # Django's automatic key
ENGLISH = ("Django", "Axes", "Access attempt", "Access log", "Access failure", "Task Result", "Tasks Database",
           "Show counts", "Attempt Time", "User Agent", "IP Address", "Task name", "run after", "Username",
           "Add ", "Change ", "Groups", "Permissions", "Site administration", "Welcome", "Log out")


@pytest.fixture
def administrator(province, settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser(username="quantri_vn", password="x", role=Role.ADMINISTRATOR, area=province,
                                         last_name="Quản trị", first_name="Viên")


def _visible(page: str) -> str:
    """The text a person reads: no tags, scripts, styles or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_every_registered_model_and_field_has_a_vietnamese_name():
    with translation.override("vi"):
        english = []
        for model in admin.site._registry:
            meta = model._meta
            names = {"model": meta.verbose_name, "models": meta.verbose_name_plural, "app": meta.app_config.verbose_name}
            names |= {f.name: f.verbose_name for f in meta.get_fields() if getattr(f, "concrete", False)}
            english += [f"{meta.label}.{key}={value}" for key, value in names.items()
                        if str(value).isascii() and str(value) not in ASCII_ALLOWED]
    assert english == []


@pytest.mark.parametrize("url", ["admin:index", "admin:accounts_user_changelist", "admin:axes_accessattempt_changelist",
                                 "admin:axes_accesslog_changelist", "admin:axes_accessfailurelog_changelist",
                                 "admin:django_tasks_database_dbtaskresult_changelist",
                                 "admin:matching_matchrun_changelist", "admin:geo_adminunit_changelist",
                                 "admin:core_publicholiday_changelist"])
def test_the_admin_pages_speak_vietnamese(client, administrator, url):
    client.force_login(administrator)
    response = client.get(reverse(url))
    assert response.status_code == 200
    page = response.content.decode()
    text = _visible(page)
    assert "Quản trị ansinh" in text and "web/admin.css" in page  # the project's name and look
    assert [word for word in ENGLISH if word in text] == []


def test_the_user_form_has_the_role_and_no_django_permissions(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[administrator.pk])).content.decode()
    text = _visible(page)
    assert "Phân quyền ansinh" in text and "Vai trò" in text and "Toàn quyền quản trị" in text
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    assert not admin.site.is_registered(Group)


def test_the_tasks_columns_name_the_work_in_vietnamese(client, administrator):
    from ansinh.matching.tasks import match_run_task

    match_run_task.enqueue(987654)
    client.force_login(administrator)
    text = _visible(client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).content.decode())
    assert "Chạy ghép trùng nhân khẩu" in text and "Chờ chạy" in text and "Tác vụ" in text


def test_the_admin_date_boxes_read_and_show_days_as_dd_mm_yyyy(client, administrator):
    """The administration's date fields are written 30/04/2026, as everywhere else in ansinh (Django's own «vi»
    format shows 2026-04-30 and refuses 30/04/2026)."""
    from ansinh.core.models import PublicHoliday

    client.force_login(administrator)
    response = client.post(reverse("admin:core_publicholiday_add"),
                           {"day": "30/04/2026", "name": "Ngày Giải phóng miền Nam", "reference": "BLLĐ 2019, Điều 112"})
    assert response.status_code == 302, _visible(response.content.decode())[:500]
    holiday = PublicHoliday.objects.get()
    assert holiday.day.isoformat() == "2026-04-30"
    page = client.get(reverse("admin:core_publicholiday_change", args=[holiday.pk])).content.decode()
    assert 'value="30/04/2026"' in page
    response = client.post(reverse("admin:core_publicholiday_add"), {"day": "31/02/2026", "name": "Sai"})
    assert response.status_code == 200 and PublicHoliday.objects.count() == 1
    assert "Nhập một ngày hợp lệ" in _visible(response.content.decode()) or "ngày" in _visible(
        response.content.decode()).lower()
