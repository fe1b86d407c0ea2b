"""The pages as a job-centre officer and a vocational specialist use them; hostile parameters; objects outside the
user's area are a 404; roles that never read labour data get a 403 on lists, a 404 on objects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.accounts.models import Role
from ansinh.core.imports import import_run
from ansinh.labour.imports import SUPPLY_KIND
from ansinh.labour.models import Placement, SupplyRecord
from ansinh.labour.services import placements
from ansinh.labour.services import vocational as voc
from labour import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = ["?year=99999999999999999999", "?year=abc&page=-5", "?commune=-1&status=%3Cx%3E", "?ky=2020-H9",
           "?ky=%3Cscript%3Ealert(1)%3C/script%3E", "?chi_tieu=zzz&theo=level", "?chi_tieu=jobs_found&theo=zzz",
           "?q=" + "x" * 5000, "?so=%27%20OR%201=1--", "?level=zzz&page=1e9", "?channel=zzz&match=zzz"]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def world(job_centre, vocational, people, commune_b, tmp_path):
    path = f.workbook(tmp_path / "cung.xlsx", f.SUPPLY_HEADERS, [f.supply_row(1, people["an"]),
                                                                 f.supply_row(2, people["hung"], identity="")])
    assert import_run(kind=SUPPLY_KIND, actor=job_centre, file=path, file_name=path.name, target={"year": 2020},
                      commit=True).committed
    placement = placements.placement_create(actor=job_centre, details=placements.PlacementDetails(
        identity_number=people["binh"].pid, placed_on=dt.date(2020, 3, 10), channel="job_centre", job_title="Thợ may"))
    course = f.course(vocational, commune_b)
    enrolment = voc.enrolment_create(actor=vocational, course=course, identity_number=people["an"].pid,
                                     enrolled_on=dt.date(2020, 3, 2))
    return {"record": SupplyRecord.objects.get(person=people["an"]), "placement": placement, "course": course,
            "enrolment": enrolment, "institution": course.programme.institution,
            "pending": SupplyRecord.objects.get(match="pending")}


LIST_PAGES = ["labour:home", "labour:indicators", "labour:indicators_export", "labour:supply_home",
              "labour:supply_list", "labour:supply_export", "labour:review_queue", "labour:employer_list",
              "labour:vacancy_list", "labour:fair_list", "labour:placement_list", "labour:vocational_home",
              "labour:institution_list", "labour:course_list", "labour:diploma_lookup", "labour:support_list",
              "labour:supply_import_upload"]


def test_the_job_centre_officer_walks_through(job_centre, world):
    client = _client(job_centre)
    home = client.get(reverse("labour:home") + "?year=2020")
    assert home.status_code == 200 and "Thị trường lao động năm 2020" in home.content.decode()
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("labour:indicators") + "?ky=2020").content.decode()
    assert "Mỗi người chỉ tính một lần trong một năm" in page  # the rule stated to the user
    assert 'data-testid="value-jobs_found">1 người' in page
    detail = client.get(reverse("labour:supply_detail", args=[world["pending"].pk])).content.decode()
    assert "Đặng Quốc Hùng" in detail and "Đúng người này" in detail
    candidate = world["pending"].candidates.get()
    response = client.post(reverse("labour:candidate_accept", args=[candidate.pk]))
    assert response.status_code == 302
    world["pending"].refresh_from_db()
    assert world["pending"].match == "reviewed"
    created = client.post(reverse("labour:placement_create"), {
        "identity": world["record"].person.pid, "placed_on": "12/03/2020", "channel": "abroad",
        "destination_country": "Nhật Bản", "departure_on": "12/03/2020"})
    assert created.status_code == 302 and Placement.objects.count() == 2
    refused = client.post(reverse("labour:placement_create"), {
        "identity": "042090999999", "placed_on": "12/03/2020", "channel": "job_centre"}, follow=True)
    assert "Không có ai mang số 042090999999" in refused.content.decode()
    export = client.get(reverse("labour:indicators_export") + "?ky=2020")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_numbers_in_the_export_are_numbers(job_centre, world, tmp_path):
    from openpyxl import load_workbook

    data = _client(job_centre).get(reverse("labour:indicators_export") + "?ky=2020").content
    (tmp_path / "x.xlsx").write_bytes(data)
    sheet = load_workbook(tmp_path / "x.xlsx").active
    values = {row[0]: row[3] for row in sheet.iter_rows(values_only=True) if row and row[0] in ("jobs_found",)}
    assert values == {"jobs_found": 1}


def test_the_vocational_specialist_walks_through(vocational, world):
    client = _client(vocational)
    home = client.get(reverse("labour:vocational_home") + "?year=2020").content.decode()
    assert "Giáo dục nghề nghiệp năm 2020" in home and 'data-testid="enrolments">1<' in home
    for name in ("labour:course_detail", "labour:institution_detail"):
        obj = world["course"] if name == "labour:course_detail" else world["institution"]
        assert client.get(reverse(name, args=[obj.pk])).status_code == 200
    e = world["enrolment"]
    client.post(reverse("labour:enrolment_finish", args=[e.pk]), {"status": "graduated", "finished_on": "29/05/2020"})
    client.post(reverse("labour:diploma_issue", args=[e.pk]), {"number": "SC-2020-001", "issued_on": "05/06/2020"})
    found = client.get(reverse("labour:diploma_lookup") + "?so=sc-2020-001").content.decode()
    assert 'data-testid="lookup-found"' in found and "Nguyễn Văn An" in found
    missing = client.get(reverse("labour:diploma_lookup") + "?so=SC-2020-999").content.decode()
    assert 'data-testid="lookup-missing"' in missing
    proposed = client.post(reverse("labour:support_propose", args=[e.pk]), {
        "learner_group": "rural", "funding": "central", "training_cost": "2.000.000", "study_days": "40",
        "meal_amount": "1.200.000", "travel_amount": "0"})
    assert proposed.status_code == 302
    detail = client.get(proposed["Location"]).content.decode()
    assert "3.200.000 đ" in detail and 'data-testid="step-submit"' in detail


def test_hostile_parameters_never_500(job_centre, vocational, world):
    for user in (job_centre, vocational):
        client = _client(user)
        for name in LIST_PAGES:
            plain = client.get(reverse(name)).status_code
            for query in HOSTILE:
                response = client.get(reverse(name) + query)
                assert response.status_code in (plain, 404), (name, query, response.status_code)
                assert b"<script>alert(1)" not in response.content
        for url in (reverse("labour:supply_detail", args=[world["record"].pk]),
                    reverse("labour:enrolment_detail", args=[world["enrolment"].pk])):
            assert client.post(url, {"status": "<x>", "unemployed_months": "abc"}).status_code in (200, 302, 403)
        for step in ("submit", "approve", "pay", "zzz"):
            assert client.post(reverse("labour:support_step", args=[2_000_000_000, step])).status_code == 404


def test_objects_outside_the_area_are_404(officer_a, world):
    client = _client(officer_a)  # Phường Thành Sen: the world lives in Xã Cẩm Bình
    for name, obj in (("labour:supply_detail", world["record"]), ("labour:placement_detail", world["placement"]),
                      ("labour:enrolment_detail", world["enrolment"])):
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    assert client.post(reverse("labour:candidate_accept", args=[world["pending"].candidates.get().pk])).status_code == 404
    page = client.get(reverse("labour:supply_list") + "?year=2020").content.decode()
    assert "Nguyễn Văn An" not in page


def test_roles_that_never_read_labour_data(world, province):
    agent = f.user("buudien2", Role.PAYMENT_AGENT, province)
    client = _client(agent)
    assert client.get(reverse("labour:home")).status_code == 403
    assert client.get(reverse("labour:supply_detail", args=[world["record"].pk])).status_code == 404
    assert client.get(reverse("labour:course_detail", args=[world["course"].pk])).status_code == 404


def test_identity_numbers_are_masked_for_the_job_centre(job_centre, world, people):
    page = _client(job_centre).get(reverse("labour:placement_list") + "?year=2020").content.decode()
    assert people["binh"].pid not in page and people["binh"].pid[:5] in page


def test_navigation_shows_each_role_its_home(job_centre, vocational, world):
    assert "Lao động – việc làm" in _client(job_centre).get(reverse("web:home")).content.decode()
    nav = _client(vocational).get(reverse("web:home")).content.decode()
    assert nav.index("Giáo dục nghề nghiệp") < nav.index("Lao động – việc làm")
