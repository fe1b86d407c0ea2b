"""DCI ``sort`` in the registry search: the fixed order (name asc — the folded name, then the id, what the cursor
walks) is accepted and answered as without it; any other order is answered «rjct» ``unsupported_sort`` with a
Vietnamese message (the other requests of the envelope still answered), never ignored, never a 500; a sort of the
wrong shape is a 422 ``invalid_request``. Every answer is checked against the generated OpenAPI schema."""

from __future__ import annotations

import pytest

from ansinh.core.models import AuditEvent
from api.conftest import by_id, by_name, envelope, records_of
from api.test_authorization_matrix import contract_violations

pytestmark = pytest.mark.django_db
PATH = "/api/v1/registry/sync/search"


def _search(api, key, *criteria):
    response = api.call(key, "POST", "/registry/sync/search", envelope(*criteria))
    assert contract_violations("POST", PATH, response.status_code, response.json()) == []
    return response


def test_the_fixed_order_is_accepted_and_answers_as_without_it(api, clients, people, commune_a):
    _c, key = clients["tinh"]
    plain = records_of(_search(api, key, by_name("nguyen van hung", 1950, commune_a.code)))
    sorted_ = _search(api, key, {**by_name("nguyen van hung", 1950, commune_a.code),
                                 "sort": [{"attribute_name": "name", "sort_order": "asc"}]})
    assert sorted_.json()["message"]["search_response"][0]["status"] == "succ"
    assert records_of(sorted_) == plain == records_of(_search(api, key, {
        **by_name("nguyen van hung", 1950, commune_a.code), "sort": [{"attribute_name": "name"}]}))  # asc by default
    assert records_of(_search(api, key, {**by_id("UIN", people["a1"].pid), "sort": []}))[0]["id"] == people["a1"].pk


@pytest.mark.parametrize("sort", [
    [{"attribute_name": "name", "sort_order": "desc"}],
    [{"attribute_name": "birth_date", "sort_order": "asc"}],
    [{"attribute_name": "name", "sort_order": "ASC"}],
    [{"attribute_name": "name", "sort_order": "asc"}, {"attribute_name": "birth_year", "sort_order": "desc"}],
    [{"attribute_name": "id; DROP TABLE registry_person", "sort_order": "asc"}],
])
def test_any_other_order_is_refused_with_its_code_while_the_other_requests_are_answered(api, clients, people, sort):
    _c, key = clients["tinh"]
    response = _search(api, key, {**by_id("UIN", people["a1"].pid), "sort": sort}, by_id("UIN", people["a2"].pid))
    assert response.status_code == 200
    body = response.json()
    refused, answered = body["message"]["search_response"]
    assert (refused["status"], refused["status_reason_code"], refused["data"]) == ("rjct", "unsupported_sort", None)
    assert "Không hỗ trợ sắp xếp" in refused["status_reason_message"]
    assert "họ tên tăng dần" in refused["status_reason_message"]
    assert answered["status"] == "succ" and answered["data"]["reg_records"][0]["id"] == people["a2"].pk
    assert body["header"]["status"] == "partial"
    call = AuditEvent.objects.filter(action="api.call").latest("pk")
    assert call.details["person_ids"] == [people["a2"].pk]  # the refused request gave nobody out


@pytest.mark.parametrize("sort", [
    "name asc", {"attribute_name": "name"}, [{"attribute": "name", "order": "asc"}], [{"sort_order": "asc"}],
    [{"attribute_name": "name", "sort_order": "asc"}] * 6,
])
def test_a_sort_of_the_wrong_shape_is_a_422_naming_the_field(api, clients, people, sort):
    _c, key = clients["tinh"]
    response = _search(api, key, {**by_id("UIN", people["a1"].pid), "sort": sort})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and any("sort" in (d["field"] or "") for d in error["details"])


def test_the_schema_documents_sort():
    from ansinh.api.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    criteria = schema["components"]["schemas"]["SearchCriteria"]["properties"]
    assert "sort" in criteria and "unsupported_sort" in criteria["sort"]["description"]
