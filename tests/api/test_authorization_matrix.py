"""Every API operation as every connected system — each role, a commune of another area, two payment agents, a
revoked key — and anonymously (issue #17 item 5). The operations come from the generated OpenAPI schema, so an
endpoint added without its row here fails ``test_every_operation_has_its_row``. Each answer is checked for its
status and for the absence of the other commune's people."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.api.api import api as ninja_api
from ansinh.api.services import api_client_revoke
from api.conftest import by_id, enrolled, enrolled_envelope, envelope
from programmes import factories as f
from programmes.upload_files import mau04, mau04_row

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "revoked", "xa_a", "xa_b", "tinh", "lanhdao", "thanhtra", "vieclam", "buudien", "buudien2")
# status by caller (the ones not named: the row's default). The objects all belong to commune A.
READ_REGISTRY = {"xa_a": 200, "tinh": 200, "lanhdao": 200, "thanhtra": 200, "default": 404}
MATRIX = {
    "registry_search": {"default": 200},
    "person_read": READ_REGISTRY,
    "household_read": READ_REGISTRY,
    "enrolment_check": {"default": 200},
    "list_upload_create": {"xa_a": 201, "tinh": 201, "lanhdao": 403, "thanhtra": 403, "default": 404},
    "list_upload_read": {"xa_a": 200, "tinh": 200, "lanhdao": 200, "thanhtra": 200, "default": 404},
    "list_upload_cancel": {"xa_a": 200, "tinh": 403, "lanhdao": 403, "thanhtra": 403, "default": 404},
    "list_upload_commit": {"xa_a": 200, "tinh": 403, "lanhdao": 403, "thanhtra": 403, "default": 404},
    "payroll_sheets": {"vieclam": 403, "default": 200},
    "payroll_sheet": {"xa_a": 200, "tinh": 200, "lanhdao": 200, "thanhtra": 200, "buudien": 200, "vieclam": 403,
                      "default": 404},
    "payroll_results_create": {"buudien": 201, "tinh": 201, "xa_a": 403, "lanhdao": 403, "thanhtra": 403,
                               "vieclam": 403, "default": 404},
    "payroll_results_read": {"xa_a": 200, "tinh": 200, "lanhdao": 200, "thanhtra": 200, "buudien": 200,
                             "default": 404},
    "payroll_results_commit": {"buudien": 200, "tinh": 403, "xa_a": 403, "lanhdao": 403, "thanhtra": 403,
                               "default": 404},
}
# the writes that change what the next caller finds run for their owner last
OWNER_LAST = {"list_upload_cancel": "xa_a", "list_upload_commit": "xa_a", "payroll_results_commit": "buudien"}
# who may see commune A's people in an answer (everyone else must not find a trace of them)
SEES_COMMUNE_A = {"xa_a", "tinh", "lanhdao", "thanhtra"}


def _operations() -> dict[str, tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return {op["operationId"]: (method.upper(), path) for path, ops in schema["paths"].items()
            for method, op in ops.items()}


SCHEMA = ninja_api.get_openapi_schema()


def contract_violations(method: str, path: str, status: int, body) -> list[str]:
    """The answer checked against the generated OpenAPI schema of its operation and status (the contract)."""
    from jsonschema import Draft202012Validator

    responses = SCHEMA["paths"][path][method.lower()]["responses"]
    declared = responses.get(status, responses.get(str(status)))
    if declared is None:
        return [f"status {status} not in the schema"]
    schema = {**declared["content"]["application/json"]["schema"], "components": SCHEMA["components"]}
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in Draft202012Validator(schema).iter_errors(body)][:3]


def expected(operation: str, caller: str) -> int:
    if caller in ("anonymous", "revoked"):
        return 401
    row = MATRIX[operation]
    return row.get(caller, row["default"])


def test_every_operation_has_its_row():
    assert set(_operations()) == set(MATRIX)


@pytest.fixture
def world(api, clients, people, enrolments, sent_sheets, commune_a, provincial, admin_user, tmp_path):
    from ansinh.api.services import api_client_create

    revoked, revoked_key = api_client_create(actor=admin_user, name="Đã thu hồi", role="provincial_specialist",
                                             area=provincial.area)
    api_client_revoke(actor=admin_user, client=revoked, reason="thử")
    keys = {name: key for name, (_client, key) in clients.items()} | {"anonymous": None, "revoked": revoked_key}
    programme = f.covid_programme(provincial)
    rows = [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)]

    def upload(name):
        path = mau04(tmp_path / f"{name}.xlsx", rows)
        with path.open("rb") as handle:
            response = api.call(keys["xa_a"], "POST", "/lists/uploads", {
                "programme": programme.code, "group": "4", "commune_code": commune_a.code, "file": handle},
                content_type="multipart/form-data")
        assert response.status_code == 201, response.content
        return response.json()["id"]

    sheet = sent_sheets[commune_a.pk]
    from api.test_imports_api import _rows

    results = api.call(keys["buudien"], "POST", f"/payroll/sheets/{sheet.pk}/results", {"rows": _rows(sheet)})
    assert results.status_code == 201, results.content
    return {"keys": keys, "programme": programme, "upload": upload("mo"), "to_cancel": upload("huy"),
            "to_commit": upload("ghi"), "sheet": sheet, "results": results.json()["id"], "rows": _rows(sheet),
            "upload_file": lambda n: mau04(tmp_path / f"m-{n}.xlsx", rows)}


def _upload_form(world, commune_a, n):
    return {"programme": world["programme"].code, "group": "4", "commune_code": commune_a.code,
            "file": world["upload_file"](n).open("rb")}


def _request(api, world, operation, key, people, commune_a, n):
    sheet, a = world["sheet"], people["a2"]
    multipart = {"content_type": "multipart/form-data"}
    calls = {
        "registry_search": lambda: ("POST", "/registry/sync/search", envelope(by_id("UIN", a.pid)), {}),
        "person_read": lambda: ("GET", f"/registry/persons/{a.pk}", None, {}),
        "household_read": lambda: ("GET", f"/registry/households/{people['hh_a'].pk}", None, {}),
        "enrolment_check": lambda: ("POST", "/enrolment/sync/enrolled", enrolled_envelope(
            enrolled("ncc", dt.date(2024, 5, 1), person_id=people["a3"].pk)), {}),
        "list_upload_create": lambda: ("POST", "/lists/uploads", _upload_form(world, commune_a, n), multipart),
        "list_upload_read": lambda: ("GET", f"/lists/uploads/{world['upload']}", None, {}),
        "list_upload_cancel": lambda: ("POST", f"/lists/uploads/{world['to_cancel']}/cancel", {}, {}),
        "list_upload_commit": lambda: ("POST", f"/lists/uploads/{world['to_commit']}/commit", {"valid_only": False},
                                       {}),
        "payroll_sheets": lambda: ("GET", "/payroll/sheets", None, {}),
        "payroll_sheet": lambda: ("GET", f"/payroll/sheets/{sheet.pk}", None, {}),
        "payroll_results_create": lambda: ("POST", f"/payroll/sheets/{sheet.pk}/results", {"rows": world["rows"]}, {}),
        "payroll_results_read": lambda: ("GET", f"/payroll/results/{world['results']}", None, {}),
        "payroll_results_commit": lambda: ("POST", f"/payroll/results/{world['results']}/commit", {}, {}),
    }
    method, path, payload, extra = calls[operation]()
    return api.call(key, method, path, payload, **extra)


def _foreign_traces(people, commune_a) -> list[str]:
    return [people["a2"].full_name, people["a2"].pid, people["a3"].full_name, people["a3"].pid, "HT18073API",
            people["a1"].pid, commune_a.name]


def test_every_operation_as_every_caller(api, world, people, commune_a):
    failures = []
    ops = _operations()
    for operation in ops:
        callers = [c for c in CALLERS if c != OWNER_LAST.get(operation)] + (
            [OWNER_LAST[operation]] if operation in OWNER_LAST else [])
        for n, caller in enumerate(callers):
            response = _request(api, world, operation, world["keys"][caller], people, commune_a, f"{operation}-{n}")
            want = expected(operation, caller)
            text = response.content.decode()
            if response.status_code != want:
                failures.append(f"{operation} as {caller}: {response.status_code} (expected {want}) {text[:200]}")
            if not response["Content-Type"].startswith("application/json"):
                failures.append(f"{operation} as {caller}: not JSON")
            if response.status_code >= 400 and "error" not in response.json():
                failures.append(f"{operation} as {caller}: an error without its code")
            method, path = ops[operation]
            for violation in contract_violations(method, path, response.status_code, response.json()):
                failures.append(f"{operation} as {caller}: contract: {violation}")
            if caller not in SEES_COMMUNE_A and operation not in ("list_upload_create",):
                traces = [t for t in _foreign_traces(people, commune_a) if t in text]
                if caller == "buudien" and operation.startswith("payroll"):
                    traces = [t for t in traces if t != commune_a.name]  # its own sheet names the commune
                if traces:
                    failures.append(f"{operation} as {caller}: foreign data {traces}")
    assert not failures, "\n".join(failures)


def test_a_search_answer_is_empty_for_those_who_may_not_read_the_registry(api, world, people):
    for caller in ("xa_b", "vieclam", "buudien", "buudien2"):
        body = api.call(world["keys"][caller], "POST", "/registry/sync/search",
                        envelope(by_id("UIN", people["a2"].pid))).json()
        assert body["message"]["search_response"][0]["data"]["reg_records"] == [], caller
    for caller in ("xa_a", "tinh", "lanhdao", "thanhtra"):
        body = api.call(world["keys"][caller], "POST", "/registry/sync/search",
                        envelope(by_id("UIN", people["a2"].pid))).json()
        assert [r["id"] for r in body["message"]["search_response"][0]["data"]["reg_records"]] == [people["a2"].pk]
