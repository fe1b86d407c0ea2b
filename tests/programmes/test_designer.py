"""The programme designer: definitions refused with Vietnamese messages, the database's own invariants, the
submit / approve workflow (maker-checker, one event and one audit row per step), an approved programme used as
NQ 42 is (lists from its groups, the «Mẫu chung» upload) and the pages by role."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from ansinh.accounts.models import Role
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.programmes.models import (
    BeneficiaryGroup,
    BeneficiaryList,
    ListRow,
    Programme,
    ProgrammeEvent,
    ProgrammeStatus,
)
from ansinh.programmes.services import design
from ansinh.programmes.services.design import GroupInput, ProgrammeDesign, SourceInput
from ansinh.programmes.services.generation import registry_lists_generate
from programmes import factories as f

pytestmark = pytest.mark.django_db


def tet(**changes) -> ProgrammeDesign:
    data = ProgrammeDesign(
        code="tet-thu", name="Tặng quà Tết người có công (thử)", legal_basis="Quyết định của UBND tỉnh về tặng quà Tết",
        decision_number="01/QĐ-UBND", decision_date=dt.date(2020, 1, 6), decision_signer="Chủ tịch UBND tỉnh",
        window_start=dt.date(2020, 1, 10), window_end=dt.date(2020, 1, 24), overlap_rule="highest_only",
        budget=None, sources=[SourceInput("Ngân sách tỉnh", 10_000_000)],
        groups=[GroupInput(code="1", name="Người có công đang hưởng trợ cấp", source="registry", amount_mode="fixed",
                           registers=["ncc"], fixed_amount=500_000, planned_count=10,
                           required_documents="Danh sách của xã")])
    return dataclasses.replace(data, **changes)


def group(**changes) -> GroupInput:
    return dataclasses.replace(tet().groups[0], **changes)


@pytest.fixture
def draft(provincial):
    return design.programme_design_create(actor=provincial, data=tet(), province_code="42")


def refused(actor, data) -> str:
    with pytest.raises(DomainError) as err:
        design.programme_design_create(actor=actor, data=data, province_code="42")
    assert not Programme.objects.filter(name=data.name).exists()  # nothing half written
    return err.value.message


@pytest.mark.parametrize(("changes", "message"), [
    ({"window_start": dt.date(2020, 2, 1), "window_end": dt.date(2020, 1, 1)},
     "ngày kết thúc 01/01/2020 trước ngày bắt đầu 01/02/2020"),
    ({"sources": [SourceInput("Ngân sách tỉnh", -5)]}, "Nguồn kinh phí «Ngân sách tỉnh»: số tiền không được âm."),
    ({"groups": [group(fixed_amount=-500_000)]}, "Nhóm «1»: mức hỗ trợ không được âm."),
    ({"groups": [group(fixed_amount=None)]}, "Nhóm «1»: chưa có cách tính số tiền"),
    ({"groups": [group(amount_mode="rules", fixed_amount=None)]}, "Nhóm «1»: chưa có cách tính số tiền"),
    ({"groups": [group(), group(name="Khác")]}, "Mã nhóm «1» ghi hai lần"),
    ({"budget": 20_000_000}, "Tổng các nguồn kinh phí (10.000.000 đ) không đủ dự toán (20.000.000 đ): còn thiếu "
                             "10.000.000 đ."),
    ({"groups": [group(planned_count=30)]}, "không đủ số tiền dự kiến của các nhóm (15.000.000 đ"),
    ({"code": "Tết 2020"}, "Mã chương trình «Tết 2020»: chỉ dùng chữ thường không dấu"),
    ({"groups": [group(frequency="monthly", months=None)]}, "hỗ trợ hằng tháng cần số tháng từ 1 đến 12"),
    ({"groups": [group(registers=[])]}, "chọn sổ đối tượng đang hưởng"),
    ({"groups": [group(amount_unit="household")]}, "mức «mỗi hộ» chỉ dùng với sổ hộ nghèo"),
    ({"groups": [group(amount_mode="rules", fixed_amount=None, rules_variable="khong_co")]},
     "biến tính số tiền «khong_co» không có trong bộ quy tắc"),
])
def test_a_bad_definition_is_refused_with_a_vietnamese_message(provincial, changes, message):
    assert message in refused(provincial, tet(**changes))


def test_a_duplicate_code_is_refused(provincial, draft):
    assert "Mã chương trình «tet-thu» đã dùng cho chương trình «Tặng quà Tết người có công (thử)»" in \
        refused(provincial, tet(name="Khác"))
    assert Programme.objects.filter(code="tet-thu").count() == 1


def test_the_database_refuses_what_the_service_refuses(draft, provincial, leader):
    g = draft.groups.get()
    for bad in ({"fixed_amount": -1}, {"fixed_amount": None}, {"amount_mode": "rules", "fixed_amount": None},
                {"frequency": "monthly", "months": None}, {"months": 13}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BeneficiaryGroup.objects.filter(pk=g.pk).update(**bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=draft.pk).update(window_end=dt.date(2019, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():  # approved by the one who prepared it
        Programme.objects.filter(pk=draft.pk).update(status="approved", approved_by=provincial)
    with pytest.raises(IntegrityError), transaction.atomic():  # a designed programme approved by nobody
        Programme.objects.filter(pk=draft.pk).update(status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.funding_sources.create(name="Ngân sách tỉnh", amount=1)


def test_only_a_provincial_specialist_designs(officer_a, leader, inspector):
    for user in (officer_a, leader, inspector):
        with pytest.raises(PermissionDenied):
            design.programme_design_create(actor=user, data=tet(), province_code="42")
    assert not Programme.objects.exists()


def test_submit_and_approve_by_another_person_one_event_and_one_audit_row_each(draft, provincial, leader):
    assert draft.status == ProgrammeStatus.DRAFT and draft.prepared_by == provincial
    with pytest.raises(DomainError, match="chỉ lập danh sách sau khi chương trình được phê duyệt"):
        registry_lists_generate(programme=draft, actor=provincial)
    with pytest.raises(PermissionDenied):  # a specialist never approves
        design.programme_approve(actor=provincial, programme=draft)
    submitted = design.programme_submit(actor=provincial, programme=draft)
    assert submitted.status == ProgrammeStatus.SUBMITTED and submitted.submitted_by == provincial
    approved = design.programme_approve(actor=leader, programme=submitted)
    assert approved.status == ProgrammeStatus.APPROVED and approved.approved_by == leader
    steps = list(ProgrammeEvent.objects.filter(programme=draft).values_list("step", "from_status", "to_status"))
    assert steps == [("prepare", "", "draft"), ("submit", "draft", "submitted"), ("approve", "submitted", "approved")]
    actions = list(AuditEvent.objects.filter(object_id=str(draft.pk), action__startswith="programme.")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["programme.approve", "programme.prepare", "programme.submit"]
    with pytest.raises(DomainError, match="đang ở trạng thái «Đã phê duyệt, đang áp dụng»"):
        design.programme_approve(actor=leader, programme=submitted)  # the second approval: no second effect
    assert ProgrammeEvent.objects.filter(programme=draft, step="approve").count() == 1


def test_a_leader_returns_with_a_reason_and_the_draft_is_edited_again(draft, provincial, leader):
    design.programme_submit(actor=provincial, programme=draft)
    with pytest.raises(DomainError, match="Ghi rõ lý do"):
        design.programme_return(actor=leader, programme=draft, reason="")
    back = design.programme_return(actor=leader, programme=draft, reason="Thiếu nhóm thân nhân liệt sĩ")
    assert back.status == ProgrammeStatus.DRAFT and back.return_reason == "Thiếu nhóm thân nhân liệt sĩ"
    edited = design.programme_design_update(actor=provincial, programme=back, data=tet(groups=[
        group(), group(code="2", name="Thân nhân liệt sĩ", ncc_categories=["martyr_relative"], fixed_amount=300_000)]))
    assert list(edited.groups.values_list("code", "fixed_amount")) == [("1", 500_000), ("2", 300_000)]
    with pytest.raises(DomainError):  # a submitted programme is not edited
        design.programme_submit(actor=provincial, programme=edited)
        design.programme_design_update(actor=provincial, programme=edited, data=tet())


def _approved(provincial, leader, data) -> Programme:
    programme = design.programme_design_create(actor=provincial, data=data, province_code="42")
    programme = design.programme_submit(actor=provincial, programme=programme)
    return design.programme_approve(actor=leader, programme=programme)


def test_an_approved_programme_draws_its_lists_with_the_fixed_amounts(provincial, leader, world, commune_a, commune_b):
    programme = _approved(provincial, leader, tet(
        window_start=dt.date(2020, 4, 1), window_end=dt.date(2020, 6, 30), budget=None,
        sources=[SourceInput("Ngân sách tỉnh", 100_000_000)], groups=[
            group(),
            group(code="2", name="Hộ nghèo", registers=["poor"], amount_unit="household", fixed_amount=1_000_000,
                  frequency="monthly", months=2, planned_count=None)]))
    result = registry_lists_generate(programme=programme, actor=provincial)
    rows = {(r.beneficiary_list.group.code, r.person.full_name): (r.amount, r.months)
            for r in ListRow.objects.select_related("beneficiary_list__group", "person")}
    # NCC on 01/4/2020, alive: An and Cúc (Bình died before, Dũng's enrolment ended); the poor household once,
    # through its head, 1.000.000 đ × 2 months
    assert rows == {("1", "Nguyễn Văn An"): (500_000, 0), ("1", "Lê Thị Cúc"): (500_000, 0),
                    ("2", "Võ Văn Giang"): (2_000_000, 2)}
    assert result.lists == 2
    assert set(BeneficiaryList.objects.values_list("commune_id", flat=True)) == {commune_a.pk, commune_b.pk}


def test_a_group_by_rule_is_computed_from_each_persons_register_facts(provincial, leader, world):
    """A group paid «by rule» with the TGXH monthly allowance: the rules read each person's category and birth date
    from the register (before, the inputs were empty and every amount 0 đ). Twins born 7/7/1938 of the category
    «80 tuổi trở lên không có lương hưu» (hệ số 1,0) × mức chuẩn 500.000 đ from 1/7/2024 (NĐ 76/2024) × 2 months;
    An, born 2/3/1945 of the same category, is not yet 80 in January 2025: no amount, no row."""
    programme = _approved(provincial, leader, tet(
        code="tgxh-thu", name="Trợ cấp theo quy tắc (thử)", window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 2, 28), sources=[SourceInput("Ngân sách tỉnh", 10_000_000)], groups=[
            group(code="1", name="Đối tượng bảo trợ xã hội", registers=["tgxh"], amount_mode="rules",
                  rules_variable="tgxh_monthly_allowance", fixed_amount=None, planned_count=None)]))
    registry_lists_generate(programme=programme, actor=provincial)
    rows = {(r.person_id, r.amount) for r in ListRow.objects.all()}
    assert rows == {(world["twin_1"].pk, 1_000_000), (world["twin_2"].pk, 1_000_000)}


def test_a_group_by_rule_whose_parameter_is_not_confirmed_is_refused_with_a_message(provincial, leader, world,
                                                                                    commune_a):
    """The NĐ 136/2013 coefficient of «người cao tuổi chăm sóc tại cộng đồng» is UNCONFIRMED (POLICY.md §2, left
    empty): a 2020 programme paying such a person by the rules is refused with a message, nothing is written."""
    f.enrol("tgxh", commune=commune_a, who=world["ncc_ended"], category="elderly_community_care")
    programme = _approved(provincial, leader, tet(
        code="tgxh-2020", name="Trợ cấp 2020 (thử)", window_start=dt.date(2020, 5, 1),
        window_end=dt.date(2020, 5, 31), sources=[SourceInput("Ngân sách tỉnh", 10_000_000)], groups=[
            group(code="1", name="Đối tượng bảo trợ xã hội", registers=["tgxh"], amount_mode="rules",
                  rules_variable="tgxh_monthly_allowance", fixed_amount=None, planned_count=None)]))
    with pytest.raises(DomainError) as err:
        registry_lists_generate(programme=programme, actor=provincial)
    assert "chưa có giá trị tham số" in err.value.message
    assert not BeneficiaryList.objects.filter(programme=programme).exists()


def test_the_nq42_definition_in_code_still_works(provincial, world):
    programme = f.covid_programme(provincial)
    assert programme.status == ProgrammeStatus.APPROVED and programme.origin == "code"
    assert set(programme.groups.values_list("amount_mode", flat=True)) == {"rules"}
    result = registry_lists_generate(programme=programme, actor=provincial)
    assert result.rows > 0 and ListRow.objects.filter(group_amount=1_500_000).exists()


# ----------------------------------------------------------------------------------- pages

def _client(client, user):
    client.force_login(user)
    return client


def test_the_designer_pages_by_role(client, draft, provincial, leader, officer_a, inspector, province):
    detail = reverse("programmes:design_detail", args=[draft.pk])
    for user, status in ((provincial, 200), (leader, 200), (officer_a, 404), (inspector, 404)):
        c = _client(client, user)
        assert c.get(reverse("programmes:design_list")).status_code == status
        assert c.get(detail).status_code == status
    admin = f.user("quantri", Role.ADMINISTRATOR, province)
    assert _client(client, admin).get(reverse("programmes:design_create")).status_code == 404
    assert _client(client, leader).get(reverse("programmes:design_create")).status_code == 404
    # a draft is not a programme in force: its page is a 404 for everyone, the list does not show it
    assert _client(client, officer_a).get(reverse("programmes:programme_detail", args=[draft.pk])).status_code == 404
    assert "Tặng quà Tết" not in _client(client, officer_a).get(reverse("programmes:programme_list")).content.decode()


def test_a_specialist_creates_a_draft_in_the_form_and_a_leader_approves_it(client, provincial, leader):
    c = _client(client, provincial)
    assert "Soạn chương trình hỗ trợ mới" in c.get(reverse("programmes:design_create")).content.decode()
    form = {
        "code": "qua-tet", "name": "Quà Tết hộ nghèo", "legal_basis": "Kế hoạch số 10/KH-UBND của tỉnh",
        "decision_number": "10/QĐ-UBND", "decision_date": "2020-01-05", "decision_signer": "Chủ tịch UBND tỉnh",
        "window_start": "2020-01-10", "window_end": "2020-01-20", "register_cutoff": "", "budget": "",
        "overlap_rule": "stack",
        "nguon-TOTAL_FORMS": "2", "nguon-INITIAL_FORMS": "2", "nguon-0-name": "Quỹ Vì người nghèo",
        "nguon-0-amount": "5.000.000", "nguon-1-name": "", "nguon-1-amount": "",
        "nhom-TOTAL_FORMS": "2", "nhom-INITIAL_FORMS": "2",
        **{f"nhom-{i}-{k}": v for i in (0, 1) for k, v in (("source", "registry"), ("amount_mode", "fixed"),
                                                           ("amount_unit", "household"), ("frequency", "one_off"))},
        "nhom-0-code": "1", "nhom-0-name": "Hộ nghèo", "nhom-0-registers": ["poor"], "nhom-0-fixed_amount": "-300.000",
    }
    page = c.post(reverse("programmes:design_create"), form, follow=True).content.decode()
    assert "Nhóm «1»: mức hỗ trợ không được âm." in page and not Programme.objects.exists()
    form["nhom-0-fixed_amount"] = "300.000"
    response = c.post(reverse("programmes:design_create"), form, follow=True)
    programme = Programme.objects.get(code="qua-tet")
    assert "Đã lưu dự thảo chương trình «Quà Tết hộ nghèo» (1 nhóm đối tượng)" in response.content.decode()
    assert programme.groups.get().fixed_amount == 300_000 and programme.budget == 5_000_000
    page = c.post(reverse("programmes:design_step", args=[programme.pk, "submit"]), follow=True).content.decode()
    assert "Đã trình phê duyệt" in page and "Phê duyệt chương trình</button>" not in page
    c = _client(client, leader)
    page = c.get(reverse("programmes:design_detail", args=[programme.pk])).content.decode()
    assert "300.000 đ mỗi hộ, chi một lần" in page and "Phê duyệt chương trình</button>" in page
    page = c.post(reverse("programmes:design_step", args=[programme.pk, "approve"]), follow=True).content.decode()
    assert "Đã phê duyệt chương trình «Quà Tết hộ nghèo»" in page and "1 – Hộ nghèo" in page


def _typed(**changes) -> dict:
    form = {
        "code": "qua-tet", "name": "Quà Tết hộ nghèo", "legal_basis": "Kế hoạch số 10/KH-UBND của tỉnh",
        "decision_number": "10/QĐ-UBND", "decision_date": "05/01/2020", "decision_signer": "Chủ tịch UBND tỉnh",
        "window_start": "10/01/2020", "window_end": "20/01/2020", "register_cutoff": "", "budget": "",
        "overlap_rule": "stack", "nguon-TOTAL_FORMS": "1", "nguon-INITIAL_FORMS": "0",
        "nguon-0-name": "Quỹ Vì người nghèo", "nguon-0-amount": "5.000.000",
        "nhom-TOTAL_FORMS": "1", "nhom-INITIAL_FORMS": "0", "nhom-0-source": "registry", "nhom-0-amount_mode": "fixed",
        "nhom-0-amount_unit": "household", "nhom-0-frequency": "one_off", "nhom-0-code": "1",
        "nhom-0-name": "Hộ nghèo", "nhom-0-registers": ["poor"], "nhom-0-fixed_amount": "300.000",
    }
    return {**form, **changes}


def _error_next_to(page: str, field: str) -> str:
    """The error shown under one field (the page's data-testid), or '' when there is none."""
    marker = f'data-testid="error-{field}">'
    return page.split(marker, 1)[1].split("</div>", 1)[0] if marker in page else ""


def test_the_form_reads_days_as_dd_mm_yyyy_and_amounts_with_dots(client, provincial):
    c = _client(client, provincial)
    page = c.get(reverse("programmes:design_create")).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page
    c.post(reverse("programmes:design_create"), _typed(**{"nguon-0-amount": "5000000"}))
    programme = Programme.objects.get(code="qua-tet")
    assert (programme.decision_date, programme.window_start, programme.window_end) == (
        dt.date(2020, 1, 5), dt.date(2020, 1, 10), dt.date(2020, 1, 20))
    assert programme.funding_sources.get().amount == 5_000_000
    page = c.get(reverse("programmes:design_detail", args=[programme.pk]) + "?sua=1").content.decode()
    assert 'value="05/01/2020"' in page and 'value="5.000.000"' in page  # shown back as typed


def test_each_problem_is_shown_next_to_its_field_and_nothing_is_saved(client, provincial):
    c = _client(client, provincial)
    # typing errors: an impossible day, a word for an amount
    page = c.post(reverse("programmes:design_create"), _typed(
        decision_date="31/02/2020", window_end="20-01", **{"nguon-0-amount": "năm triệu"})).content.decode()
    assert _error_next_to(page, "decision_date") == "Ngày 31/02/2020 không có trên lịch."
    assert "ghi ngày/tháng/năm, ví dụ 15/01/2020" in _error_next_to(page, "window_end")
    assert "«năm triệu» không phải là số tiền hợp lệ" in _error_next_to(page, "nguon-0-amount")
    assert "Chưa lưu: 3 chỗ cần sửa" in page and 'value="Quà Tết hộ nghèo"' in page  # what was typed stays
    # the service's refusals: each on its field of its row (a blank row in between does not shift them)
    page = c.post(reverse("programmes:design_create"), _typed(**{
        "code": "Qua Tet", "nhom-TOTAL_FORMS": "3", "nhom-1-source": "registry", "nhom-1-amount_mode": "fixed",
        "nhom-1-amount_unit": "person", "nhom-1-frequency": "one_off",
        "nhom-2-source": "registry", "nhom-2-amount_mode": "fixed", "nhom-2-amount_unit": "person",
        "nhom-2-frequency": "monthly", "nhom-2-code": "2", "nhom-2-name": "Người có công", "nhom-2-registers": ["ncc"],
        "nhom-2-fixed_amount": "-100.000", "nhom-2-months": "2"})).content.decode()
    assert "chỉ dùng chữ thường không dấu" in _error_next_to(page, "code")
    assert _error_next_to(page, "nhom-2-fixed_amount") == "Nhóm «2»: mức hỗ trợ không được âm."
    assert _error_next_to(page, "nhom-0-fixed_amount") == ""
    assert _error_next_to(page, "nhom-2-months") == "Nhóm «2»: 2 tháng vượt thời gian áp dụng (1 tháng)."
    assert "Chưa lưu: 3 chỗ cần sửa" in page and not Programme.objects.exists()


def test_a_row_is_added_in_the_page_with_the_formset_count(client, provincial, leader):
    c = _client(client, provincial)
    url = reverse("programmes:design_row", args=["nhom"])
    page = c.get(url, {"nhom-TOTAL_FORMS": "2"}).content.decode()
    assert 'name="nhom-2-code"' in page and "Nhóm thứ 3" in page
    assert 'id="id_nhom-TOTAL_FORMS" hx-swap-oob="true"' in page and 'value="3"' in page
    page = c.get(reverse("programmes:design_row", args=["nguon"]), {"nguon-TOTAL_FORMS": "3"}).content.decode()
    assert 'name="nguon-3-amount"' in page and 'name="nguon-TOTAL_FORMS" value="4"' in page
    assert "Đã đủ 20 nhóm" in c.get(url, {"nhom-TOTAL_FORMS": "20"}).content.decode()
    assert c.get(url, {"nhom-TOTAL_FORMS": "x"}).status_code == 404
    assert c.get(reverse("programmes:design_row", args=["khac"]), {"khac-TOTAL_FORMS": "1"}).status_code == 404
    assert _client(client, leader).get(url, {"nhom-TOTAL_FORMS": "2"}).status_code == 404


def test_the_demo_programmes_load_once_with_an_amount_per_category(units, commune_a):
    from ansinh.demo.designed_programmes import designed_programmes_load
    from ansinh.programmes.models import Enrolment

    mother = f.person(commune_a, "Nguyễn Thị Mẹ", sex="F", birth=dt.date(1925, 1, 1))
    invalid = f.person(commune_a, "Trần Văn Thương", birth=dt.date(1950, 1, 1))
    Enrolment.objects.create(register="ncc", person=mother, commune=commune_a, ncc_category="heroic_mother",
                             decision_number="1/QĐ", start_date=dt.date(2015, 1, 1))
    Enrolment.objects.create(register="ncc", person=invalid, commune=commune_a, ncc_category="war_invalid",
                             ncc_injury_rate=61, decision_number="2/QĐ", start_date=dt.date(2015, 1, 1))
    said: list[str] = []
    first = designed_programmes_load(say=said.append)
    again = designed_programmes_load(say=said.append)
    assert [p.pk for p in first] == [p.pk for p in again] and all(p.status == "approved" for p in again)
    tet_rows = dict(ListRow.objects.filter(beneficiary_list__programme=first[0])
                    .values_list("person__full_name", "amount"))
    assert tet_rows == {"Nguyễn Thị Mẹ": 1_000_000, "Trần Văn Thương": 500_000}
    housing = first[1]
    assert "Quỹ Thiện tâm – Tập đoàn Vingroup" in set(housing.funding_sources.values_list("name", flat=True))
    assert "minh hoạ" in first[0].legal_basis


def test_without_javascript_the_add_button_submits_and_the_page_comes_back_with_one_more_row(client, provincial):
    """«+ Thêm nhóm đối tượng» is a submit button (htmx takes it over when scripts run): without scripts the form
    comes back as typed with one blank group more, no error shown and nothing saved; saving then works."""
    c = _client(client, provincial)
    page = c.post(reverse("programmes:design_create"), _typed(**{"them-dong": "nhom", "code": ""})).content.decode()
    assert 'name="nhom-1-code"' in page and 'name="nhom-2-code"' not in page
    assert 'name="nhom-TOTAL_FORMS" value="2"' in page and 'value="Quà Tết hộ nghèo"' in page
    assert "data-testid=\"error-" not in page and "Chưa lưu" not in page and not Programme.objects.exists()
    page = c.post(reverse("programmes:design_create"), _typed(**{"them-dong": "nguon"})).content.decode()
    assert 'name="nguon-1-amount"' in page and 'name="nguon-TOTAL_FORMS" value="2"' in page
    response = c.post(reverse("programmes:design_create"), _typed(**{"nhom-TOTAL_FORMS": "2"}))
    assert response.status_code == 302 and Programme.objects.get().groups.count() == 1  # the blank row is skipped
