"""Workflow steps, maker-checker, concurrent approvals, frozen approved lists, supplementary lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.programmes.models import BeneficiaryList, FlagKind, ListEvent, ListRow, ListStatus, RowFlag
from ansinh.programmes.services import workflow as services
from ansinh.programmes.services.generation import registry_lists_generate

pytestmark = pytest.mark.django_db
DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}


@pytest.fixture
def lists(programme, provincial, world):
    registry_lists_generate(programme=programme, actor=provincial)
    return {bl.group.code: bl for bl in BeneficiaryList.objects.select_related("group")}


def _clean(bl, actor):
    services.flags_resolve_all(actor=actor, beneficiary_list=bl, kind=FlagKind.OTHER_LIST, resolution="exclude",
                               only_nothing_left=True)
    services.flags_resolve_all(actor=actor, beneficiary_list=bl, kind=FlagKind.OTHER_LIST, resolution="keep",
                               justification="Nhóm có mức cao nhất: chi ở danh sách này.", only_nothing_left=False)
    services.flags_resolve_all(actor=actor, beneficiary_list=bl, kind=FlagKind.DEAD, resolution="exclude")
    for kind in (FlagKind.DUPLICATE_IN_LIST, FlagKind.IDENTITY):
        services.flags_resolve_all(actor=actor, beneficiary_list=bl, kind=kind, resolution="keep",
                                   justification="Đã xác minh tại xã: hai người khác nhau, số định danh đúng.")


def _to_appraised(bl, maker, appraiser):
    _clean(bl, maker)
    bl = services.list_submit(actor=maker, beneficiary_list=bl)
    return services.list_appraise(actor=appraiser, beneficiary_list=bl)


def test_unresolved_flags_block_submission(lists, officer_a):
    with pytest.raises(DomainError, match="cảnh báo chưa xử lý"):
        services.list_submit(actor=officer_a, beneficiary_list=lists["6"])
    assert BeneficiaryList.objects.get(pk=lists["6"].pk).status == ListStatus.DRAFT


def test_keep_needs_a_justification_and_exclude_takes_the_row_out(lists, officer_a):
    flag = RowFlag.objects.filter(row__beneficiary_list=lists["6"], kind=FlagKind.OTHER_LIST).get()
    with pytest.raises(DomainError, match="lý do"):
        services.flag_resolve(actor=officer_a, flag=flag, resolution="keep", justification="")
    services.flag_resolve(actor=officer_a, flag=flag, resolution="exclude")
    flag.refresh_from_db()
    assert flag.resolved_by == officer_a and flag.row.excluded
    bl = BeneficiaryList.objects.get(pk=lists["6"].pk)
    assert bl.row_count == 2 and bl.amount_total == 3_000_000  # the twins remain, 1.500.000 each


def test_full_path_records_every_step_with_who(lists, officer_a, officer_b, appraiser, leader):
    bl = _to_appraised(lists["7"], officer_b, appraiser)
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    bl = services.list_approve(actor=leader, beneficiary_list=bl, decision_pdf=pdf, **DECISION)
    assert bl.status == ListStatus.APPROVED and bl.decision_pdf.name.endswith(".pdf")
    bl = services.list_post(actor=officer_b, beneficiary_list=bl)
    events = list(ListEvent.objects.filter(beneficiary_list=bl).values_list("step", "actor__username"))
    assert events == [("prepare", "so"), ("submit", "xa_b"), ("appraise", "so2"), ("approve", "lanhdao"),
                      ("post", "xa_b")]


def test_maker_checker_refusals(lists, provincial, officer_a, appraiser, leader):
    _clean(lists["5"], officer_a)
    bl = services.list_submit(actor=provincial, beneficiary_list=lists["5"])
    with pytest.raises(PermissionDenied, match="người lập"):
        services.list_appraise(actor=provincial, beneficiary_list=bl)  # the preparer cannot appraise
    with pytest.raises(PermissionDenied):
        services.list_appraise(actor=officer_a, beneficiary_list=bl)  # commune officer: wrong role
    bl = services.list_appraise(actor=appraiser, beneficiary_list=bl)
    with pytest.raises(PermissionDenied):
        services.list_approve(actor=appraiser, beneficiary_list=bl, **DECISION)  # appraiser: not a leader
    leader.role = "provincial_specialist"
    with pytest.raises(PermissionDenied):
        services.list_approve(actor=officer_a, beneficiary_list=bl, **DECISION)


def test_appraiser_who_also_leads_cannot_approve_what_they_appraised(lists, officer_a, appraiser):
    bl = _to_appraised(lists["5"], officer_a, appraiser)
    appraiser.role = "leader"
    with pytest.raises(PermissionDenied, match="thẩm định"):
        services.list_approve(actor=appraiser, beneficiary_list=bl, **DECISION)


def test_commune_officer_cannot_act_on_another_commune(lists, officer_b):
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        services.list_submit(actor=officer_b, beneficiary_list=lists["5"])


def test_second_approval_of_the_same_list_raises_concurrent_change(lists, officer_a, appraiser, leader, province):
    from programmes.factories import user

    other_leader = user("lanhdao2", "leader", province)
    bl = _to_appraised(lists["5"], officer_a, appraiser)
    stale = BeneficiaryList.objects.get(pk=bl.pk)  # both leaders loaded the page while it was appraised
    services.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    with pytest.raises(ConcurrentChange, match="Đã phê duyệt"):
        services.list_approve(actor=other_leader, beneficiary_list=stale, **DECISION)
    assert ListEvent.objects.filter(beneficiary_list=bl, step="approve").count() == 1


def test_double_click_on_submit_is_refused(lists, officer_b):
    _clean(lists["7"], officer_b)
    page = BeneficiaryList.objects.get(pk=lists["7"].pk)
    services.list_submit(actor=officer_b, beneficiary_list=page)
    with pytest.raises(ConcurrentChange):
        services.list_submit(actor=officer_b, beneficiary_list=page)


def test_return_with_reasons_per_row(lists, officer_b, appraiser):
    _clean(lists["7"], officer_b)
    bl = services.list_submit(actor=officer_b, beneficiary_list=lists["7"])
    row = ListRow.objects.filter(beneficiary_list=bl).first()
    with pytest.raises(DomainError):
        services.list_return(actor=appraiser, beneficiary_list=bl, reason="")
    bl = services.list_return(actor=appraiser, beneficiary_list=bl, reason="Xác minh lại nhân khẩu",
                              row_reasons={row.pk: "Đã chuyển đi trước 31/12/2019?"})
    row.refresh_from_db()
    assert bl.status == ListStatus.DRAFT and row.return_reason == "Đã chuyển đi trước 31/12/2019?"


def test_decision_needs_number_signer_valid_date_and_a_pdf(lists, officer_a, appraiser, leader):
    bl = _to_appraised(lists["5"], officer_a, appraiser)
    with pytest.raises(DomainError, match="số quyết định"):
        services.list_approve(actor=leader, beneficiary_list=bl, **{**DECISION, "decision_number": " "})
    with pytest.raises(DomainError, match="Ngày quyết định"):
        services.list_approve(actor=leader, beneficiary_list=bl, **{**DECISION, "decision_date": dt.date(2099, 1, 1)})
    fake = SimpleUploadedFile("qd.pdf", b"MZ\x90 not a pdf")
    with pytest.raises(DomainError, match="PDF"):
        services.list_approve(actor=leader, beneficiary_list=bl, decision_pdf=fake, **DECISION)


def test_approved_list_rows_cannot_change_even_in_the_database(lists, officer_a, appraiser, leader):
    bl = _to_appraised(lists["5"], officer_a, appraiser)
    bl = services.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    row = ListRow.objects.filter(beneficiary_list=bl, excluded=False).first()
    with pytest.raises(DomainError):
        services.row_exclude(actor=officer_a, row=row, reason="Sửa sau khi duyệt")
    with pytest.raises(IntegrityError if connection.vendor == "postgresql" else Exception), transaction.atomic():
        ListRow.objects.filter(pk=row.pk).update(amount=1)
    row.refresh_from_db()
    assert row.amount == 1_500_000


def test_supplementary_list_references_the_approved_one_and_flags_people_already_approved(
        lists, officer_a, appraiser, leader, world):
    from ansinh.programmes.services.checks import lists_check

    bl = _to_appraised(lists["5"], officer_a, appraiser)
    bl = services.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    with pytest.raises(DomainError):
        services.supplementary_list_create(actor=officer_a, original=lists["6"])  # not approved yet
    extra = services.supplementary_list_create(actor=officer_a, original=bl)
    assert extra.supplements == bl and extra.status == ListStatus.DRAFT
    ListRow.objects.create(beneficiary_list=extra, person=world["ncc_btxh"], group_amount=1_500_000,
                           amount=1_500_000, months=3)
    lists_check(programme=bl.programme, list_ids=[extra.pk])
    flag = RowFlag.objects.get(row__beneficiary_list=extra, kind=FlagKind.ALREADY_APPROVED)
    assert "1234/QĐ-UBND" in flag.message
