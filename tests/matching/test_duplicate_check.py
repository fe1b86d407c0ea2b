"""The duplicate check while typing: likely matches across the province, details only inside the area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ansinh.matching import selectors
from ansinh.matching.model import score_candidates
from ansinh.matching.models import MatchRun, RunStatus

pytestmark = pytest.mark.django_db
URL = "/trung-lap/kiem-tra/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inside_the_area_the_match_is_shown_with_its_details(officer_a, household_a):
    html = _client(officer_a).post(URL, {"full_name": "Nguyen Van Hung", "birth": "12/05/1968", "sex": "M"},
                                  HTTP_HX_REQUEST="true").content.decode()
    assert 'data-inside="1"' in html
    assert "Nguyễn Văn Hùng" in html and "HT18073TEST01" in html and "042068001234" in html


def test_outside_the_area_only_commune_and_birth_year_are_shown(officer_b, household_a):
    html = _client(officer_b).post(URL, {"full_name": "Nguyễn Văn Hùng", "birth": "1968", "sex": "M"},
                                  HTTP_HX_REQUEST="true").content.decode()
    assert 'data-inside="0"' in html
    assert "Một người ở Phường Thành Sen, sinh năm 1968" in html
    for secret in ("Nguyễn Văn Hùng", "HT18073TEST01", "042068001234", "12/05/1968"):
        assert secret not in html


def test_an_identity_number_already_held_is_found_even_with_another_name(officer_b, household_a):
    hints = selectors.duplicate_candidates(user=officer_b, full_name="Hùng", birth=None, pid="042068001234")
    assert [h.person_id for h in hints] == [household_a.head_id]
    assert not hints[0].inside and hints[0].full_name == "" and hints[0].identity == ""


def test_nothing_like_it_gives_no_hint(officer_a, household_a):
    hints = selectors.duplicate_candidates(user=officer_a, full_name="Phạm Thị Lan", birth=dt.date(1990, 1, 2),
                                           sex="F")
    assert hints == []


def test_with_a_trained_model_the_weights_are_the_models(officer_a, household_a, trained):
    MatchRun.objects.create(created_by=officer_a, review_threshold=0.9, auto_merge_threshold=0.999,
                            status=RunStatus.FINISHED, model=trained.as_dict())
    hints = selectors.duplicate_candidates(user=officer_a, full_name="Nguyen Van Hung", birth=dt.date(1968, 5, 12),
                                           sex="M")
    assert [h.person_id for h in hints] == [household_a.head_id]
    labels = {e["label"]: e for e in hints[0].evidence}
    assert labels["Họ tên"]["agreed"] and labels["Ngày sinh"]["agreed"]


def test_fast_score_agrees_with_splink(trained):
    record = {"unique_id": 0, "full_name": "Nguyễn Thị Hoa", "sex": "F", "birth_date": "12/05/1968", "pid": None}
    candidates = [
        {"unique_id": 1, "full_name": "Nguyen Thi Hoa", "sex": "F", "birth_date": "1968", "pid": None},
        {"unique_id": 2, "full_name": "Nguyễn Thị Hòa", "sex": "F", "birth_date": "05/12/1968", "pid": "042168001234"},
        {"unique_id": 3, "full_name": "Nguyễn Văn Hoa", "sex": "M", "birth_date": "12/05/1969", "pid": None},
    ]
    ours = {r["unique_id"]: r["match_weight"] for r in selectors.fast_score(record, candidates, trained)}
    splink = dict(zip(*score_candidates(record, candidates, trained).select("unique_id_r", "match_weight")
                      .to_dict(as_series=False).values(), strict=True))
    for uid, weight in splink.items():
        assert ours[uid] == pytest.approx(weight, abs=0.05)
