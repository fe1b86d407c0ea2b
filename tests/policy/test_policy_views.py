"""The policy pages through the test client: parameters, proposals, approval queue, explanations."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from ansinh.accounts.models import Role, User
from ansinh.policy import services
from ansinh.policy.bridge import build_tax_benefit_system, list_parameters
from ansinh.policy.links import explanation_url
from ansinh.policy.models import ChangeStatus, ParameterChange

pytestmark = pytest.mark.django_db

EXAMPLE = {"tgxh_category": "elderly_80_no_pension", "birth_date": "1940-05-01"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str, area) -> User:
    return User.objects.create_user(username=username, password="x", role=role, area=area,
                                    last_name="Quản trị", first_name=username)


@pytest.fixture
def admin_a(province) -> User:
    return make_user("quantri_a", Role.ADMINISTRATOR, province)


@pytest.fixture
def admin_b(province) -> User:
    return make_user("quantri_b", Role.ADMINISTRATOR, province)


def as_user(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def row(response, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', response.content.decode(), re.S)
    assert match, f"no element data-testid={testid!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def after(response, testid: str) -> str:
    """The page text from the element carrying ``data-testid=testid`` to the end (nested lists included)."""
    content = response.content.decode()
    index = content.find(f'data-testid="{testid}"')
    assert index >= 0, f"no element data-testid={testid!r}"
    return text_of(content[index:])


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def propose_post(**overrides) -> dict:
    data = {"parameter": "tgxh.standard_level", "start": "01/07/2026", "value": "540.000",
            "reference": "TEST", "note": "thử"}
    data.update(overrides)
    return data


# --- parameter page -------------------------------------------------------------------------------


def test_the_parameter_page_lists_every_leaf_parameter_with_its_reference(client, leader):
    response = as_user(client, leader).get(reverse("policy:parameter_list"))
    assert response.status_code == 200
    page = text(response)
    infos = list_parameters(build_tax_benefit_system())
    for info in infos:
        assert f'data-testid="parameter-{info.path}"' in response.content.decode(), info.path
        assert info.reference.split(";")[0].strip() in page, info.path
    assert f"{len(infos)} tham số" in page
    assert "văn bản gốc" in row(response, "parameter-tgxh.standard_level")
    assert "NĐ 76/2024/NĐ-CP" in row(response, "parameter-tgxh.standard_level")
    assert "500.000 đ" in row(response, "parameter-tgxh.standard_level")


def test_unconfirmed_parameters_carry_the_warning_and_confirmed_ones_do_not(client, inspector):
    response = as_user(client, inspector).get(reverse("policy:parameter_list"))
    warning = "Chưa có giá trị — quản trị cần nhập, hệ thống từ chối tính"
    for path in ("tgxh.coefficients.single_poor_parent", "poverty.review_scores.rural.b1_near_poor_max",
                 "poverty.nd351_2025.indicators_as_nd07_2021"):
        assert warning in row(response, f"parameter-{path}"), path
    assert warning not in row(response, "parameter-tgxh.standard_level")
    assert warning not in row(response, "parameter-ncc.standard_level")
    # Coefficients known from NĐ 20/2021 only (NĐ 136/2013 value unconfirmed): the warning names the empty
    # period before it; a coefficient NĐ 136/2013 confirms has no such warning.
    assert "từ 01/01/2014 đến 30/06/2021" in row(response, "parameter-tgxh.coefficients.elderly_community_care")
    assert "từ 01/01/2014 đến 30/06/2021" not in row(
        response, "parameter-tgxh.coefficients.elderly_80_no_pension"
    )


def test_the_filter_box_keeps_matching_parameters(client, leader):
    response = as_user(client, leader).get(reverse("policy:parameter_list"), {"q": "muc chuan"})
    content = response.content.decode()
    assert 'data-testid="parameter-tgxh.standard_level"' in content
    assert 'data-testid="parameter-ncc.standard_level"' in content
    assert 'data-testid="parameter-covid.nq42_2020.overlap_rule"' not in content


def test_roles_outside_the_registry_readers_are_refused(client, payment_agent):
    assert as_user(client, payment_agent).get(reverse("policy:parameter_list")).status_code == 403
    assert client.get(reverse("policy:explain")).status_code == 403


def test_pages_require_login(client):
    response = client.get(reverse("policy:parameter_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- proposing and deciding -----------------------------------------------------------------------


def test_maker_checker_through_the_pages(client, admin_a, admin_b):
    response = as_user(client, admin_a).post(reverse("policy:change_propose"), propose_post())
    assert response.status_code == 302
    change = ParameterChange.objects.get()
    assert (change.parameter, change.start, change.value, change.status) == (
        "tgxh.standard_level", dt.date(2026, 7, 1), 540000, ChangeStatus.PROPOSED)

    queue = client.get(reverse("policy:change_queue"))
    assert f'data-testid="approve-{change.pk}"' not in queue.content.decode()  # hidden for the proposer
    assert f'data-testid="withdraw-{change.pk}"' in queue.content.decode()
    refused = client.post(reverse("policy:change_approve", args=[change.pk]), follow=True)
    assert "Bạn là người đề xuất nên không được tự duyệt" in text(refused)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED

    as_user(client, admin_b)
    assert f'data-testid="approve-{change.pk}"' in client.get(reverse("policy:change_queue")).content.decode()
    approved = client.post(reverse("policy:change_approve", args=[change.pk]), follow=True)
    assert "Đã duyệt tgxh.standard_level từ 01/07/2026" in text(approved)
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.APPROVED, admin_b)

    listing = client.get(reverse("policy:parameter_list"))
    standard = row(listing, "parameter-tgxh.standard_level")
    assert "540.000 đ" in standard and "bổ sung" in standard and "TEST" in standard
    assert "quantri_a" in standard and "quantri_b" in standard

    again = client.post(reverse("policy:change_approve", args=[change.pk]), follow=True)
    assert "đã được xử lý trước đó" in text(again)

    july = client.get(explanation_url("tgxh_monthly_allowance", "2026-07", EXAMPLE))
    june = client.get(explanation_url("tgxh_monthly_allowance", "2026-06", EXAMPLE))
    assert row(july, "explanation-value") == "540.000 đ"
    assert row(june, "explanation-value") == "500.000 đ"


def test_the_propose_form_refuses_bad_input_in_vietnamese(client, admin_a):
    as_user(client, admin_a)
    url = reverse("policy:change_propose")
    wrong_type = client.post(url, propose_post(value="năm trăm"))
    assert "không phải là một số" in row(wrong_type, "error-value")
    no_reference = client.post(url, propose_post(reference=""))
    assert row(no_reference, "error-reference")
    bad_date = client.post(url, propose_post(start="31/02/2026"))
    assert "dd/mm/yyyy" in row(bad_date, "error-start")
    unknown = client.post(url, propose_post(parameter="tgxh.khong_co"))
    assert row(unknown, "error-parameter")
    wrong_rule = client.post(url, propose_post(parameter="covid.nq42_2020.overlap_rule", value="sum"))
    assert "highest_only, stack" in row(wrong_rule, "error-value")
    assert ParameterChange.objects.count() == 0


def test_non_administrators_cannot_propose_or_decide(client, provincial, admin_a):
    change = services.parameter_change_propose(actor=admin_a, parameter="tgxh.standard_level",
                                               start=dt.date(2026, 7, 1), value=540000, reference="TEST")
    as_user(client, provincial)
    assert client.get(reverse("policy:change_propose")).status_code == 403
    assert client.post(reverse("policy:change_propose"), propose_post()).status_code == 403
    assert client.post(reverse("policy:change_approve", args=[change.pk])).status_code == 403
    queue = client.get(reverse("policy:change_queue"))
    assert queue.status_code == 200 and f'data-testid="approve-{change.pk}"' not in queue.content.decode()
    listing = client.get(reverse("policy:parameter_list"))
    assert reverse("policy:change_propose") not in listing.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_reject_from_the_queue_with_a_reason(client, admin_a, admin_b):
    change = services.parameter_change_propose(actor=admin_a, parameter="tgxh.standard_level",
                                               start=dt.date(2026, 7, 1), value=540000, reference="TEST")
    as_user(client, admin_b)
    empty = client.post(reverse("policy:change_reject", args=[change.pk]), {"reason": ""}, follow=True)
    assert "Hãy ghi lý do từ chối" in text(empty)
    client.post(reverse("policy:change_reject", args=[change.pk]), {"reason": "Chưa có nghị định"})
    change.refresh_from_db()
    assert (change.status, change.rejection_reason) == (ChangeStatus.REJECTED, "Chưa có nghị định")


# --- explanations ---------------------------------------------------------------------------------


def test_the_explanation_page_shows_the_value_and_the_decree(client, leader):
    response = as_user(client, leader).get(explanation_url("tgxh_monthly_allowance", "2024-07", EXAMPLE))
    assert response.status_code == 200
    assert row(response, "explanation-value") == "500.000 đ"
    tree = after(response, "explanation-tree")
    assert "76/2024" in tree
    # the chain in Vietnamese: labels, values the Vietnamese way, dates dd/mm/yyyy; no code names
    tree = tree.replace(" :", ":")  # the text of the tags, joined by spaces
    assert "Tham số: Mức chuẩn trợ giúp xã hội (đồng/tháng) = 500.000 đ áp dụng từ 01/07/2024" in tree
    assert "Hệ số trợ cấp xã hội — Người từ đủ 80 tuổi trở lên không có lương hưu" in tree
    assert "Ngày sinh (tháng 07/2024): 01/05/1940 đã nhập" in tree
    assert "Hệ số trợ cấp xã hội hằng tháng (tháng 07/2024): 1 tính theo quy tắc" in tree
    for code in ("tgxh.standard_level", "elderly_80_no_pension", "tgxh_coefficient", "1940-05-01", "[2024-07]"):
        assert code not in tree
    inputs = row(response, "explanation-inputs")
    assert inputs == ("Ngày sinh: 01/05/1940 Diện đối tượng hưởng trợ cấp xã hội hằng tháng: Người từ đủ 80 tuổi "
                      "trở lên không có lương hưu, trợ cấp bảo hiểm xã hội hằng tháng")
    # the link's values fill the form as a person types them
    page = response.content.decode()
    assert 'name="period" value="07/2024"' in page and 'name="birth_date" value="01/05/1940"' in page


@pytest.mark.parametrize("typed", ["12/2026", "2026-12", "12/2026 "])
def test_the_period_is_typed_as_month_and_year(client, leader, typed):
    response = as_user(client, leader).get(reverse("policy:explain"), {
        "variable": "tgxh_standard_level", "period": typed})
    assert row(response, "explanation-value") == "500.000 đ"
    assert "tháng 12/2026" in row(response, "explanation")


def test_an_input_a_link_brings_gets_its_own_labelled_field(client, leader):
    response = as_user(client, leader).get(explanation_url("covid_support_amount", "2020-05",
                                                           {"covid_group_btxh": True}))
    assert row(response, "explanation-value") == "500.000 đ"
    page = response.content.decode()
    label = "Nhóm 6: đối tượng bảo trợ xã hội đang hưởng trợ cấp xã hội hằng tháng (Mẫu 07)"
    assert f'<label class="form-label" for="id_in__covid_group_btxh">{label}</label>' in page
    assert '<option value="true" selected>Có</option>' in page
    assert "covid_group_btxh=true</textarea>" not in page  # not a code line in the free box
    assert row(response, "explanation-inputs") == f"{label}: có"
    # an input for one month only: its field says which month; submitting the form computes the same
    response = client.get(reverse("policy:explain"), {
        "variable": "covid_support_amount", "period": "05/2020", "in__covid_group_btxh__2020-05": "true"})
    assert f"{label} (tháng 05/2020)" in response.content.decode()
    assert row(response, "explanation-value") == "500.000 đ"
    assert row(response, "explanation-inputs") == f"{label} (tháng 05/2020): có"


def test_the_explanation_form_with_the_common_fields(client, leader):
    response = as_user(client, leader).get(reverse("policy:explain"), {
        "variable": "tgxh_monthly_allowance", "period": "2024-07", "birth_date": "01/05/1940",
        "tgxh_category": "elderly_80_no_pension", "extra": ""})
    assert row(response, "explanation-value") == "500.000 đ"
    poverty = client.get(reverse("policy:explain"), {
        "variable": "poverty_status", "period": "2024-03", "household_income_per_capita": "1.400.000",
        "household_is_urban": "false", "household_deprivation_count": "3"})
    assert row(poverty, "explanation-value") == "Hộ nghèo"
    assert "NĐ 07/2021" in after(poverty, "explanation-tree")


def test_an_unconfirmed_category_names_the_parameter_and_never_shows_zero(client, leader):
    response = as_user(client, leader).get(explanation_url(
        "tgxh_monthly_allowance", "2024-07", {"tgxh_category": "single_poor_parent", "birth_date": "1990-01-01"}))
    error = row(response, "explain-error")
    assert "tgxh.coefficients.single_poor_parent" in error
    assert "Quản trị viên cần nhập" in error
    assert 'data-testid="explanation-value"' not in response.content.decode()


def test_bad_explanation_input_is_reported(client, leader):
    as_user(client, leader)
    bad_period = client.get(reverse("policy:explain"), {"variable": "tgxh_coefficient", "period": "13/2024"})
    assert row(bad_period, "error-period") == ("«13/2024» không phải là kỳ tính: ghi tháng/năm (ví dụ 12/2026) "
                                               "hoặc chỉ năm (ví dụ 2026).")
    bad_choice = client.get(explanation_url("tgxh_coefficient", "2024-07", {"tgxh_category": "khong_co"}))
    assert row(bad_choice, "error-tgxh_category")
    unknown = client.get(explanation_url("tgxh_coefficient", "2024-07", {"khong_co": "1"}))
    assert "Biến nhập không tồn tại: khong_co" in row(unknown, "explain-error")
    bad_number = client.get(explanation_url("covid_support_total", "2020", {"covid_group2_declared_revenue": "x"}))
    assert row(bad_number, "error-in__covid_group2_declared_revenue") == "«x» không phải là một số."


def test_navigation_offers_the_policy_pages(client, leader, payment_agent):
    home = as_user(client, leader).get(reverse("policy:parameter_list")).content.decode()
    assert "Chính sách" in home and "Giải thích cách tính" in home
    assert f'href="{reverse("policy:explain")}"' in home
