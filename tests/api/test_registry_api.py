"""Registry search, person and household reads through the API, as connected systems of different areas/roles."""

from __future__ import annotations

import pytest

from ansinh.core.models import AuditEvent
from api.conftest import by_id, by_name, envelope, records_of

pytestmark = pytest.mark.django_db


def test_identity_search_finds_the_person_in_the_clients_area_only(api, clients, people):
    _client_a, key_a = clients["xa_a"]
    _client_b, key_b = clients["xa_b"]
    response = api.call(key_a, "POST", "/registry/sync/search", envelope(by_id("UIN", "042050001234")))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["header"]["status"] == "succ" and body["header"]["receiver_id"] == "bhxh-ha-tinh"
    [record] = records_of(response)
    assert record["id"] == people["a1"].pk and record["full_name"] == "Nguyễn Văn Hùng"
    assert {"identifier_type": "UIN", "identifier_value": "042050001234"} in record["identifiers"]
    assert {"identifier_type": "HOUSEHOLD_ID", "identifier_value": "HT18073API01"} in record["identifiers"]
    # the same number asked by commune B's system: nothing (the person is not in its area)
    assert records_of(api.call(key_b, "POST", "/registry/sync/search", envelope(by_id("UIN", "042050001234")))) == []


def test_an_incomplete_number_is_refused_never_searched_as_a_prefix(api, clients, people):
    _c, key = clients["tinh"]
    response = api.call(key, "POST", "/registry/sync/search", envelope(by_id("UIN", "0420500")))
    item = response.json()["message"]["search_response"][0]
    assert (response.status_code, item["status"], item["status_reason_code"]) == (200, "rjct", "invalid_identifier")
    assert "12 chữ số" in item["status_reason_message"]


def test_name_birth_year_and_commune_search_without_diacritics(api, clients, people, commune_a, commune_b):
    _c, key = clients["tinh"]
    found = records_of(api.call(key, "POST", "/registry/sync/search",
                                envelope(by_name("nguyen van hung", 1950, commune_a.code))))
    assert [r["id"] for r in found] == [people["a1"].pk]  # not the namesake of commune B
    found_b = records_of(api.call(key, "POST", "/registry/sync/search",
                                  envelope(by_name("Nguyễn Văn Hùng", "1950", commune_b.code))))
    assert [r["id"] for r in found_b] == [people["b2"].pk]
    assert records_of(api.call(key, "POST", "/registry/sync/search",
                               envelope(by_name("nguyen van hung", 1951, commune_a.code)))) == []


def test_a_commune_outside_the_area_is_refused_with_its_code(api, clients, people, commune_b):
    _c, key = clients["xa_a"]
    item = api.call(key, "POST", "/registry/sync/search",
                    envelope(by_name("nguyen van hung", 1950, commune_b.code))).json()["message"]["search_response"][0]
    assert (item["status"], item["status_reason_code"]) == ("rjct", "commune_not_in_area")


def test_cursor_pagination_walks_every_match_once_and_refuses_a_forged_cursor(api, clients, commune_a):
    import datetime as dt

    from programmes import factories as f

    ids = {f.person(commune_a, "Phạm Thị Hoa", sex="F", birth=dt.date(1970, m, 1)).pk for m in range(1, 8)}
    _c, key = clients["xa_a"]
    seen, cursor, pages = [], None, 0
    while True:
        extra = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        response = api.call(key, "POST", "/registry/sync/search", envelope(by_name("pham thi hoa", 1970, commune_a.code,
                                                                                    **extra)))
        item = response.json()["message"]["search_response"][0]
        seen += [r["id"] for r in item["data"]["reg_records"]]
        pages += 1
        cursor = item["pagination"]["next_cursor"]
        if cursor is None:
            break
    assert (sorted(seen), len(seen), pages) == (sorted(ids), 7, 3)
    forged = api.call(key, "POST", "/registry/sync/search",
                      envelope(by_name("pham thi hoa", 1970, commune_a.code, page_size=3, cursor="abc:def")))
    item = forged.json()["message"]["search_response"][0]
    assert (item["status"], item["status_reason_code"]) == ("rjct", "invalid_cursor")


def test_several_requests_in_one_envelope_are_answered_each_partial_status(api, clients, people):
    _c, key = clients["tinh"]
    body = api.call(key, "POST", "/registry/sync/search",
                    envelope(by_id("UIN", "042050001234"), by_id("CMND", "12"))).json()
    assert body["header"]["status"] == "partial"
    assert body["header"]["total_count"] == 2 and body["header"]["completed_count"] == 1
    assert [r["status"] for r in body["message"]["search_response"]] == ["succ", "rjct"]


def test_identity_numbers_are_masked_for_a_role_that_does_not_need_them(api, clients, people):
    _c, key = clients["lanhdao"]  # the leader approves, it does not need whole identity numbers
    record = api.call(key, "GET", f"/registry/persons/{people['a1'].pk}").json()
    uin = next(i["identifier_value"] for i in record["identifiers"] if i["identifier_type"] == "UIN")
    assert uin == "04205*****34"
    assert "042050001234" not in api.call(key, "POST", "/registry/sync/search",
                                          envelope(by_id("UIN", "042050001234"))).content.decode()


def test_person_and_household_read_inside_the_area_and_404_outside(api, clients, people):
    _c, key_a = clients["xa_a"]
    person = api.call(key_a, "GET", f"/registry/persons/{people['a2'].pk}")
    assert person.status_code == 200 and person.json()["full_name"] == "Nguyễn Thị Lan"
    household = api.call(key_a, "GET", f"/registry/households/{people['hh_a'].pk}").json()
    assert household["code"] == "HT18073API01"
    assert {m["person"]["full_name"] for m in household["members"]} == {"Nguyễn Văn Hùng", "Nguyễn Thị Lan"}
    for path in (f"/registry/persons/{people['b1'].pk}", f"/registry/households/{people['hh_b'].pk}",
                 "/registry/persons/99999999"):
        refused = api.call(key_a, "GET", path)
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
        assert "Lê Thị Nghèo" not in refused.content.decode()


def test_every_call_is_audited_with_the_people_it_returned(api, clients, people):
    client, key = clients["xa_a"]
    before = AuditEvent.objects.filter(action="api.call").count()
    api.call(key, "GET", f"/registry/households/{people['hh_a'].pk}")
    api.call(key, "GET", f"/registry/persons/{people['b1'].pk}")  # refused: audited too, nobody returned
    rows = list(AuditEvent.objects.filter(action="api.call").order_by("id"))[before:]
    assert [(r.actor_id, r.object_id, r.details["operation"], r.details["status"]) for r in rows] == [
        (client.account_id, str(client.pk), "household_read", 200), (client.account_id, str(client.pk), "person_read", 404)]
    assert sorted(rows[0].details["person_ids"]) == sorted([people["a1"].pk, people["a2"].pk])
    assert rows[0].details["household_ids"] == [people["hh_a"].pk]
    assert rows[1].details["person_ids"] == []


def test_the_stated_purpose_is_kept_in_the_audit_row(api, clients, people):
    _c, key = clients["tinh"]
    body = envelope(by_id("UIN", "042050001234"))
    body["message"]["search_request"][0]["authorize"] = {"purpose": {"text": "Đối chiếu hồ sơ BHYT"}}
    api.call(key, "POST", "/registry/sync/search", body)
    row = AuditEvent.objects.filter(action="api.call").latest("id")
    assert (row.details["purposes"], row.details["person_ids"]) == (["Đối chiếu hồ sơ BHYT"], [people["a1"].pk])
