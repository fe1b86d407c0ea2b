"""Housing support on the programmes machinery: a scheme (programme, funding sources, one group per tranche), a
house proposed from the review, appraised, approved by source (maker-checker), built in dated stages with photos
(served by a permission-checked view), paid in tranches through lists and payments; the count from records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.payments import services as payments
from ansinh.poverty import selectors
from ansinh.poverty.models import HousingStatus, HousingTranche
from ansinh.poverty.services import housing, surveys
from ansinh.programmes.models import FlagKind, ListStatus
from ansinh.programmes.services import workflow as lists
from poverty import factories as f

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def photo(name="nha.jpg", data=JPEG):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def scheme(provincial):
    return housing.scheme_create(actor=provincial, province_code="42", data=housing.SchemeInput(
        code="nha-o-2020", name="Hỗ trợ nhà ở hộ nghèo 2020–2021", review_year=2020, advance_percent=50,
        legal_basis="Kế hoạch của UBND tỉnh phối hợp Quỹ Thiện tâm – Tập đoàn Vingroup (dữ liệu thử)",
        window_start=dt.date(2020, 6, 1), window_end=dt.date(2021, 12, 31),
        sources=[("Ngân sách nhà nước", 1_000_000_000), ("Quỹ Thiện tâm – Tập đoàn Vingroup", 2_000_000_000),
                 ("Cộng đồng", 500_000_000)]))


@pytest.fixture
def poor_house(commune_a, officer_a):
    hh = f.household(commune_a, "HTN001", "Phan Văn Nhà")
    r = surveys.round_open(actor=officer_a, commune=commune_a, year=2020, reference_date=dt.date(2020, 9, 1))
    surveys.survey_record(actor=officer_a, review_round=r, household=hh, data=surveys.SurveyInput(
        income_per_capita=600_000, deprived=frozenset({"d_housing_quality", "d_floor_area"}), is_urban=False))
    return r.households.get(household=hh)


def approved(scheme, poor_house, officer_a, district, leader):
    case = housing.case_propose(actor=officer_a, scheme=scheme, review=poor_house)
    with pytest.raises(PermissionDenied):
        housing.case_appraise(actor=officer_a, case=case)
    case = housing.case_appraise(actor=district, case=case, note="Nhà tạm, dột nát")
    sources = {s.name: s.pk for s in scheme.programme.funding_sources.all()}
    return housing.case_approve(actor=leader, case=case, approval_number="88/QĐ-UBND",
                                approval_date=dt.date(2020, 11, 2),
                                amounts={sources["Ngân sách nhà nước"]: 40_000_000,
                                         sources["Quỹ Thiện tâm – Tập đoàn Vingroup"]: 40_000_000,
                                         sources["Cộng đồng"]: 5_000_000})


def test_a_house_from_proposal_to_the_first_tranche_paid_through_payments(
        scheme, poor_house, officer_a, district, leader, provincial, payment_agent, commune_a):
    case = approved(scheme, poor_house, officer_a, district, leader)
    assert case.status == HousingStatus.APPROVED and case.amount_total == 85_000_000
    assert scheme.programme.groups.count() == 2 and scheme.programme.overlap_rule == "stack"
    case = housing.case_stage(actor=officer_a, case=case, stage="started", on_date=dt.date(2020, 11, 20),
                              photos=[photo()])
    assert case.status == HousingStatus.STARTED and case.photos.count() == 1
    result = housing.tranche_list_prepare(actor=officer_a, scheme=scheme, commune=commune_a, number=1)
    assert (result.houses, result.amount) == (1, 42_500_000)
    bl = lists.list_submit(actor=officer_a, beneficiary_list=result.beneficiary_list)
    bl = lists.list_appraise(actor=district, beneficiary_list=bl)
    bl = lists.list_approve(actor=leader, beneficiary_list=bl, decision_number="90/QĐ-UBND",
                            decision_date=dt.date(2020, 11, 25), signer="Chủ tịch UBND xã")
    bl = lists.list_post(actor=officer_a, beneficiary_list=bl)
    batch = payments.batch_create(actor=provincial, beneficiary_list=bl, agent=payment_agent)
    assert batch.amount_total == 42_500_000 and batch.line_count == 1
    # a second list for the same tranche finds nothing left to pay
    assert housing.tranche_list_prepare(actor=officer_a, scheme=scheme, commune=commune_a, number=1).houses == 0
    report = selectors.housing_report(scheme=scheme, commune_ids=None)
    assert report["total"]["supported"] == 1 and report["total"]["started"] == 1
    assert {s["source__name"]: s["amount"] for s in report["by_source"]}["Cộng đồng"] == 5_000_000


def test_the_second_tranche_after_acceptance(scheme, poor_house, officer_a, district, leader, commune_a):
    case = approved(scheme, poor_house, officer_a, district, leader)
    with pytest.raises(DomainError, match="«Đã khởi công»"):
        housing.case_stage(actor=officer_a, case=case, stage="finished", on_date=dt.date(2021, 1, 5))
    case = housing.case_stage(actor=officer_a, case=case, stage="started", on_date=dt.date(2020, 11, 20))
    with pytest.raises(DomainError, match="trước ngày của giai đoạn trước"):
        housing.case_stage(actor=officer_a, case=case, stage="finished", on_date=dt.date(2020, 11, 1))
    case = housing.case_stage(actor=officer_a, case=case, stage="finished", on_date=dt.date(2021, 1, 5))
    case = housing.case_stage(actor=district, case=case, stage="accepted", on_date=dt.date(2021, 1, 10))
    assert housing.tranche_list_prepare(actor=officer_a, scheme=scheme, commune=commune_a, number=2).houses == 0
    first = housing.tranche_list_prepare(actor=officer_a, scheme=scheme, commune=commune_a, number=1)
    second = housing.tranche_list_prepare(actor=officer_a, scheme=scheme, commune=commune_a, number=2)
    assert second.amount == 42_500_000 and second.beneficiary_list.group.code == "D2"
    assert sorted(HousingTranche.objects.values_list("number", "amount")) == [(1, 42_500_000), (2, 42_500_000)]
    # the two tranches of one house are two groups of the programme: the list check flags it, the preparer keeps it
    lists.list_checks_run(actor=officer_a, beneficiary_list=second.beneficiary_list)
    kept = lists.flags_resolve_all(actor=officer_a, beneficiary_list=second.beneficiary_list,
                                   kind=FlagKind.OTHER_LIST, resolution="keep",
                                   justification="Đợt 2 của cùng căn nhà, sau nghiệm thu")
    assert kept == 1
    assert lists.list_submit(actor=officer_a, beneficiary_list=second.beneficiary_list).status == ListStatus.SUBMITTED
    assert first.beneficiary_list.status == ListStatus.DRAFT


def test_maker_checker_and_bad_inputs(scheme, poor_house, officer_a, district, leader, commune_b):
    case = housing.case_propose(actor=officer_a, scheme=scheme, review=poor_house)
    with pytest.raises(DomainError, match="đã có hồ sơ"):
        housing.case_propose(actor=officer_a, scheme=scheme, review=poor_house)
    case = housing.case_appraise(actor=district, case=case)
    with pytest.raises(PermissionDenied):
        housing.case_approve(actor=district, case=case, amounts={}, approval_number="1", approval_date=dt.date(2020, 1, 1))
    source = scheme.programme.funding_sources.first()
    with pytest.raises(DomainError, match="ít nhất một nguồn"):
        housing.case_approve(actor=leader, case=case, amounts={source.pk: 0}, approval_number="1",
                             approval_date=dt.date(2020, 11, 1))
    case = housing.case_approve(actor=leader, case=case, amounts={source.pk: 30_000_000}, approval_number="1",
                                approval_date=dt.date(2020, 11, 1))
    with pytest.raises(DomainError, match="JPEG hoặc PNG"):
        housing.case_stage(actor=officer_a, case=case, stage="started", on_date=dt.date(2020, 11, 20),
                           photos=[photo("x.jpg", b"<script>alert(1)</script>")])
    assert case.stages.count() == 0


def test_photos_are_served_only_within_the_area(scheme, poor_house, officer_a, officer_b, district, leader):
    case = approved(scheme, poor_house, officer_a, district, leader)
    housing.case_stage(actor=officer_a, case=case, stage="started", on_date=dt.date(2020, 11, 20), photos=[photo()])
    url = reverse("poverty:photo", args=[case.photos.get().pk])
    mine, other = Client(), Client()
    mine.force_login(officer_a)
    other.force_login(officer_b)
    response = mine.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    assert other.get(url).status_code == 404
    assert other.get(reverse("poverty:case_detail", args=[case.pk])).status_code == 404
    assert mine.get(reverse("poverty:case_detail", args=[case.pk])).status_code == 200


def test_the_scheme_page_counts_houses_from_records(scheme, poor_house, officer_a, district, leader, provincial):
    approved(scheme, poor_house, officer_a, district, leader)
    client = Client()
    client.force_login(provincial)
    page = client.get(reverse("poverty:scheme_detail", args=[scheme.pk])).content.decode()
    assert "1 nhà ở hộ nghèo được hỗ trợ" in page and "Quỹ Thiện tâm" in page
