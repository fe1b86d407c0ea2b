"""«Is this person enrolled in register R on date D?» through the API."""

from __future__ import annotations

import datetime as dt

import pytest

from api.conftest import enrolled, enrolled_envelope

pytestmark = pytest.mark.django_db


def _answers(api, key, *criteria):
    response = api.call(key, "POST", "/enrolment/sync/enrolled", enrolled_envelope(*criteria))
    assert response.status_code == 200, response.content
    return response.json()["message"]["enrolled_response"]


def test_ncc_enrolment_follows_the_dated_suspension_and_resumption(api, clients, people, enrolments):
    _c, key = clients["xa_a"]
    who = people["a3"].pk
    days = [dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2021, 2, 28), dt.date(2021, 3, 15),
            dt.date(2021, 5, 31), dt.date(2021, 6, 1), dt.date(2025, 1, 1)]
    answers = _answers(api, key, *[enrolled("ncc", day, person_id=who) for day in days])
    assert [a["data"]["enrolled"] for a in answers] == [False, True, True, False, False, True, True]
    first = answers[1]["data"]["enrolments"][0]
    assert (first["register_code"], first["start_date"], first["category"]) == ("ncc", "2020-01-01", "war_invalid")


def test_by_identity_number_in_the_body_and_other_registers_are_no(api, clients, people, enrolments):
    _c, key = clients["tinh"]
    [ncc, tgxh] = _answers(api, key, enrolled("ncc", dt.date(2024, 5, 1), identifier="042048007777"),
                           enrolled("tgxh", dt.date(2024, 5, 1), identifier="042048007777"))
    assert (ncc["data"]["enrolled"], tgxh["data"]["enrolled"]) == (True, False)
    assert ncc["data"]["person_id"] == people["a3"].pk


def test_poor_household_register_answers_for_the_members_household_until_its_end(api, clients, people, enrolments):
    _c, key = clients["xa_b"]
    answers = _answers(api, key, enrolled("poor", dt.date(2023, 6, 1), person_id=people["b2"].pk),
                       enrolled("poor", dt.date(2024, 1, 1), person_id=people["b2"].pk),
                       enrolled("near_poor", dt.date(2023, 6, 1), person_id=people["b2"].pk))
    assert [a["data"]["enrolled"] for a in answers] == [True, False, False]
    assert answers[0]["data"]["enrolments"][0]["household"]["code"] == "HT18685API01"


def test_a_person_of_another_area_is_not_found_and_says_nothing_of_the_enrolment(api, clients, people, enrolments):
    _c, key = clients["xa_b"]
    [answer] = _answers(api, key, enrolled("ncc", dt.date(2024, 5, 1), person_id=people["a3"].pk))
    assert (answer["status"], answer["status_reason_code"], answer["data"]) == ("rjct", "not_found", None)


def test_a_question_naming_two_people_or_none_is_invalid(api, clients, people):
    _c, key = clients["tinh"]
    both = enrolled("ncc", dt.date(2024, 5, 1), person_id=people["a3"].pk, identifier="042048007777")
    response = api.call(key, "POST", "/enrolment/sync/enrolled", enrolled_envelope(both))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "đúng một" in response.json()["error"]["details"][0]["message"]
