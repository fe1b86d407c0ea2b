"""A round from the list to the commune chairman's decision: steps in order, maker-checker, the procedure's
parameters, the decision after the posting (service and database), the standing registers with history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.poverty.models import Certificate, HouseholdReview, ReviewRound, RoundKind, RoundStatus
from ansinh.poverty.services import rounds, surveys
from ansinh.programmes.models import Enrolment, EnrolmentEvent
from poverty import factories as f

pytestmark = pytest.mark.django_db
ND07 = frozenset({"d_health_insurance", "d_toilet", "d_housing_quality"})


def survey(actor, review_round, hh, income, deprived=frozenset(), **kwargs):
    return surveys.survey_record(actor=actor, review_round=review_round, household=hh, data=surveys.SurveyInput(
        income_per_capita=income, deprived=frozenset(deprived), is_urban=hh.is_urban), **kwargs)


@pytest.fixture
def world(commune_a):
    hh = {"poor_stays": f.household(commune_a, "HTW001"), "poor_out": f.household(commune_a, "HTW002"),
          "poor_near": f.household(commune_a, "HTW003"), "near_out": f.household(commune_a, "HTW004"),
          "moved": f.household(commune_a, "HTW005"), "back": f.household(commune_a, "HTW006"),
          "new": f.household(commune_a, "HTW007")}
    for key in ("poor_stays", "poor_out", "poor_near", "moved"):
        f.enrol("poor", hh[key])
    f.enrol("near_poor", hh["near_out"])
    f.enrol("poor", hh["back"], start=dt.date(2016, 1, 1), end=dt.date(2019, 1, 1))  # out of poverty in 2019
    return hh


def opened(officer, commune, year=2021):
    return surveys.round_open(actor=officer, commune=commune, year=year, reference_date=dt.date(year, 9, 1))


def surveyed_round(officer, commune, hh):
    r = opened(officer, commune)
    assert set(r.households.values_list("household__code", flat=True)) == {"HTW001", "HTW002", "HTW003", "HTW004",
                                                                             "HTW005"}
    survey(officer, r, hh["poor_stays"], 1_000_000, ND07)
    survey(officer, r, hh["poor_out"], 3_000_000)
    survey(officer, r, hh["poor_near"], 1_200_000, {"d_toilet"})
    survey(officer, r, hh["near_out"], 2_500_000)
    rounds.household_exit(actor=officer, review=r.households.get(household=hh["moved"]), reason="moved")
    for key in ("back", "new"):
        rounds.household_add(actor=officer, review_round=r, household=hh[key], source="applied")
        survey(officer, r, hh[key], 900_000, ND07)
    return r


def to_posted(officer, r, *, start=dt.date(2021, 10, 4), end=dt.date(2021, 10, 8)):
    r = rounds.round_meeting(actor=officer, review_round=r, meeting_date=dt.date(2021, 10, 1), attendees=40,
                             agreeing=30)
    return rounds.round_post(actor=officer, review_round=r, start=start, end=end, place="Nhà văn hóa thôn 1")


def test_the_whole_procedure_ends_in_the_standing_registers(world, officer_a, district, commune_a):
    hh = world
    r = surveyed_round(officer_a, commune_a, hh)
    rounds.outcome_record(actor=officer_a, review=r.households.get(household=hh["poor_out"]), status="near_poor",
                          reason="Chủ hộ ốm nặng, thu nhập không ổn định (biên bản họp thôn 1)")
    r = to_posted(officer_a, r)
    complaint = rounds.complaint_record(actor=officer_a, review_round=r, complainant="Trần Văn Kiến",
                                        content="Hộ HTW004 còn khó khăn", received_on=dt.date(2021, 10, 5),
                                        household_code="HTW004")
    with pytest.raises(DomainError, match="khiếu nại chưa giải quyết"):
        rounds.round_report(actor=officer_a, review_round=r)
    rounds.complaint_resolve(actor=officer_a, complaint=complaint, resolution="Phúc tra: thu nhập đúng như phiếu",
                             resolved_on=dt.date(2021, 10, 7))
    r = rounds.round_report(actor=officer_a, review_round=r)
    with pytest.raises(PermissionDenied):  # the reporter does not give the district's opinion
        rounds.round_endorse(actor=officer_a, review_round=r)
    r = rounds.round_endorse(actor=district, review_round=r, note="Đồng ý")
    r = rounds.round_recognise(actor=officer_a, review_round=r, decision_number="215/QĐ-UBND",
                               decision_date=dt.date(2021, 12, 20), signer="Nguyễn Văn Chủ tịch",
                               effective_date=dt.date(2022, 1, 1))
    assert r.status == RoundStatus.RECOGNISED

    def open_on(household, day=dt.date(2022, 1, 1)):
        return set(Enrolment.objects.filter(household=household, start_date__lte=day)
                   .exclude(end_date__lte=day).values_list("register", flat=True))

    assert open_on(hh["poor_stays"]) == {"poor"}
    assert Enrolment.objects.filter(household=hh["poor_stays"]).count() == 1  # kept, not re-created
    assert open_on(hh["poor_out"]) == {"near_poor"}  # the meeting's outcome, with its reason
    assert open_on(hh["poor_near"]) == {"near_poor"}
    assert open_on(hh["near_out"]) == set() and open_on(hh["moved"]) == set()
    assert open_on(hh["back"]) == {"poor"} and open_on(hh["new"]) == {"poor"}
    # history: the previous enrolment of the household that left poverty ends the day the new list applies
    ended = Enrolment.objects.get(household=hh["poor_near"], register="poor")
    assert ended.end_date == dt.date(2022, 1, 1) and ended.decision_number == "9/QĐ-UBND"
    assert open_on(hh["poor_near"], dt.date(2021, 12, 31)) == {"poor"}
    assert EnrolmentEvent.objects.filter(enrolment=ended, kind="decrease", decision_number="215/QĐ-UBND").exists()
    issued = rounds.certificates_issue(actor=officer_a, review_round=r, issued_on=timezone.localdate())
    assert issued == Certificate.objects.count() == 5  # 3 poor + 2 near-poor


def test_the_transitions_of_a_round(world, officer_a, commune_a):
    from ansinh.poverty.selectors import transitions_frame

    r = surveyed_round(officer_a, commune_a, world)
    codes = {h.pk: h.code for h in world.values()}
    category = {codes[h]: c for h, c in transitions_frame([r]).select("household_id", "category").iter_rows()}
    assert category == {"HTW001": "stays_poor", "HTW002": "out_poor", "HTW003": "poor_to_near",
                        "HTW004": "out_near", "HTW005": "moved", "HTW006": "back_poor", "HTW007": "new_poor"}


def test_steps_are_refused_out_of_order_and_with_bad_dates(world, officer_a, commune_a):
    r = opened(officer_a, commune_a)
    with pytest.raises(DomainError, match="chưa có phiếu rà soát"):
        rounds.round_meeting(actor=officer_a, review_round=r, meeting_date=dt.date(2021, 10, 1), attendees=10,
                             agreeing=9)
    for key, income in (("poor_stays", 1_000_000), ("poor_out", 3_000_000), ("poor_near", 1_200_000),
                        ("near_out", 2_500_000)):
        survey(officer_a, r, world[key], income)
    rounds.household_exit(actor=officer_a, review=r.households.get(household=world["moved"]), reason="dissolved")
    with pytest.raises(DomainError, match="dưới 50%"):  # QĐ 24/2021 Điều 4 khoản 3
        rounds.round_meeting(actor=officer_a, review_round=r, meeting_date=dt.date(2021, 10, 1), attendees=40,
                             agreeing=19)
    with pytest.raises(DomainError, match="Bước «Niêm yết công khai» chỉ thực hiện được"):
        rounds.round_post(actor=officer_a, review_round=r, start=dt.date(2021, 10, 4), end=dt.date(2021, 10, 8),
                          place="Nhà văn hóa")
    r = rounds.round_meeting(actor=officer_a, review_round=r, meeting_date=dt.date(2021, 10, 1), attendees=40,
                             agreeing=20)
    with pytest.raises(DomainError, match="trước ngày bắt đầu"):
        rounds.round_post(actor=officer_a, review_round=r, start=dt.date(2021, 10, 8), end=dt.date(2021, 10, 4),
                          place="Nhà văn hóa")
    r = rounds.round_post(actor=officer_a, review_round=r, start=dt.date(2021, 10, 4), end=dt.date(2021, 10, 8),
                          place="Nhà văn hóa")
    with pytest.raises(DomainError, match="trong thời gian niêm yết"):
        rounds.complaint_record(actor=officer_a, review_round=r, complainant="Ai đó", content="Khiếu nại muộn",
                                received_on=dt.date(2021, 10, 20))


def test_a_decision_before_the_posting_ended_is_refused(world, officer_a, district, commune_a):
    r = surveyed_round(officer_a, commune_a, world)
    r = to_posted(officer_a, r)
    r = rounds.round_report(actor=officer_a, review_round=r)
    r = rounds.round_endorse(actor=district, review_round=r)
    with pytest.raises(DomainError, match="ký trước khi kết thúc niêm yết"):
        rounds.round_recognise(actor=officer_a, review_round=r, decision_number="1/QĐ-UBND",
                               decision_date=dt.date(2021, 10, 8), signer="Chủ tịch", effective_date=dt.date(2022, 1, 1))
    assert ReviewRound.objects.get().status == RoundStatus.ENDORSED
    assert not Enrolment.objects.filter(decision_number="1/QĐ-UBND").exists()  # nothing half written
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database refuses it too
        ReviewRound.objects.filter(pk=r.pk).update(decision_date=dt.date(2021, 10, 7))


def test_an_outcome_needs_a_reason_and_differs_from_the_rules(world, officer_a, commune_a):
    r = opened(officer_a, commune_a)
    review = survey(officer_a, r, world["poor_stays"], 1_000_000, ND07)
    with pytest.raises(DomainError, match="Ghi rõ lý do"):
        rounds.outcome_record(actor=officer_a, review=review, status="near_poor", reason="")
    with pytest.raises(DomainError, match="trùng với kết quả tính"):
        rounds.outcome_record(actor=officer_a, review=review, status="poor", reason="Lý do bất kỳ ở đây")
    with transaction.atomic(), pytest.raises(IntegrityError):
        HouseholdReview.objects.filter(pk=review.pk).update(meeting_status="near_poor", final_status="near_poor")


def test_a_survey_twice_from_the_form_is_refused_but_can_be_corrected(world, officer_a, commune_a):
    r = opened(officer_a, commune_a)
    survey(officer_a, r, world["poor_stays"], 1_000_000)
    with pytest.raises(DomainError, match="đã có phiếu rà soát"):
        survey(officer_a, r, world["poor_stays"], 2_000_000)
    corrected = survey(officer_a, r, world["poor_stays"], 2_600_000, edit=True)
    assert corrected.rules_status == "not_poor"
    with pytest.raises(DomainError, match="không được âm"):
        survey(officer_a, r, world["poor_out"], -1)


def test_another_commune_and_a_second_annual_round_are_refused(world, officer_a, officer_b, commune_a, commune_b):
    opened(officer_a, commune_a)
    with pytest.raises(DomainError, match="đã có kỳ rà soát định kỳ năm 2021"):
        opened(officer_a, commune_a)
    with pytest.raises(PermissionDenied):
        opened(officer_a, commune_b)
    regular = surveys.round_open(actor=officer_a, commune=commune_a, year=2021, kind=RoundKind.REGULAR)
    assert regular.kind == RoundKind.REGULAR
    with pytest.raises(PermissionDenied):
        survey(officer_b, regular, world["new"], 1_000_000)


def test_a_year_whose_standard_cannot_classify_refuses_the_survey(world, officer_a, commune_a):
    r = surveys.round_open(actor=officer_a, commune=commune_a, year=2021)
    ReviewRound.objects.filter(pk=r.pk).update(year=2026, standard="nd351_2025", period="2027-01")
    r.refresh_from_db()
    with pytest.raises(DomainError, match="poverty.nd351_2025.indicators_as_nd07_2021"):
        survey(officer_a, r, world["poor_stays"], 1_000_000, ND07)
    assert not HouseholdReview.objects.filter(income_per_capita__isnull=False).exists()


def test_once_an_administrator_fills_the_parameter_the_year_classifies(world, officer_a, provincial, leader,
                                                                      commune_a, tmp_path):
    from django.utils import timezone as tz

    from ansinh.policy.models import ChangeStatus, ParameterChange

    r = surveys.round_open(actor=officer_a, commune=commune_a, year=2021)
    review = survey(officer_a, r, world["poor_stays"], 2_100_000, ND07)  # rural NĐ 07: above the line
    ReviewRound.objects.filter(pk=r.pk).update(year=2026, standard="nd351_2025", period="2027-01")
    with pytest.raises(DomainError, match="indicators_as_nd07_2021"):
        surveys.year_classify(actor=provincial, year=2026)
    ParameterChange.objects.create(parameter="poverty.nd351_2025.indicators_as_nd07_2021", start=dt.date(2027, 1, 1),
                                   value=True, reference="NĐ 351/2025/NĐ-CP (thử nghiệm)", proposed_by=provincial,
                                   status=ChangeStatus.APPROVED, decided_by=leader, decided_at=tz.now())
    done = surveys.year_classify(actor=provincial, year=2026)
    assert (done.rounds, done.households) == (1, 1)
    review.refresh_from_db()
    assert review.rules_status == "poor" and review.poverty_line == 2_200_000  # NĐ 351/2025 rural line
