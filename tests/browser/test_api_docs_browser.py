"""The API documents page in Chromium with the network cut off: every asset comes from the installation."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/hapi_shots")


def test_the_documents_render_offline(live_server, page):
    server = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_this_server(route):
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:  # what a CDN, a font host or Swagger's online validator would be asked: cut off, and noted
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "ansinh API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/v1/registry/sync/search").first.wait_for()
    assert page.locator(".opblock").count() >= 13
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "api_docs.png"), full_page=False)
    page.locator(".opblock-summary-path", has_text="/api/v1/registry/sync/search").first.click()
    page.locator(".opblock-body").first.wait_for()
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "api_docs_search.png"), full_page=False)
    assert outside == []


def test_the_access_log_page_finds_who_was_given_a_person(registry_world, page):
    import json
    import urllib.request

    from ansinh.accounts.models import Role, User
    from ansinh.api.services import api_client_create
    from ansinh.geo.models import AdminUnit, Level, Structure

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    admin = User.objects.create_user(username="quantri_b", password=registry_world["password"],
                                     role=Role.ADMINISTRATOR, area=province, last_name="Quản", first_name="Trị")
    _client, key = api_client_create(actor=admin, name="BHXH tỉnh Hà Tĩnh", role=Role.PROVINCIAL_SPECIALIST,
                                     area=province)
    now = "2026-01-15T09:00:00+07:00"
    body = {"header": {"message_id": "m1", "message_ts": now, "action": "search", "sender_id": "bhxh"},
            "message": {"transaction_id": "t1", "search_request": [{
                "reference_id": "r1", "timestamp": now, "authorize": {"purpose": {"text": "Đối chiếu thẻ BHYT"}},
                "search_criteria": {"query_type": "idtype-value", "query": {"type": "UIN", "value": "042068001234"}}}]}}
    request = urllib.request.Request(f"{registry_world['url']}/api/v1/registry/sync/search",
                                     data=json.dumps(body).encode(), headers={
                                         "Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    page.goto(f"{registry_world['url']}/dang-nhap/")
    page.fill("input[name=username]", "quantri_b")
    page.fill("input[name=password]", registry_world["password"])
    page.click("button[type=submit]")
    page.get_by_role("button", name="Kế hoạch").click()  # the grouped menu
    page.get_by_role("link", name="Nhật ký truy cập dữ liệu cá nhân").click()
    page.fill("input[name=identity]", "042068001234")
    page.get_by_role("button", name="Tra cứu").click()
    table = page.get_by_test_id("access-log")
    assert "BHXH tỉnh Hà Tĩnh" in table.inner_text() and "Đối chiếu thẻ BHYT" in table.inner_text()
    assert "042068001234" not in page.url
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "api_access_log.png"), full_page=True)
