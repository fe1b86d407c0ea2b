"""The access log of personal data given out through the API: written with each call, searched on its page."""

from __future__ import annotations

import pytest
from django.test import Client

from ansinh.accounts.models import Role
from ansinh.api.models import ApiDisclosure
from api.conftest import by_id, envelope
from programmes import factories as f

pytestmark = pytest.mark.django_db


def test_each_person_given_out_is_logged_and_found_by_identity_number_on_the_page(api, clients, people, province,
                                                                                 admin_user, officer_a):
    client, key = clients["tinh"]
    body = envelope(by_id("UIN", people["a1"].pid))
    body["message"]["search_request"][0]["authorize"] = {"purpose": {"text": "Đối chiếu hồ sơ BHYT"}}
    api.call(key, "POST", "/registry/sync/search", body)
    api.call(key, "GET", f"/registry/households/{people['hh_b'].pk}")
    assert sorted(ApiDisclosure.objects.values_list("person_id", flat=True)) == sorted(
        [people["a1"].pk, people["b1"].pk, people["b2"].pk])
    page = Client()
    page.force_login(f.user("thanhtra_log", Role.INSPECTOR, province))
    found = page.post("/ket-noi/nhat-ky-truy-cap/", {"identity": people["a1"].pid})
    text = found.content.decode()
    assert found.status_code == 200
    assert "Đối chiếu hồ sơ BHYT" in text and client.name in text and "Tìm nhân khẩu" in text
    assert "Lê Thị Nghèo" not in text  # only the person asked about
    everyone = page.get("/ket-noi/nhat-ky-truy-cap/", {"client": client.pk}).content.decode()
    assert "Lê Thị Nghèo" in everyone and "Xem một hộ" in everyone
    unknown = page.post("/ket-noi/nhat-ky-truy-cap/", {"identity": "0420"}).content.decode()
    assert "Không tìm thấy người có số này" in unknown and "Tìm nhân khẩu" not in unknown
    bad_date = page.get("/ket-noi/nhat-ky-truy-cap/", {"since": "31/02/2026"}).content.decode()
    assert "không đúng dạng" in bad_date
    officer = Client()
    officer.force_login(officer_a)
    assert officer.get("/ket-noi/nhat-ky-truy-cap/").status_code == 403
