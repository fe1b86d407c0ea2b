"""Merging two records that both hold a current household membership: the officer chooses which membership
remains and what happens to the other (ended with a date, or the other household's members moved); undo puts
every membership, head and person back exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ansinh.core.errors import DomainError
from ansinh.matching import selectors, services
from ansinh.matching.models import CandidatePair, MatchRun, PairStatus, PersonMerge
from ansinh.matching.services import END_MEMBERSHIP, MOVE_MEMBERS, MembershipChoice
from ansinh.registry import services as registry
from ansinh.registry.models import Household, Membership, Person, Relationship

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2001, 1, 1)


def _state() -> dict:
    """Every membership, household head and person's current household: what undo must restore exactly."""
    return {
        "memberships": sorted(Membership.objects.values_list("pk", "person_id", "household_id", "relationship",
                                                             "joined_date", "left_date", "left_reason")),
        "heads": sorted(Household.objects.values_list("pk", "head_id")),
        "persons": sorted(Person.objects.values_list("pk", "household_id", "commune_id", "merged_into_id", "pid")),
    }


def _current(person) -> list[tuple[str, str]]:
    return list(Membership.objects.filter(person=person, left_date__isnull=True)
                .values_list("household__code", "relationship"))


@pytest.fixture
def same_household_twin(officer_a, household_a):
    """The head of household_a registered a second time in the same household, without tones, day and month
    swapped."""
    return registry.household_add_member(actor=officer_a, household=household_a, relationship=Relationship.OTHER,
                                         full_name="Nguyen Van Hung", sex="M", birth_date=dt.date(1968, 12, 5),
                                         joined_date=LONG_AGO)


@pytest.fixture
def other_household(officer_a, commune_a):
    """A second household headed by the same man written without tones, with his wife and son."""
    household = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ 1", code="HT18073TEST05",
        head={"full_name": "Nguyen Van Hung", "sex": "M", "birth_date": dt.date(1968, 5, 12)})
    for name, sex, born, rel in (("Lê Thị Mai", "F", dt.date(1970, 2, 3), Relationship.SPOUSE),
                                 ("Nguyễn Văn An", "M", dt.date(1995, 1, 1), Relationship.CHILD)):
        registry.household_add_member(actor=officer_a, household=household, relationship=rel, full_name=name,
                                      sex=sex, birth_date=born)
    return Household.objects.get(pk=household.pk)


def test_without_a_choice_the_merge_names_both_households_and_changes_nothing(officer_a, household_a,
                                                                             other_household):
    before = _state()
    with pytest.raises(DomainError) as err:
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=other_household.head)
    assert "HT18073TEST01 (chủ hộ)" in err.value.message and "HT18073TEST05 (chủ hộ)" in err.value.message
    assert "Hãy chọn giữ tư cách thành viên hộ" in err.value.message
    assert _state() == before and not PersonMerge.objects.exists()


def test_same_household_keeps_one_membership_and_undo_restores_it(officer_a, household_a, same_household_twin):
    kept, twin = household_a.head, same_household_twin
    before = _state()
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=twin,
                                   memberships=MembershipChoice(stay_with=kept.pk))
    assert _current(kept) == [("HT18073TEST01", Relationship.HEAD)]
    ended = Membership.objects.get(household=household_a, left_date__isnull=False)
    assert ended.person_id == kept.pk and ended.left_date == timezone.localdate()
    assert ended.left_reason == f"Trùng với thành viên #{kept.pk} (gộp trùng lặp)"
    assert Person.objects.get(pk=twin.pk).household_id is None
    services.person_merge_undo(actor=officer_a, merge=merge)
    assert _state() == before


def test_same_household_keeping_the_duplicate_membership_makes_it_the_head(officer_a, household_a,
                                                                            same_household_twin):
    """The record without tones is kept, with its own membership; the head's role passes to it."""
    head, twin = household_a.head, same_household_twin
    before = _state()
    merge = services.persons_merge(actor=officer_a, kept=twin, merged=head,
                                   memberships=MembershipChoice(stay_with=twin.pk))
    household_a.refresh_from_db()
    assert household_a.head_id == twin.pk
    assert _current(twin) == [("HT18073TEST01", Relationship.HEAD)]
    assert Person.objects.get(pk=twin.pk).pid == "042068001234"
    services.person_merge_undo(actor=officer_a, merge=merge)
    assert _state() == before
    assert Household.objects.get(pk=household_a.pk).head_id == head.pk


def test_different_households_end_the_other_membership_with_a_new_head(officer_a, household_a, other_household):
    kept, merged = household_a.head, other_household.head
    wife = Person.objects.get(full_name="Lê Thị Mai")
    before = _state()
    with pytest.raises(DomainError, match="hãy chọn chủ hộ mới") as err:
        services.persons_merge(actor=officer_a, kept=kept, merged=merged,
                               memberships=MembershipChoice(stay_with=kept.pk, other=END_MEMBERSHIP))
    assert err.value.field == "new_head" and _state() == before
    day = timezone.localdate() - dt.timedelta(days=0)
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=merged, memberships=MembershipChoice(
        stay_with=kept.pk, other=END_MEMBERSHIP, left_date=day, new_head=wife.pk))
    other_household.refresh_from_db()
    assert other_household.head_id == wife.pk and _current(wife) == [("HT18073TEST05", Relationship.HEAD)]
    assert _current(kept) == [("HT18073TEST01", Relationship.HEAD)]
    past = Membership.objects.get(person=kept, household=other_household)
    assert past.left_date == day and past.left_reason == "Gộp trùng lặp: ở hộ HT18073TEST01"
    assert selectors.merge_household_changes(merge)[0].startswith("thành viên hộ #")
    services.person_merge_undo(actor=officer_a, merge=merge)
    assert _state() == before


def test_both_heads_move_the_other_households_members(officer_a, household_a, other_household):
    kept, merged = household_a.head, other_household.head
    wife, son = Person.objects.get(full_name="Lê Thị Mai"), Person.objects.get(full_name="Nguyễn Văn An")
    before = _state()
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=merged,
                                   memberships=MembershipChoice(stay_with=kept.pk, other=MOVE_MEMBERS))
    assert _current(wife) == [("HT18073TEST01", Relationship.SPOUSE)]
    assert _current(son) == [("HT18073TEST01", Relationship.CHILD)]
    assert Person.objects.get(pk=wife.pk).household_id == household_a.pk
    other_household.refresh_from_db()
    assert other_household.head_id is None
    assert not Membership.objects.filter(household=other_household, left_date__isnull=True).exists()
    assert Membership.objects.filter(household=household_a, left_date__isnull=True).count() == 3
    services.person_merge_undo(actor=officer_a, merge=merge)
    assert _state() == before


def test_both_heads_keep_the_merged_records_household(officer_a, household_a, other_household):
    """The kept record moves into the household of the merged record; its own one-person household has no head."""
    kept, merged = household_a.head, other_household.head
    before = _state()
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=merged,
                                   memberships=MembershipChoice(stay_with=merged.pk, other=END_MEMBERSHIP))
    kept.refresh_from_db()
    other_household.refresh_from_db()
    household_a.refresh_from_db()
    assert kept.household_id == other_household.pk and other_household.head_id == kept.pk
    assert household_a.head_id is None
    assert _current(kept) == [("HT18073TEST05", Relationship.HEAD)]
    services.person_merge_undo(actor=officer_a, merge=merge)
    assert _state() == before


def test_a_left_date_before_joining_or_in_the_future_is_refused(officer_a, household_a, same_household_twin):
    before = _state()
    with pytest.raises(DomainError, match="trước ngày Nguyen Van Hung vào hộ HT18073TEST01"):
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=same_household_twin,
                               memberships=MembershipChoice(stay_with=household_a.head_id,
                                                            left_date=dt.date(1999, 1, 1)))
    with pytest.raises(DomainError, match="không được sau hôm nay"):
        services.persons_merge(actor=officer_a, kept=household_a.head, merged=same_household_twin,
                               memberships=MembershipChoice(stay_with=household_a.head_id,
                                                            left_date=timezone.localdate() + dt.timedelta(days=1)))
    assert _state() == before


def test_undo_refuses_when_a_household_changed_after_the_merge(officer_a, household_a, other_household):
    kept, merged = household_a.head, other_household.head
    wife = Person.objects.get(full_name="Lê Thị Mai")
    merge = services.persons_merge(actor=officer_a, kept=kept, merged=merged, memberships=MembershipChoice(
        stay_with=kept.pk, new_head=wife.pk))
    son = Person.objects.get(full_name="Nguyễn Văn An")
    registry.household_change_head(actor=officer_a, household=other_household, new_head=son)
    with pytest.raises(DomainError, match="bản ghi hộ sau đã thay đổi"):
        services.person_merge_undo(actor=officer_a, merge=merge)
    assert PersonMerge.objects.get(pk=merge.pk).undone_at is None
    assert Household.objects.get(pk=other_household.pk).head_id == son.pk


def test_auto_merge_leaves_two_current_memberships_for_review(officer_a, provincial, household_a, other_household):
    run = MatchRun.objects.create(created_by=provincial, review_threshold=0.5, auto_merge_threshold=0.6,
                                  auto_merge_enabled=True)
    pair = CandidatePair.objects.create(run=run, person_low_id=household_a.head_id,
                                        person_high_id=other_household.head_id, probability=0.99, match_weight=9,
                                        band="auto")
    assert services._auto_merge(run, {(pair.person_low_id, pair.person_high_id)}) == 0
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING


# -- the page -------------------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pair_page_shows_the_conflict_and_the_choices_and_merges_with_them(officer_a, household_a,
                                                                                 other_household):
    run = MatchRun.objects.create(created_by=officer_a, review_threshold=0.9, auto_merge_threshold=0.999,
                                  status="finished")
    pair = CandidatePair.objects.create(run=run, person_low_id=household_a.head_id,
                                        person_high_id=other_household.head_id, probability=0.97,
                                        match_weight=10, band="review")
    wife = Person.objects.get(full_name="Lê Thị Mai")
    client = _client(officer_a)
    html = client.get(f"/trung-lap/cap/{pair.pk}/").content.decode()
    assert "cả hai bản ghi đang là thành viên hộ" in html
    assert "HT18073TEST01" in html and "HT18073TEST05" in html and "Lê Thị Mai, Nguyễn Văn An" in html
    assert "Giữ tư cách thành viên hộ của" in html and "Chuyển các thành viên khác của hộ kia" in html
    assert f'name="new_head_high" id="new-head-{other_household.head_id}"' in html
    before = _state()

    response = client.post(f"/trung-lap/cap/{pair.pk}/gop/", {"keep": "low", "stay": "low", "other": "end",
                                                               "left": "35/12/2026"})
    assert response.status_code == 302 and not PersonMerge.objects.exists()
    assert "ngày" in client.get(f"/trung-lap/cap/{pair.pk}/").content.decode().lower()

    response = client.post(f"/trung-lap/cap/{pair.pk}/gop/", {"keep": "low", "stay": "low", "other": "end",
                                                               "left": timezone.localdate().strftime("%d/%m/%Y"),
                                                               "new_head_high": str(wife.pk)})
    merge = PersonMerge.objects.get()
    assert response["Location"].endswith(f"/trung-lap/da-gop/{merge.pk}/")
    assert Household.objects.get(pk=other_household.pk).head_id == wife.pk
    page = client.get(f"/trung-lap/da-gop/{merge.pk}/").content.decode()
    assert "Thay đổi hộ gia đình khi gộp" in page and "ngày rời hộ: — → " in page
    client.post(f"/trung-lap/da-gop/{merge.pk}/hoan-tac/")
    assert _state() == before
