"""A small province seen through the API: two communes with their people and households, enrolments, a programme
open for Mẫu 04 lists, a monthly payroll sent to the post office, and one connected system per role and area."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from ansinh.accounts.models import Role
from ansinh.api.services import api_client_create
from ansinh.programmes.models import EnrolmentChange, EnrolmentEvent
from payroll.conftest import JULY, approve_and_send, generate
from programmes import factories as f

KEYS: dict[str, str] = {}


@pytest.fixture
def admin_user(province):
    return f.user("qt_api", Role.ADMINISTRATOR, province)


def issue(admin, name, role, area, **kw):
    client, key = api_client_create(actor=admin, name=name, role=role, area=area, **kw)
    return client, key


@pytest.fixture
def people(commune_a, commune_b):
    """Named people: two households of commune A, one of commune B; identity numbers known to the tests."""
    a1 = f.person(commune_a, "Nguyễn Văn Hùng", birth=dt.date(1950, 5, 12), pid="042050001234")
    a2 = f.person(commune_a, "Nguyễn Thị Lan", sex="F", birth=dt.date(1953, 2, 1), pid="042153004321")
    a3 = f.person(commune_a, "Trần Văn Thương", birth=dt.date(1948, 6, 1), pid="042048007777")
    b1 = f.person(commune_b, "Lê Thị Nghèo", sex="F", birth=dt.date(1960, 8, 8), pid="042160009999")
    b2 = f.person(commune_b, "Nguyễn Văn Hùng", birth=dt.date(1950, 1, 1), pid="042050005555")  # same name, year
    hh_a = f.household(commune_a, "HT18073API01", [a1, a2])
    hh_a2 = f.household(commune_a, "HT18073API02", [a3])
    hh_b = f.household(commune_b, "HT18685API01", [b1, b2])
    for p in (a1, a2, a3, b1, b2):
        p.refresh_from_db()
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "b2": b2, "hh_a": hh_a, "hh_a2": hh_a2, "hh_b": hh_b}


@pytest.fixture
def enrolments(people, commune_a, commune_b, provincial):
    ncc = f.enrol("ncc", commune=commune_a, who=people["a3"], start=dt.date(2020, 1, 1))
    ncc.ncc_category, ncc.ncc_injury_rate = "war_invalid", 61
    ncc.save(update_fields=["ncc_category", "ncc_injury_rate"])
    # suspended from March 2021, resumed from June 2021 (dated events with their decisions)
    EnrolmentEvent.objects.create(enrolment=ncc, kind=EnrolmentChange.SUSPENSION, effective_month=dt.date(2021, 3, 1),
                                  decision_number="5/QĐ", recorded_by=provincial)
    EnrolmentEvent.objects.create(enrolment=ncc, kind=EnrolmentChange.RESUMPTION, effective_month=dt.date(2021, 6, 1),
                                  decision_number="9/QĐ", recorded_by=provincial)
    poor = f.enrol("poor", commune=commune_b, hh=people["hh_b"], start=dt.date(2022, 1, 1), end=dt.date(2024, 1, 1))
    return {"ncc": ncc, "poor": poor}


@pytest.fixture
def clients(admin_user, province, commune_a, commune_b, payroll_cast):
    made = {}
    for label, role, area in (("xa_a", Role.COMMUNE_OFFICER, commune_a), ("xa_b", Role.COMMUNE_OFFICER, commune_b),
                              ("tinh", Role.PROVINCIAL_SPECIALIST, province), ("lanhdao", Role.LEADER, province),
                              ("thanhtra", Role.INSPECTOR, province),
                              ("vieclam", Role.JOB_CENTRE_OFFICER, province)):
        made[label] = issue(admin_user, f"Hệ thống {label}", role, area)
    agent = payroll_cast["agent"]
    made["buudien"] = issue(admin_user, "Bưu điện tỉnh", Role.PAYMENT_AGENT, agent.area, account=agent)
    other_agent = f.user("buudien2", Role.PAYMENT_AGENT, province)
    made["buudien2"] = issue(admin_user, "Tổ chức chi trả khác", Role.PAYMENT_AGENT, province, account=other_agent)
    return made


@pytest.fixture
def payroll_cast(province, commune_a, commune_b):
    from payroll.conftest import make_user

    return {
        "generator": make_user("pr_so", Role.PROVINCIAL_SPECIALIST, province),
        "appraiser": make_user("pr_so2", Role.PROVINCIAL_SPECIALIST, province),
        "leader": make_user("pr_lanhdao", Role.LEADER, province),
        "agent": make_user("pr_buudien", Role.PAYMENT_AGENT, province),
        "officer_a": make_user("pr_xa_a", Role.COMMUNE_OFFICER, commune_a),
        "officer_b": make_user("pr_xa_b", Role.COMMUNE_OFFICER, commune_b),
    }


@pytest.fixture
def sent_sheets(payroll_cast, people, commune_a, commune_b):
    """July 2024 NCC payroll of both communes, approved and sent to the post office."""
    from payroll.conftest import enrol

    enrol("ncc", people["a1"], commune_a, ncc_category="martyr_relative", ncc_martyr_count=1)
    enrol("ncc", people["b1"], commune_b, ncc_category="martyr_relative", ncc_martyr_count=1)
    generate(payroll_cast, "ncc", JULY)
    return {s.commune_id: s for s in approve_and_send(payroll_cast, "ncc", JULY)}


class Api:
    """Calls as a connected system (or anonymously with ``key=None``)."""

    def __init__(self):
        self.http = Client(raise_request_exception=False)

    def call(self, key: str | None, method: str, path: str, payload=None, *, raw: bytes | None = None,
             content_type="application/json", **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        url = f"/api/v1{path}"
        if method == "GET":
            return self.http.get(url, payload or {}, **headers, **extra)
        if raw is not None:
            return self.http.generic(method, url, raw, content_type=content_type, **headers, **extra)
        if content_type.startswith("multipart"):
            return self.http.post(url, payload, **headers, **extra)
        return self.http.generic(method, url, json.dumps(payload if payload is not None else {}, default=str),
                                 content_type=content_type, **headers, **extra)


@pytest.fixture
def api():
    return Api()


def envelope(*criteria_list, action="search", key="search_request", field="search_criteria") -> dict:
    now = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC).isoformat()
    return {"header": {"version": "1.0.0", "message_id": "msg-1", "message_ts": now, "action": action,
                       "sender_id": "bhxh-ha-tinh"},
            "message": {"transaction_id": "tx-1",
                        key: [{"reference_id": f"ref-{i}", "timestamp": now, field: c}
                              for i, c in enumerate(criteria_list, 1)]}}


def by_id(kind: str, value: str, **pagination) -> dict:
    criteria = {"query_type": "idtype-value", "query": {"type": kind, "value": value}}
    if pagination:
        criteria["pagination"] = pagination
    return criteria


def by_name(name: str, year, commune_code: str, **pagination) -> dict:
    criteria = {"query_type": "predicate", "query": [
        {"attribute_name": "name", "operator": "eq", "attribute_value": name},
        {"attribute_name": "birth_year", "operator": "eq", "attribute_value": year},
        {"attribute_name": "commune_code", "operator": "eq", "attribute_value": commune_code}]}
    if pagination:
        criteria["pagination"] = pagination
    return criteria


def enrolled(register: str, on_date: dt.date, *, person_id=None, identifier=None) -> dict:
    criteria = {"register_code": register, "on_date": on_date.isoformat()}
    if person_id is not None:
        criteria["person_id"] = person_id
    if identifier is not None:
        criteria["identifier"] = {"type": "UIN", "value": identifier}
    return criteria


def enrolled_envelope(*criteria) -> dict:
    return envelope(*criteria, action="enrolled", key="enrolled_request", field="criteria")


def records_of(response) -> list[dict]:
    return response.json()["message"]["search_response"][0]["data"]["reg_records"]
