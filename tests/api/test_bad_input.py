"""Bad input and bad keys: always a JSON error with a stable code and a Vietnamese message, never a 500, nothing
written (issue #17 item 7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from ansinh.api.models import ApiClient
from ansinh.api.services import api_client_revoke
from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent
from ansinh.programmes.models import ListUpload
from ansinh.registry.models import Person
from api.conftest import by_id, by_name, envelope, issue

pytestmark = pytest.mark.django_db

SEARCH = "/registry/sync/search"
INJECTIONS = ["' OR 1=1--", "'; DROP TABLE registry_person; --", "<script>alert(1)</script>", "a\u0000b",
              "%00", "${jndi:ldap://x}", "../../etc/passwd", "Nguyễn' UNION SELECT pid FROM registry_person--"]


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"], error
    assert any(ch in error["message"] for ch in "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợíìỉĩịúùủũụứừửữựýỳỷỹỵ"), error["message"]
    return error


def test_malformed_json_wrong_types_and_unknown_fields(api, clients, people):
    _c, key = clients["tinh"]
    _error(api.call(key, "POST", SEARCH, raw=b'{"header": {"message_id": '), 400, "malformed_request")
    _error(api.call(key, "POST", SEARCH, raw=b"\xff\xfe\x00garbage"), 400, "malformed_request")
    _error(api.call(key, "POST", SEARCH, raw=b"[1, 2, 3]"), 422, "invalid_request")
    wrong_type = envelope(by_id("UIN", "042050001234"))
    wrong_type["message"]["search_request"][0]["search_criteria"]["pagination"] = {"page_size": "nhiều"}
    error = _error(api.call(key, "POST", SEARCH, wrong_type), 422, "invalid_request")
    assert error["details"][0]["field"].endswith("pagination.page_size")
    assert error["details"][0]["message"] == "phải là số nguyên"
    unknown = envelope(by_id("UIN", "042050001234"))
    unknown["message"]["search_request"][0]["search_criteria"]["sql"] = "SELECT 1"
    error = _error(api.call(key, "POST", SEARCH, unknown), 422, "invalid_request")
    assert error["details"][0] == {"field": "message.search_request.0.search_criteria.sql", "code": "extra_forbidden",
                                   "message": "trường không được phép"}
    too_many = envelope(*[by_id("UIN", "042050001234")] * 11)
    _error(api.call(key, "POST", SEARCH, too_many), 422, "invalid_request")
    huge_page = envelope(by_id("UIN", "042050001234", page_size=100_000))
    _error(api.call(key, "POST", SEARCH, huge_page), 422, "invalid_request")
    _error(api.call(key, "GET", "/payroll/sheets", {"status": "<x>"}), 422, "invalid_request")
    _error(api.call(key, "GET", "/payroll/sheets", {"cursor": "99999999999999999999999"}), 422, "invalid_request")
    _error(api.call(key, "GET", "/registry/persons/99999999999999999999"), 404, "not_found")


def test_a_10_mb_body_is_refused_before_it_is_read_even_without_a_key(api, clients):
    _c, key = clients["tinh"]
    big = b'{"x": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    _error(api.call(key, "POST", SEARCH, raw=big), 413, "payload_too_large")
    _error(api.call(None, "POST", SEARCH, raw=big), 413, "payload_too_large")
    # a broken 10 MB multipart body (under the 20 MB upload limit) is malformed; over the limit it is too large
    _error(api.call(key, "POST", "/lists/uploads", raw=big, content_type="multipart/form-data; boundary=x"), 400,
           "malformed_request")
    _error(api.call(key, "POST", "/lists/uploads", raw=big * 2 + b"x", content_type="multipart/form-data; boundary=x"),
           413, "payload_too_large")


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_are_data_never_code(api, clients, people, commune_a, value):
    _c, key = clients["tinh"]
    persons = Person.objects.count()
    for body in (envelope(by_id("UIN", value)), envelope(by_id("HOUSEHOLD_ID", value)),
                 envelope(by_name(value, 1950, commune_a.code)), envelope(by_name("nguyen van hung", 1950, value))):
        response = api.call(key, "POST", SEARCH, body)
        assert response.status_code in (200, 422), (value, response.content[:300])
        text = response.content.decode()
        assert "<script>" not in text and "042050001234" not in text
        if response.status_code == 200:
            item = response.json()["message"]["search_response"][0]
            assert item["status"] == "rjct" or item["data"]["reg_records"] == []
    assert Person.objects.count() == persons


def test_no_key_a_wrong_key_an_expired_and_a_revoked_key(api, clients, admin_user, province, people):
    good, key = clients["tinh"]
    _error(api.call(None, "POST", SEARCH, envelope(by_id("UIN", "042050001234"))), 401, "unauthenticated")
    _error(api.call("ansinh_0000000000_nothing", "GET", f"/registry/persons/{people['a1'].pk}"), 401, "unauthenticated")
    _error(api.call(key[:-1] + ("A" if key[-1] != "A" else "B"), "GET", f"/registry/persons/{people['a1'].pk}"), 401,
           "unauthenticated")
    _error(api.call("x" * 5000, "GET", f"/registry/persons/{people['a1'].pk}"), 401, "unauthenticated")
    expired, expired_key = issue(admin_user, "Hệ thống cũ", "provincial_specialist", province, valid_days=1)
    ApiClient.objects.filter(pk=expired.pk).update(created_at=timezone.now() - dt.timedelta(days=2),
                                                   expires_at=timezone.now() - dt.timedelta(minutes=1))
    error = _error(api.call(expired_key, "GET", f"/registry/persons/{people['a1'].pk}"), 401, "key_expired")
    assert "Hệ thống cũ" in error["message"]
    api_client_revoke(actor=admin_user, client=good, reason="Hết hợp đồng kết nối")
    response = api.call(key, "POST", SEARCH, envelope(by_id("UIN", "042050001234")))
    _error(response, 401, "key_revoked")
    assert "Nguyễn Văn Hùng" not in response.content.decode()
    refused = AuditEvent.objects.filter(action="api.call", object_id=str(good.pk)).latest("id")
    assert (refused.details["status"], refused.details["refused"], refused.details["person_ids"]) == (
        401, "key_revoked", [])
    with pytest.raises(DomainError, match="đã bị thu hồi"):
        api_client_revoke(actor=admin_user, client=good, reason="lần hai")


def test_the_rate_limit_answers_429_with_retry_after(api, admin_user, province, people):
    _client, key = issue(admin_user, "Hệ thống thử", "provincial_specialist", province, rate_limit=2)
    path = f"/registry/persons/{people['a1'].pk}"
    assert [api.call(key, "GET", path).status_code for _ in range(2)] == [200, 200]
    response = api.call(key, "GET", path)
    _error(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"


def test_refused_uploads_write_nothing(api, clients, commune_a, provincial, tmp_path):
    from programmes import factories as f

    programme = f.covid_programme(provincial)
    _c, key = clients["xa_a"]
    base = {"programme": programme.code, "group": "4", "commune_code": commune_a.code}
    assert api.call(key, "POST", "/lists/uploads", base, content_type="multipart/form-data").status_code == 422
    with (tmp_path / "rong.xlsx").open("wb") as handle:
        handle.write(b"")
    with (tmp_path / "rong.xlsx").open("rb") as handle:
        response = api.call(key, "POST", "/lists/uploads", {**base, "file": handle}, content_type="multipart/form-data")
    _error(response, 422, "refused")
    (tmp_path / "rac.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with (tmp_path / "rac.xlsx").open("rb") as handle:
        status = api.call(key, "POST", "/lists/uploads", {**base, "file": handle, "extra": "1"},
                          content_type="multipart/form-data")
    _error(status, 422, "invalid_request")
    with (tmp_path / "rac.xlsx").open("rb") as handle:
        status = api.call(key, "POST", "/lists/uploads", {**base, "file": handle}, content_type="multipart/form-data")
    assert status.status_code == 201 and status.json()["status"] == "failed", status.content
    assert ListUpload.objects.filter(status="committed").count() == 0
    assert json.loads(status.content)["message"]


def test_service_accounts_never_sign_in_to_the_pages(clients):
    from django.test import Client

    client, _key = clients["tinh"]
    assert not client.account.has_usable_password()
    assert Client().post("/dang-nhap/", {"username": client.account.username, "password": ""}).status_code == 200
