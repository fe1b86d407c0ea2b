"""The review queue pages: scoped by area, decisions, merge and undo through the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ansinh.matching.models import CandidatePair, MatchRun, NonMatch, PairStatus, PersonMerge
from ansinh.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(officer_a, commune_a, household_a):
    other = registry.household_create(
        actor=officer_a, commune=commune_a, village="Tổ 9", code="HT18073VIEW01",
        head={"full_name": "Nguyen Van Hung", "sex": "M", "birth_date": dt.date(1968, 5, 12), "cmnd": "183000111"})
    registry.household_change_head(actor=officer_a, household=household_a, new_head=registry.household_add_member(
        actor=officer_a, household=household_a, relationship="child", full_name="Nguyễn Văn Bình", sex="M",
        birth_date=dt.date(1990, 1, 1)))
    from ansinh.registry.models import Membership

    registry.household_remove_member(actor=officer_a, membership=Membership.objects.get(person=household_a.head),
                                     left_date=timezone.localdate(), reason="Chuyển đi")
    run = MatchRun.objects.create(created_by=officer_a, review_threshold=0.9, auto_merge_threshold=0.999,
                                  status="finished")
    head = household_a.head
    return CandidatePair.objects.create(
        run=run, person_low=head, person_high=other.head, probability=0.981, match_weight=11.2, band="review",
        evidence=[{"label": "Họ tên", "weight": 7.5, "agreed": True, "levels": ["Tên (gọi), bỏ dấu: giống"]},
                  {"label": "Ngày sinh", "weight": 9.1, "agreed": True, "levels": ["trùng ngày, tháng, năm"]},
                  {"label": "Số định danh", "weight": 0.0, "agreed": False, "levels": []}])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_shows_the_pair_inside_the_area_only(pair, officer_a, officer_b, provincial):
    assert "Nguyen Van Hung" in _client(officer_a).get("/trung-lap/").content.decode()
    assert "Nguyen Van Hung" in _client(provincial).get("/trung-lap/").content.decode()
    assert "Nguyen Van Hung" not in _client(officer_b).get("/trung-lap/").content.decode()
    assert _client(officer_b).get(f"/trung-lap/cap/{pair.pk}/").status_code == 404


def test_pair_page_shows_both_people_and_the_evidence(pair, officer_a):
    html = _client(officer_a).get(f"/trung-lap/cap/{pair.pk}/").content.decode()
    assert "Nguyễn Văn Hùng" in html and "Nguyen Van Hung" in html
    assert "trùng ngày, tháng, năm" in html and ("9,10" in html or "9.10" in html)


def test_same_person_merges_and_undo_restores(pair, officer_a):
    client = _client(officer_a)
    response = client.post(f"/trung-lap/cap/{pair.pk}/gop/", {"keep": "low"})
    merge = PersonMerge.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/trung-lap/da-gop/{merge.pk}/")
    pair.person_low.refresh_from_db()
    assert pair.person_low.cmnd == "183000111"
    html = client.get(f"/trung-lap/da-gop/{merge.pk}/").content.decode()
    assert "Đang hiệu lực" in html
    client.post(f"/trung-lap/da-gop/{merge.pk}/hoan-tac/")
    pair.person_low.refresh_from_db()
    assert pair.person_low.cmnd is None
    assert "Đã hoàn tác" in client.get(f"/trung-lap/da-gop/{merge.pk}/").content.decode()


def test_different_people_leaves_the_queue(pair, officer_a):
    _client(officer_a).post(f"/trung-lap/cap/{pair.pk}/khac-nguoi/")
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and NonMatch.objects.count() == 1
    assert "Nguyen Van Hung" not in _client(officer_a).get("/trung-lap/").content.decode()


def test_read_only_roles_see_but_cannot_decide(pair, leader):
    client = _client(leader)
    html = client.get(f"/trung-lap/cap/{pair.pk}/").content.decode()
    assert "Cùng một người: gộp" not in html
    client.post(f"/trung-lap/cap/{pair.pk}/gop/", {"keep": "low"})
    assert not PersonMerge.objects.exists()


def test_only_provincial_roles_start_a_run(officer_a, provincial, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _client(officer_a).post("/trung-lap/chay/")
    assert not MatchRun.objects.exists()
    response = _client(provincial).post("/trung-lap/chay/")
    run = MatchRun.objects.get()
    assert response["Location"].endswith(f"/trung-lap/chay/{run.pk}/")
    assert "Chờ chạy" in _client(provincial).get(f"/trung-lap/chay/{run.pk}/").content.decode()


def test_the_add_member_form_carries_the_duplicate_check(household_a, officer_a):
    html = _client(officer_a).get(f"/ho-so/ho/{household_a.pk}/").content.decode()
    assert 'hx-post="/trung-lap/kiem-tra/"' in html and "keyup changed delay:400ms" in html
