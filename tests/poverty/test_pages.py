"""The pages as a commune officer and a provincial specialist: Vietnamese, numbers formatted, the survey form on a
phone, the transitions chart drawn on the server, files as numbers; hostile parameters never a 500; another
commune's round, household or certificate a 404."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ansinh.poverty.models import HouseholdReview, ReviewRound
from ansinh.poverty.services import surveys
from poverty import factories as f

pytestmark = pytest.mark.django_db
HOSTILE = ["year=abc", "year=99999999999999999999", "commune=-1", "page=-5", "page=1e9", "status=%3Cx%3E",
           "kind=%00", "q=%3Cscript%3Ealert(1)%3C/script%3E", "todo=1&status=zzz", "format=../../etc/passwd"]


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def open_round(commune_a, officer_a):
    hh = f.household(commune_a, "HTP001", "Đinh Văn Phố")
    f.enrol("poor", hh)
    r = surveys.round_open(actor=officer_a, commune=commune_a, year=2021, reference_date=dt.date(2021, 9, 1))
    return r, hh


def test_the_officer_fills_in_a_survey_on_a_phone_sized_page(open_round, officer_a):
    r, hh = open_round
    client = client_for(officer_a)
    page = client.get(reverse("poverty:survey_form", args=[r.pk]) + "?ho=HTP001")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in html and "max-width: 34rem" in html
    assert "Người phụ thuộc trong hộ gia đình" in html and "Phương tiện phục vụ tiếp cận thông tin" in html
    response = client.post(reverse("poverty:survey_form", args=[r.pk]), {
        "household_code": "HTP001", "income_per_capita": "1.200.000", "is_urban": "0", "surveyed_on": "2021-10-02",
        "d_health_insurance": "on", "d_toilet": "on", "d_nutrition": "on"}, follow=True)
    html = response.content.decode()
    review = HouseholdReview.objects.get(household=hh)
    assert review.rules_status == "poor" and review.income_per_capita == 1_200_000
    assert "1.200.000 đ" in html and "Giải thích cách tính" in html and "Hộ nghèo" in html
    explain = client.get(response.context["explain"])
    assert explain.status_code == 200


def test_bad_survey_input_is_refused_in_vietnamese(open_round, officer_a):
    r, _ = open_round
    client = client_for(officer_a)
    url = reverse("poverty:survey_form", args=[r.pk])
    for income, message in (("một triệu", "không phải là số tiền hợp lệ"), ("-5", "không được âm")):
        html = client.post(url, {"household_code": "HTP001", "income_per_capita": income, "is_urban": "0"}).content.decode()
        assert message in html
    html = client.post(url, {"household_code": "KHONGCO", "income_per_capita": "100", "is_urban": "0"},
                       follow=True).content.decode()
    assert "Không có hộ mã KHONGCO" in html
    assert not HouseholdReview.objects.filter(income_per_capita__isnull=False).exists()


def test_round_pages_and_files_for_the_officer(open_round, officer_a):
    r, hh = open_round
    surveys.survey_record(actor=officer_a, review_round=r, household=hh, data=surveys.SurveyInput(
        income_per_capita=1_000_000, deprived=frozenset({"d_health_insurance", "d_toilet", "d_telecom"}),
        is_urban=False))
    client = client_for(officer_a)
    for name, args in (("poverty:index", []), ("poverty:round_detail", [r.pk]), ("poverty:transitions", []),
                       ("poverty:plan", []), ("poverty:import_upload", []), ("poverty:schemes", [])):
        response = client.get(reverse(name, args=args) + "?year=2021")
        assert response.status_code == 200, name
    transitions = client.get(reverse("poverty:transitions") + "?year=2021").content.decode()
    assert "<svg" in transitions and "Hộ nghèo tiếp tục" in transitions and "<script" not in transitions.split(
        "<main")[1].split("</main>")[0]
    xlsx = client.get(reverse("poverty:transitions_xlsx") + "?year=2021")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Hộ nghèo"]
    line = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Phường Thành Sen"][0]
    assert line[2] == 1 and line[3] == 1 and line[11] == 1
    csv_text = client.get(reverse("poverty:summary_file") + "?year=2021&format=csv").content.decode()
    assert csv_text.splitlines()[1].startswith(f"{r.commune.code},Phường Thành Sen,1,1,0,0,0,0,0,0,1,100.00")
    posted = client.get(reverse("poverty:round_export", args=[r.pk]))
    assert openpyxl.load_workbook(io.BytesIO(posted.content)).active["E6"].value == 1_000_000


def test_another_communes_objects_are_404(open_round, officer_b, commune_b):
    r, hh = open_round
    client = client_for(officer_b)
    review = HouseholdReview.objects.get(household=hh)
    for name, args in (("poverty:round_detail", [r.pk]), ("poverty:survey_form", [r.pk]),
                       ("poverty:household_detail", [review.pk]), ("poverty:round_export", [r.pk])):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("poverty:round_step", args=[r.pk, "classify"])).status_code == 404
    assert client.post(reverse("poverty:household_action", args=[review.pk, "exit"]),
                       {"reason": "moved"}).status_code == 404
    assert client.get(reverse("poverty:round_detail", args=[2_000_000_000])).status_code == 404


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_parameters_never_give_a_500(open_round, officer_a, provincial, query):
    r, _ = open_round
    for user in (officer_a, provincial):
        client = client_for(user)
        for name, args in (("poverty:index", []), ("poverty:round_detail", [r.pk]), ("poverty:transitions", []),
                           ("poverty:plan", []), ("poverty:plan_xlsx", []), ("poverty:transitions_xlsx", []),
                           ("poverty:summary_file", []), ("poverty:survey_form", [r.pk]), ("poverty:schemes", [])):
            response = client.get(f"{reverse(name, args=args)}?{query}")
            assert response.status_code in (200, 404), (name, query, response.status_code)
            assert b"<script>alert(1)</script>" not in response.content


def test_hostile_posts_are_refused_with_a_message(open_round, officer_a):
    r, _ = open_round
    client = client_for(officer_a)
    body = {"meeting_date": "31/02/2020", "attendees": "-1", "agreeing": "1e9", "posting_start": "<x>",
            "decision_number": "x" * 5000, "decision_date": "a\x00b", "household_code": "' OR 1=1--", "year": "abc",
            "commune": "99999999999999999999999", "reason": "<script>alert(1)</script>", "number": "9"}
    for step in ("meeting", "post", "complaint", "report", "return", "endorse", "recognise", "certify", "add",
                 "list", "classify"):
        response = client.post(reverse("poverty:round_step", args=[r.pk, step]), body)
        assert response.status_code == 302, step
    assert client.post(reverse("poverty:round_step", args=[r.pk, "nope"]), body).status_code == 404
    for name in ("poverty:round_open", "poverty:classify_year", "poverty:import_upload"):
        assert client.post(reverse(name), body).status_code in (200, 302), name
    assert ReviewRound.objects.get().status == "draft"


def test_the_provincial_specialist_sees_the_province_and_opens_rounds(open_round, provincial, commune_b):
    client = client_for(provincial)
    response = client.post(reverse("poverty:round_open"), {"year": "2021", "commune": commune_b.pk, "kind": "annual"},
                           follow=True)
    assert response.status_code == 200 and ReviewRound.objects.filter(commune=commune_b).exists()
    index = client.get(reverse("poverty:index")).content.decode()
    assert "Phường Thành Sen" in index and "Xã Cẩm Bình" in index
    template = client.get(reverse("poverty:import_template", args=[2021]))
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[3]]
    assert "Thu nhập bình quân đầu người/tháng" in headers and "Việc làm" in headers
