"""Health and disability data (``programmes.sensitive``): a TGXH category that names a disability or HIV, an NCC
category of war invalids and their injury rate, shown to the roles that establish or check them
(``accounts.models.HEALTH_READERS``) and masked for the others, on the pages and through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ansinh.accounts.models import Role
from ansinh.programmes import sensitive
from api.conftest import enrolled, enrolled_envelope
from programmes import factories as f

pytestmark = pytest.mark.django_db


def test_the_categories_that_reveal_health_are_known_categories():
    from ansinh.policy.variables.enums import NccCategory, TgxhCategory

    assert set(TgxhCategory.__members__) >= sensitive.HEALTH_TGXH_CATEGORIES
    assert set(NccCategory.__members__) >= sensitive.HEALTH_NCC_CATEGORIES
    assert sensitive.reveals_health("disabled_severe") and not sensitive.reveals_health("elderly_80_no_pension")


def test_the_api_masks_a_disability_category_for_a_leaders_key(api, clients, people, commune_a):
    f.enrol("tgxh", commune=commune_a, who=people["a2"], start=dt.date(2020, 1, 1), category="disabled_severe")
    question = enrolled_envelope(enrolled("tgxh", dt.date(2024, 5, 1), person_id=people["a2"].pk))

    def category(label):
        response = api.call(clients[label][1], "POST", "/enrolment/sync/enrolled", question)
        return response.json()["message"]["enrolled_response"][0]["data"]["enrolments"][0]["category"]

    assert category("tinh") == "disabled_severe"
    assert category("thanhtra") == "disabled_severe"
    assert category("lanhdao") == sensitive.MASKED


def test_the_enrolment_page_masks_the_category_and_the_injury_rate(enrolments, people, province, provincial):
    ncc = enrolments["ncc"]  # a war invalid, 61 %
    leader = Client()
    leader.force_login(f.user("lanhdao_mask", Role.LEADER, province))
    masked = leader.get(f"/chi-tra-hang-thang/ho-so/{ncc.pk}/")
    assert masked.status_code == 200, masked.status_code
    text = masked.content.decode()
    assert sensitive.MASKED in text and "Thương binh" not in text and "61%" not in text
    officer = Client()
    officer.force_login(provincial)
    shown = officer.get(f"/chi-tra-hang-thang/ho-so/{ncc.pk}/").content.decode()
    assert "Thương binh" in shown and "(61%)" in shown and sensitive.MASKED not in shown


def test_a_payroll_lines_explanation_link_is_dropped_when_it_would_carry_a_disability(provincial, province):
    from ansinh.payroll.views import _explanation

    line = {"register": "tgxh", "kind": "regular", "entitlement_month": dt.date(2024, 7, 1),
            "facts": {"tgxh_category": "disabled_severe", "birth_date": "1960-01-01"}}
    assert "disabled_severe" in _explanation(provincial, line)
    leader = f.user("lanhdao_mask2", Role.LEADER, province)
    assert _explanation(leader, line) == ""
    line["facts"] = {"tgxh_category": "elderly_80_no_pension", "birth_date": "1940-01-01"}
    assert "elderly_80_no_pension" in _explanation(leader, line)
