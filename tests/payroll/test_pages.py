"""The payroll pages for each role: what each sees, the maker-checker buttons, a 404 outside the area, hostile
query strings never a 500, the person's history with each line's explanation link, the chart drawn on the server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.accounts.models import Role
from ansinh.payroll.models import PayrollLine, SheetStatus
from ansinh.payroll.services import recoveries, workflow
from payroll.conftest import JULY, approve_and_send, generate, make_user, pay_month, sheets

pytestmark = pytest.mark.django_db
HOSTILE = ["?register=<script>", "?page=-1", "?to=99999-99", "?origin=%00", "?commune=99999999999999999999",
           "?all=1&to=2024-13"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def paid_world(cast, world, tmp_path):
    pay_month(cast, "ncc", JULY, tmp_path, unpaid={world["people"]["invalid"].pk: "Vắng mặt"})
    generate(cast, "tgxh", JULY)
    recoveries.recovery_inspection_record(actor=cast["generator"], person=world["people"]["invalid"], register="ncc",
                                          amount=1_200_000, document_number="45/KL-TTr",
                                          document_date=dt.date(2024, 6, 1))
    return world


def test_the_month_overview_counts_amounts_and_draws_the_chart(cast, paid_world):
    response = client_for(cast["generator"]).get(reverse("payroll:month", args=["ncc", 2024, 7]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="persons">2<' in page and "8.239.000 đ" in page
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert 'data-testid="months-chart"' in chart and "<script" not in page.split("<main")[1].split("</main>")[0]
    assert "Phường Thành Sen" in page


def test_each_role_sees_its_pages_and_is_refused_outside_its_area(cast, paid_world, commune_b):
    sheet = sheets("ncc", JULY)[0]
    person = paid_world["people"]["invalid"]
    enrolment = paid_world["enrolments"]["invalid"]
    pages = {
        "index": reverse("payroll:index"), "month": reverse("payroll:month", args=["ncc", 2024, 7]),
        "sheet": reverse("payroll:sheet_detail", args=[sheet.pk]),
        "export": reverse("payroll:sheet_export", args=[sheet.pk]),
        "person": reverse("payroll:person", args=[person.pk]), "ledger": reverse("payroll:ledger"),
        "enrolment": reverse("payroll:enrolment", args=[enrolment.pk]),
        "reconciliation": reverse("payroll:reconciliation", args=["ncc", 2024, 7]),
        "reconciliation_xlsx": reverse("payroll:reconciliation_xlsx", args=["ncc", 2024, 7]),
    }
    from ansinh.geo.models import AdminUnit, Level

    elsewhere = (AdminUnit.objects.filter(level=Level.DISTRICT, province_code="42")
                 .exclude(pk=sheet.commune.legacy_district_id).order_by("code").first())
    district = make_user("pr_huyen_khac", Role.DISTRICT_SPECIALIST, elsewhere)
    other_agent = make_user("pr_nganhang", Role.PAYMENT_AGENT, cast["generator"].area)
    expected = {
        "generator": dict.fromkeys(pages, 200),
        "leader": dict.fromkeys(pages, 200),
        "inspector": dict.fromkeys(pages, 200),
        "officer_a": dict.fromkeys(pages, 200),
        # commune B's officer and another former district: commune A's sheet, person and enrolment do not exist
        "officer_b": {**dict.fromkeys(pages, 200), "sheet": 404, "export": 404, "person": 404, "enrolment": 404},
        "district": {**dict.fromkeys(pages, 200), "sheet": 404, "export": 404, "person": 404, "enrolment": 404},
        # the agent: its own sheet only
        "agent": {**dict.fromkeys(pages, 403), "index": 200, "sheet": 200, "export": 200, "person": 404,
                  "enrolment": 404},
        "other_agent": {**dict.fromkeys(pages, 403), "index": 200, "sheet": 404, "export": 404, "person": 404,
                        "enrolment": 404},
    }
    users = {**cast, "district": district, "other_agent": other_agent}
    got = {role: {name: client_for(users[role]).get(url).status_code for name, url in pages.items()}
           for role in expected}
    assert got == expected
    assert Client().get(pages["month"]).status_code == 302  # anonymous: to the login page


def test_hostile_query_strings_and_paths_never_give_a_server_error(cast, paid_world):
    client = client_for(cast["generator"])
    sheet = sheets("ncc", JULY)[0]
    urls = [reverse("payroll:index"), reverse("payroll:month", args=["ncc", 2024, 7]), reverse("payroll:ledger"),
            reverse("payroll:reconciliation", args=["ncc", 2024, 7]),
            reverse("payroll:sheet_detail", args=[sheet.pk])]
    for url in urls:
        for query in HOSTILE:
            response = client.get(url + query)
            assert response.status_code == 200, (url, query)
            assert b"<script>" not in response.content
    for path in ("/chi-tra-hang-thang/thang/ncc/2024/13/", "/chi-tra-hang-thang/thang/khong-co/2024/7/",
                 "/chi-tra-hang-thang/thang/ncc/99999999999/1/", "/chi-tra-hang-thang/bang/2000000000/",
                 "/chi-tra-hang-thang/nguoi/99999999999999999999/"):
        assert client.get(path).status_code == 404, path
    for step in ("approve", "khong-co"):
        response = client.post(reverse("payroll:sheet_step", args=[sheet.pk, step]), {"agent": "<script>"})
        assert response.status_code in (302, 404)


def test_the_person_history_explains_each_line(cast, paid_world):
    person = paid_world["people"]["invalid"]
    page = client_for(cast["officer_a"]).get(reverse("payroll:person", args=[person.pk])).content.decode()
    assert "Chưa nhận: Vắng mặt" in page and "5.450.000 đ" in page
    assert "variable=ncc_monthly_allowance" in page and "ncc_injury_rate%3D61" in page and "period=2024-07" in page
    assert "Truy thu theo kết luận thanh tra" in page and "45/KL-TTr" in page and "1.200.000 đ" in page
    line = PayrollLine.objects.filter(person=person).first()
    link = page.split('data-testid="explain"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    explained = client_for(cast["officer_a"]).get(link).content.decode()
    assert "5.450.000 đ" in explained and "ncc.monthly.war_invalid.by_rate.r61" in explained
    assert line.facts["ncc_injury_rate"] == "61"


def test_maker_checker_buttons_and_the_database_guard(cast, world):
    generate(cast, "ncc", JULY)
    sheet = sheets("ncc", JULY)[0]
    client = client_for(cast["officer_a"])
    assert 'data-testid="step-submit"' in client.get(reverse("payroll:sheet_detail", args=[sheet.pk])).content.decode()
    client.post(reverse("payroll:sheet_step", args=[sheet.pk, "submit"]))
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    # the generator (who prepared it) may not appraise it; another provincial specialist may
    refused = client_for(cast["generator"]).post(reverse("payroll:sheet_step", args=[sheet.pk, "appraise"]),
                                                 follow=True)
    assert "nguyên tắc người lập – người duyệt" in refused.content.decode()
    workflow.sheet_appraise(actor=cast["appraiser"], sheet=sheet)
    page = client_for(cast["leader"]).get(reverse("payroll:sheet_detail", args=[sheet.pk])).content.decode()
    assert 'data-testid="step-approve"' in page
    from django.db import IntegrityError, transaction

    from ansinh.payroll.models import PayrollSheet

    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollSheet.objects.filter(pk=sheet.pk).update(status="approved", approved_by=cast["officer_a"])
    approve_and_send  # noqa: B018 (the helper is used by the other tests)
