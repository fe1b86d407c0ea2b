"""/quan-tri/ in Chromium: the administrator signs in on the admin's own page and reads the index, the users'
change list, the failed-login lock (django-axes) and the background tasks (django-tasks) in Vietnamese, in the
project's colours. Screenshots under tests/_screenshots/ (gitignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"
ENGLISH = ("Django", "Axes", "Access attempt", "Access log", "Access failure", "Task Result", "Tasks Database",
           "Show counts", "Attempt Time", "User Agent", "IP Address", "Task name", "Username", "Welcome", "Log out")


def test_the_administration_reads_vietnamese(page, registry_world):
    from playwright.sync_api import expect

    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.matching.tasks import match_run_task

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    User.objects.create_superuser(username="quantri_b", password=registry_world["password"],
                                  role=Role.ADMINISTRATOR, area=province, last_name="Quản trị", first_name="Hà")
    match_run_task.enqueue(424242)  # one waiting task for the tasks page
    base = registry_world["url"]
    page.goto(f"{base}/quan-tri/login/?next=/quan-tri/")
    page.fill("#id_username", "xa_a")  # a wrong password first: the lock counter has a row
    page.fill("#id_password", "sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.fill("#id_username", "quantri_b")
    page.fill("#id_password", registry_world["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Quản trị hệ thống")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    header = page.locator("#header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(13, 110, 253)"  # Bootstrap's primary
    for path, name, heading in (
        ("/quan-tri/", "index", "Bảo vệ đăng nhập (khoá khi nhập sai mật khẩu)"),
        ("/quan-tri/accounts/user/", "users", "Chọn người dùng để thay đổi"),
        ("/quan-tri/axes/accessattempt/", "axes", "Chọn lần đăng nhập sai đang tính để thay đổi"),
        ("/quan-tri/axes/accessfailurelog/", "axes-failures", "Chọn lần đăng nhập không thành công để thay đổi"),
        ("/quan-tri/django_tasks_database/dbtaskresult/", "tasks", "Chọn tác vụ chạy nền để xem"),
    ):
        page.goto(base + path)
        expect(page.locator("#content")).to_contain_text(heading)
        text = page.inner_text("body")
        assert [word for word in ENGLISH if word in text] == [], path
        assert "Quản trị ansinh" in page.title()
        page.screenshot(path=str(SHOTS / f"admin-{name}.png"), full_page=True)
        if name == "axes":
            expect(page.locator("#result_list")).to_contain_text("xa_a")
            expect(page.locator("#result_list")).to_contain_text("Địa chỉ IP")  # the columns, named
    expect(page.locator("#result_list")).to_contain_text("Chạy ghép trùng nhân khẩu")
