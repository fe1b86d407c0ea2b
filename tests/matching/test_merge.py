"""Merging two records of one person, and undoing it: nothing is lost, nothing is left behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.matching import selectors, services
from ansinh.matching.models import CandidatePair, MatchRun, NonMatch, PairStatus, PersonMerge
from ansinh.programmes.models import Enrolment
from ansinh.registry import services as registry
from ansinh.registry.models import Household, Membership, Person, Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def twin(officer_a, commune_a, household_a):
    """The head of household_a written a second time: no tones, a CMND and a BHXH number, a past
    membership in another household, an enrolment in the NCC register."""
    other = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ dân phố 5", code="HT18073TEST02",
        head={"full_name": "Lê Thị Mai", "sex": "F", "birth_date": dt.date(1970, 2, 3)})
    person = registry.household_add_member(
        actor=officer_a, household=other, relationship=Relationship.SIBLING, full_name="Nguyen Van Hung",
        sex="M", birth_date=dt.date(1968, 5, 12), cmnd="183111222", social_insurance_no="4201234567",
        joined_date=dt.date(2010, 1, 1))
    membership = Membership.objects.get(person=person)
    registry.household_remove_member(actor=officer_a, membership=membership, left_date=dt.date(2024, 1, 5),
                                     reason="Chuyển về hộ con")
    Enrolment.objects.create(register="ncc", person=person, commune=commune_a, decision_number="12/QĐ-UBND",
                             start_date=dt.date(2020, 1, 1))
    return Person.objects.get(pk=person.pk)


def _pair(kept, merged, officer) -> CandidatePair:
    run = MatchRun.objects.create(created_by=officer, review_threshold=0.9, auto_merge_threshold=0.999)
    low, high = sorted([kept.pk, merged.pk])
    return CandidatePair.objects.create(run=run, person_low_id=low, person_high_id=high, probability=0.97,
                                        match_weight=12.0, band="review",
                                        evidence=[{"label": "Họ tên", "weight": 8.0, "agreed": True, "levels": []}])


def test_merge_moves_everything_to_the_kept_record_and_undo_puts_it_back(officer_a, household_a, twin):
    kept = household_a.head
    membership_id = Membership.objects.get(person=twin).pk
    enrolment_id = Enrolment.objects.get(person=twin).pk
    twin_history = twin.history.count()
    membership_history = Membership.history.filter(id=membership_id).count()
    pair = _pair(kept, twin, officer_a)

    merge = services.persons_merge(actor=officer_a, kept=kept, merged=twin, pair=pair)

    kept.refresh_from_db()
    twin.refresh_from_db()
    assert (kept.pid, kept.cmnd, kept.social_insurance_no) == ("042068001234", "183111222", "4201234567")
    assert (twin.pid, twin.cmnd, twin.social_insurance_no) == (None, None, None)
    assert Membership.objects.get(pk=membership_id).person_id == kept.pk
    assert set(kept.memberships.values_list("household__code", flat=True)) == {"HT18073TEST01", "HT18073TEST02"}
    assert Enrolment.objects.get(pk=enrolment_id).person_id == kept.pk
    # history rows stay with their records and gain an entry for the move
    assert twin.history.count() >= twin_history
    assert Membership.history.filter(id=membership_id).count() == membership_history + 1
    assert Membership.history.filter(id=membership_id).latest("history_date").person_id == kept.pk
    assert [m.merged_id for m in selectors.merges_into(kept.pk)] == [twin.pk]
    # the merged person is gone from candidates and marked
    assert Person.objects.get(pk=twin.pk).merged_into_id == kept.pk  # the registry's own «merged» marker
    assert not selectors.exclude_merged(Person.objects.filter(pk=twin.pk)).exists()
    assert selectors.active_merge_of(twin.pk).kept_id == kept.pk
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    from ansinh.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="person_merge", object_id=str(kept.pk)).count() == 1

    services.person_merge_undo(actor=officer_a, merge=merge)

    kept.refresh_from_db()
    twin.refresh_from_db()
    assert (kept.pid, kept.cmnd, kept.social_insurance_no) == ("042068001234", None, None)
    assert (twin.cmnd, twin.social_insurance_no) == ("183111222", "4201234567")
    assert Membership.objects.get(pk=membership_id).person_id == twin.pk
    assert Enrolment.objects.get(pk=enrolment_id).person_id == twin.pk
    assert list(kept.memberships.values_list("household__code", flat=True)) == ["HT18073TEST01"]
    assert Membership.history.filter(id=membership_id).latest("history_date").person_id == twin.pk
    assert selectors.active_merge_of(twin.pk) is None
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
    with pytest.raises(ConcurrentChange):
        services.person_merge_undo(actor=officer_a, merge=PersonMerge.objects.get(pk=merge.pk))


def test_household_head_moves_and_comes_back(officer_a, commune_a, household_a):
    other = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ dân phố 7", code="HT18073TEST03",
        head={"full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": dt.date(1968, 5, 12)})
    twin = other.head
    # the kept record has left household_a: the twin's current household can move to it
    registry.household_change_head(actor=officer_a, household=household_a,
                                   new_head=registry.household_add_member(
                                       actor=officer_a, household=household_a, relationship=Relationship.CHILD,
                                       full_name="Nguyễn Văn An", sex="M", birth_date=dt.date(1995, 1, 1)))
    kept = Person.objects.get(pid="042068001234")
    registry.household_remove_member(actor=officer_a, membership=Membership.objects.get(person=kept),
                                     left_date=timezone.localdate(), reason="Chuyển đi")
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=twin)
    other.refresh_from_db()
    kept.refresh_from_db()
    assert other.head_id == kept.pk and kept.household_id == other.pk
    services.person_merge_undo(actor=officer_a, merge=merge)
    other.refresh_from_db()
    kept.refresh_from_db()
    assert other.head_id == twin.pk and kept.household_id is None
    assert Person.objects.get(pk=twin.pk).household_id == other.pk


def test_conflicting_identity_numbers_refuse_the_merge(officer_a, household_a, commune_a):
    other = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ 1", code="HT18073TEST04",
        head={"full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": dt.date(1968, 5, 12), "pid": "042068009999"})
    with pytest.raises(DomainError, match="số định danh cá nhân khác nhau"):
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=other.head)
    assert not PersonMerge.objects.exists()


def test_two_current_households_without_a_choice_refuse_the_merge(officer_a, household_a, commune_a):
    other = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ 1", code="HT18073TEST05",
        head={"full_name": "Nguyen Van Hung", "sex": "M", "birth_date": dt.date(1968, 5, 12)})
    with pytest.raises(DomainError, match="Cả hai bản ghi đang là thành viên hộ"):
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=other.head)
    assert Membership.objects.filter(person=other.head, left_date__isnull=True).count() == 1


def test_out_of_area_and_read_only_roles_may_not_merge(officer_b, leader, inspector, household_a, twin):
    for user in (officer_b, leader, inspector):
        with pytest.raises(PermissionDenied):
            services.persons_merge(actor=user, kept=household_a.head, merged=twin)
    assert not PersonMerge.objects.exists()


def test_a_second_merge_of_the_same_pair_or_person_is_a_concurrent_change(officer_a, provincial, household_a, twin,
                                                                           household_b):
    pair = _pair(household_a.head, twin, officer_a)
    services.persons_merge(actor=officer_a, kept=household_a.head, merged=twin, pair=pair)
    with pytest.raises(ConcurrentChange):
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=twin, pair=pair)
    with pytest.raises(ConcurrentChange):  # the same person again, into someone else
        services.persons_merge(actor=provincial, kept=household_b.head, merged=twin)
    assert PersonMerge.objects.filter(undone_at__isnull=True).count() == 1


def test_different_people_are_remembered_and_never_proposed_again(officer_a, household_a, twin, trained):
    first = MatchRun.objects.create(created_by=officer_a, review_threshold=0.5, auto_merge_threshold=0.999)
    services.match_run_execute(run_id=first.pk, model=trained)
    first.refresh_from_db()
    pair = CandidatePair.objects.get(run=first, person_low=household_a.head, person_high=twin)
    assert {e["label"] for e in pair.evidence} >= {"Họ tên", "Ngày sinh"}
    assert next(e for e in pair.evidence if e["label"] == "Ngày sinh")["agreed"]

    services.pair_mark_different(actor=officer_a, pair=pair)
    assert NonMatch.objects.filter(person_low=household_a.head, person_high=twin).exists()

    second = MatchRun.objects.create(created_by=officer_a, review_threshold=0.5, auto_merge_threshold=0.999)
    services.match_run_execute(run_id=second.pk, model=trained)
    second.refresh_from_db()
    assert second.status == "finished" and second.pairs_known == 1
    assert not CandidatePair.objects.filter(run=second, person_low=household_a.head, person_high=twin).exists()


def test_auto_merge_only_when_enabled(officer_a, provincial, household_a, twin, trained):
    run = MatchRun.objects.create(created_by=provincial, review_threshold=0.5, auto_merge_threshold=0.6)
    services.match_run_execute(run_id=run.pk, model=trained)
    assert not PersonMerge.objects.exists()
    services.matching_settings_update(actor=provincial, auto_merge_enabled=True, auto_merge_threshold=0.6,
                                      review_threshold=0.5)
    run = MatchRun.objects.create(created_by=provincial, review_threshold=0.5, auto_merge_threshold=0.6,
                                  auto_merge_enabled=True)
    services.match_run_execute(run_id=run.pk, model=trained)
    run.refresh_from_db()
    assert run.auto_merged == 1
    merge = PersonMerge.objects.get()
    assert merge.automatic and {merge.kept_id, merge.merged_id} == {household_a.head_id, twin.pk}
    assert Household.objects.filter(pk=household_a.pk).exists()


def test_a_rerun_inserts_only_new_pairs_and_rescores_the_queued_row(officer_a, household_a, twin, trained):
    first = MatchRun.objects.create(created_by=officer_a, review_threshold=0.5, auto_merge_threshold=0.999)
    services.match_run_execute(run_id=first.pk, model=trained)
    first.refresh_from_db()
    queued = CandidatePair.objects.get(person_low=household_a.head, person_high=twin, status=PairStatus.PENDING)
    assert first.pairs_total >= 1 and first.pairs_queued == 0
    assert first.model_source == "Mô hình được chỉ định khi chạy"

    second = MatchRun.objects.create(created_by=officer_a, review_threshold=0.5, auto_merge_threshold=0.999)
    services.match_run_execute(run_id=second.pk, model=trained)
    second.refresh_from_db()
    assert second.status == "finished" and second.pairs_total == second.pairs_queued == first.pairs_total
    assert CandidatePair.objects.filter(person_low=household_a.head, person_high=twin).count() == 1
    again = CandidatePair.objects.get(pk=queued.pk)  # the same row, this run's scores
    assert again.status == PairStatus.PENDING and again.run_id == second.pk
    assert again.probability == pytest.approx(queued.probability) and again.evidence == queued.evidence


def test_the_database_holds_one_pending_row_per_pair(officer_a, household_a, twin):
    from django.db import IntegrityError, transaction

    pair = _pair(household_a.head, twin, officer_a)
    run = MatchRun.objects.create(created_by=officer_a, review_threshold=0.9, auto_merge_threshold=0.999)
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidatePair.objects.create(run=run, person_low_id=pair.person_low_id, person_high_id=pair.person_high_id,
                                     probability=0.9, match_weight=5, band="review")
    CandidatePair.objects.filter(pk=pair.pk).update(status=PairStatus.DIFFERENT)
    CandidatePair.objects.create(run=run, person_low_id=pair.person_low_id, person_high_id=pair.person_high_id,
                                 probability=0.9, match_weight=5, band="review", status=PairStatus.SUPERSEDED)


def test_the_run_reports_progress_inside_prediction_and_pairs_by_commune(officer_a, household_a, twin, trained,
                                                                         monkeypatch):
    from ansinh.matching import model as mm

    monkeypatch.setattr(mm, "PREDICT_CHUNK_RECORDS", 1)
    stages = []
    real = services._progress
    monkeypatch.setattr(services, "_progress", lambda run, percent, stage, **kw: (stages.append((percent, stage)),
                                                                                  real(run, percent, stage, **kw)))
    run = MatchRun.objects.create(created_by=officer_a, review_threshold=0.5, auto_merge_threshold=0.999,
                                  status="queued")
    services.match_run_execute(run_id=run.pk, model=trained)
    inside = [s for s in stages if s[1].startswith("So sánh các cặp nghi trùng: phần")]
    records = Person.objects.count()
    assert [s[1] for s in inside] == [f"So sánh các cặp nghi trùng: phần {i}/{records}" for i in range(1, records + 1)]
    assert [s[0] for s in inside] == sorted(s[0] for s in inside) and inside[-1][0] == 75
    band = CandidatePair.objects.get(run=run).band
    assert selectors.run_pairs_by_area(run) == [{"name": "Phường Thành Sen", "pairs": 1, "auto": int(band == "auto")}]
    from django.test import Client

    client = Client()
    client.force_login(officer_a)
    html = client.get(f"/trung-lap/chay/{run.pk}/").content.decode()
    assert "Mô hình được chỉ định khi chạy" in html and "Phường Thành Sen" in html


def test_the_pair_page_warns_of_twins_and_not_of_one_person_written_twice(officer_a, household_a, twin, client):
    born = dt.date(1992, 3, 8)
    hoa = registry.household_add_member(actor=officer_a, household=household_a, relationship=Relationship.CHILD,
                                        full_name="Nguyễn Thị Hoa", sex="F", birth_date=born)
    hoan = registry.household_add_member(actor=officer_a, household=household_a, relationship=Relationship.CHILD,
                                         full_name="Nguyễn Thị Hoàn", sex="F", birth_date=born)
    client.force_login(officer_a)
    twins = _pair(hoa, hoan, officer_a)
    assert selectors.may_be_twins(twins)
    assert 'data-testid="twins"' in client.get(f"/trung-lap/cap/{twins.pk}/").content.decode()
    written_twice = _pair(household_a.head, twin, officer_a)  # same given name, tones lost: one person
    assert not selectors.may_be_twins(written_twice)
    assert 'data-testid="twins"' not in client.get(f"/trung-lap/cap/{written_twice.pk}/").content.decode()


def _namesake(officer, household, *, years_later: int):
    """A sibling of the head with the head's full name and sex, born ``years_later`` years after."""
    head = household.head
    return registry.household_add_member(
        actor=officer, household=household, relationship=Relationship.SIBLING, full_name=head.full_name,
        sex=head.sex, birth_date=head.birth_date.replace(year=head.birth_date.year + years_later))


def test_the_pair_page_says_why_birth_years_apart_are_not_merged_automatically(officer_a, household_a, twin,
                                                                                client):
    head = household_a.head
    year_later = _namesake(officer_a, household_a, years_later=1)
    client.force_login(officer_a)
    apart = _pair(head, year_later, officer_a)
    assert selectors.years_apart(apart) == tuple(sorted([head.birth_date.year, head.birth_date.year + 1]))
    html = client.get(f"/trung-lap/cap/{apart.pk}/").content.decode()
    assert 'data-testid="years-apart"' in html
    assert f"({min(selectors.years_apart(apart))} và {max(selectors.years_apart(apart))})" in html
    written_twice = _pair(head, twin, officer_a)  # same date of birth: nothing to say about the years
    assert selectors.years_apart(written_twice) is None
    assert 'data-testid="years-apart"' not in client.get(f"/trung-lap/cap/{written_twice.pk}/").content.decode()


def test_the_pair_page_names_the_other_pair_when_one_record_looks_like_two_people(officer_a, household_a, twin,
                                                                                  client):
    """The head looks like ``twin`` and like a third person, and those two are not waiting as a pair: the page
    points to the other pair (which the officer should compare first). Once they are a pair too, it says nothing."""
    head = household_a.head
    third = _namesake(officer_a, household_a, years_later=2)
    client.force_login(officer_a)
    pair = _pair(head, twin, officer_a)
    other = _pair(head, third, officer_a)
    assert selectors.torn_pairs(pair=pair, user=officer_a) == [other]
    html = client.get(f"/trung-lap/cap/{pair.pk}/").content.decode()
    assert 'data-testid="torn"' in html and f'href="/trung-lap/cap/{other.pk}/"' in html
    _pair(twin, third, officer_a)
    assert selectors.torn_pairs(pair=pair, user=officer_a) == []
    assert 'data-testid="torn"' not in client.get(f"/trung-lap/cap/{pair.pk}/").content.decode()
