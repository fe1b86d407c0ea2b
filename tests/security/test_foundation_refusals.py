"""What the review of the foundation found wrong (issue #8, item 3 and 5), each as the user would meet it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from ansinh.core import imports
from ansinh.core.errors import PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.matching import services as matching
from ansinh.matching.models import CandidatePair, MatchRun, PairStatus
from ansinh.programmes.imports import LIST_UPLOAD_KIND
from ansinh.registry.models import Person
from programmes import factories as f
from programmes.upload_files import mau04, mau04_row

pytestmark = pytest.mark.django_db
DUPLICATE_URL = "/trung-lap/kiem-tra/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- merges and pairs need both people in the area

@pytest.fixture
def cross_pair(officer_a, commune_a, commune_b):
    """A candidate pair of a person of Phường Thành Sen and a person of Xã Cẩm Bình."""
    run = MatchRun.objects.create(created_by=officer_a, review_threshold=0.8, auto_merge_threshold=0.99)
    one = f.person(commune_a, "Trương Văn Đôi", birth=dt.date(1950, 5, 1), pid=None)
    two = f.person(commune_b, "Truong Van Doi", birth=dt.date(1950, 5, 1), pid=None)
    low, high = sorted([one.pk, two.pk])
    return CandidatePair.objects.create(run=run, person_low_id=low, person_high_id=high, probability=0.9,
                                        match_weight=5, band="review", evidence=[])


def test_a_merge_needs_both_people_in_the_users_area(officer_a, provincial, cross_pair):
    kept, merged = Person.objects.get(pk=cross_pair.person_low_id), Person.objects.get(pk=cross_pair.person_high_id)
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        matching.persons_merge(actor=officer_a, kept=kept, merged=merged, pair=cross_pair)
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        matching.pair_mark_different(actor=officer_a, pair=cross_pair)
    assert Person.objects.get(pk=merged.pk).merged_into_id is None
    merge = matching.persons_merge(actor=provincial, kept=kept, merged=merged, pair=cross_pair)  # covers both
    assert Person.objects.get(pk=merged.pk).merged_into_id == kept.pk and merge.pk


def test_a_pair_half_outside_the_area_is_a_404_for_its_page_and_actions(officer_a, provincial, cross_pair):
    client = _client(officer_a)
    detail = reverse("matching:pair_detail", args=[cross_pair.pk])
    assert client.get(detail).status_code == 404
    assert client.post(reverse("matching:pair_merge", args=[cross_pair.pk]), {"keep": "low"}).status_code == 404
    assert client.post(reverse("matching:pair_different", args=[cross_pair.pk])).status_code == 404
    assert detail not in client.get(reverse("matching:pair_list")).content.decode()
    assert _client(provincial).get(detail).status_code == 200
    assert CandidatePair.objects.get(pk=cross_pair.pk).status == PairStatus.PENDING


# ---------------------------------------------------------------- the uploader commits, not the province

def test_a_provincial_specialist_cannot_commit_a_communes_upload(officer_a, provincial, commune_a, tmp_path):
    programme = f.covid_programme(provincial)
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)])
    record = imports.import_receive(kind=LIST_UPLOAD_KIND, actor=officer_a, file=path, file_name=path.name,
                                    target={"programme": programme, "group": programme.groups.get(code="4"),
                                            "commune": commune_a})
    record, _ = imports.import_check(record=record)
    with pytest.raises(PermissionDenied, match="Chỉ người tải tệp lên"):
        imports.import_commit_request(actor=provincial, record=record, valid_only=False)
    page = _client(provincial).post(reverse("programmes:upload_commit", args=[record.pk]), {"action": "commit"},
                                    follow=True)
    assert "Chỉ người tải tệp lên" in page.content.decode()
    assert not record.__class__.objects.get(pk=record.pk).beneficiary_list_id


# ---------------------------------------------------------------- the duplicate check is not an oracle

def test_the_duplicate_check_is_post_only(officer_b, household_a):
    assert _client(officer_b).get(DUPLICATE_URL, {"pid": "042068001234"}).status_code == 405


def test_the_duplicate_check_answers_only_for_a_complete_number(officer_b, household_a):
    client = _client(officer_b)
    partial = client.post(DUPLICATE_URL, {"pid": "04206800123"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Một người ở" not in partial
    complete = client.post(DUPLICATE_URL, {"pid": "042068001234"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Một người ở Phường Thành Sen" in complete and "Nguyễn Văn Hùng" not in complete
    logged = AuditEvent.objects.get(action="duplicate_check.number", actor=officer_b)
    assert "042068001234" not in logged.summary and "04206*****34" in logged.summary


def test_the_duplicate_check_by_number_is_rate_limited(officer_b, household_a):
    from ansinh.matching.permissions import NUMBER_CHECKS_PER_MINUTE

    client = _client(officer_b)
    pages = [client.post(DUPLICATE_URL, {"pid": f"0421700{k:05d}"}, HTTP_HX_REQUEST="true").content.decode()
             for k in range(NUMBER_CHECKS_PER_MINUTE + 2)]
    assert all("duplicate-throttled" not in p for p in pages[:NUMBER_CHECKS_PER_MINUTE])
    assert "duplicate-throttled" in pages[-1]
    found = client.post(DUPLICATE_URL, {"pid": "042068001234"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Một người ở" not in found  # even a real number gets no answer once the limit is reached


# ---------------------------------------------------------------- the signed decision is served to the list's readers

def test_the_signed_decision_pdf_is_served_only_to_those_who_see_the_list(programme_world_list, officer_b, leader,
                                                                         payment_agent):
    bl = programme_world_list
    url = reverse("programmes:list_decision_pdf", args=[bl.pk])
    response = _client(leader).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert _client(officer_b).get(url).status_code == 404  # another commune's list
    assert _client(payment_agent).get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302  # log in first
    page = _client(leader).get(reverse("programmes:list_detail", args=[bl.pk])).content.decode()
    assert url in page and "/media/" not in page


@pytest.fixture
def programme_world_list(provincial, officer_a, commune_a, leader, province):
    from ansinh.programmes.models import BeneficiaryList, ListRow, ListStep
    from ansinh.programmes.permissions import LIST_WORKFLOW
    from ansinh.programmes.services import workflow

    programme = f.covid_programme(provincial)
    bl = BeneficiaryList.objects.create(programme=programme, group=programme.groups.get(code="4"), commune=commune_a,
                                        source="excel", overlap_rule=programme.overlap_rule, prepared_by=officer_a)
    LIST_WORKFLOW.record(bl, ListStep.PREPARE, actor=officer_a)
    person = f.person(commune_a, "Lê Văn Quyết", birth=dt.date(1980, 1, 1))
    ListRow.objects.create(beneficiary_list=bl, person=person, months=1, group_amount=1_000_000, amount=1_000_000)
    bl = workflow.list_submit(actor=officer_a, beneficiary_list=bl)
    bl = workflow.list_appraise(actor=f.second_provincial(province), beneficiary_list=bl)
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", content_type="application/pdf")
    return workflow.list_approve(actor=leader, beneficiary_list=bl, decision_number="15/QĐ-UBND",
                                 decision_date=dt.date(2020, 5, 5), signer="Chủ tịch UBND tỉnh", decision_pdf=pdf)


# ---------------------------------------------------------------- the approver is never the preparer, in the database

def test_the_database_refuses_a_list_approved_by_its_preparer(programme_world_list):
    from django.db import IntegrityError, transaction

    from ansinh.programmes.models import BeneficiaryList

    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryList.objects.filter(pk=programme_world_list.pk).update(approved_by=programme_world_list.prepared_by)


def test_the_list_history_shows_vietnamese_step_names(programme_world_list, leader):
    page = _client(leader).get(reverse("programmes:list_detail", args=[programme_world_list.pk])).content.decode()
    steps = [chunk.split("</span>")[0] for chunk in page.split('data-testid="event-step">')[1:]]
    assert steps == ["Lập danh sách", "Trình thẩm định", "Thẩm định", "Phê duyệt"]


# ---------------------------------------------------------------- scenarios say what they need

def test_a_scenario_on_a_small_database_says_what_to_run(units):
    with pytest.raises(CommandError, match="ít nhất 1.000.000 nhân khẩu"):
        call_command("scenario", "covid-2020", "--persons", "500", stdout=io.StringIO())
    assert not Person.objects.exists()  # nothing half made


def test_no_role_is_compared_as_a_string_in_the_code():
    """Roles are members of role sets (each app's permissions.py), never ``role == "…"`` in the code."""
    import re
    from pathlib import Path

    import ansinh
    from ansinh.accounts.models import Role

    roles = "|".join(Role.values)
    offenders = []
    for path in Path(ansinh.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(rf"""["']({roles})["']\s*[!=]=|[!=]=\s*["']({roles})["']""", line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_an_officer_of_another_commune_cannot_see_a_registry_import(officer_a, officer_b, tmp_path):
    from ansinh.registry.imports import REGISTRY_KIND
    from fixtures.registry_files import row, write_xlsx

    path = write_xlsx(tmp_path / "ds.xlsx", [row("HTSEC01", "Đỗ Văn Kín", "Nam", "1960", "Chủ hộ")])
    record = imports.import_receive(kind=REGISTRY_KIND, actor=officer_a, file=path, file_name=path.name)
    for name in ("registry:import_detail", "registry:import_error_report"):
        assert _client(officer_b).get(reverse(name, args=[record.pk])).status_code == 404
    assert _client(officer_b).post(reverse("registry:import_commit", args=[record.pk])).status_code == 404


def test_roles_without_the_right_get_no_import_page(client, leader, payment_agent):
    for user in (leader, payment_agent):
        assert _client(user).get(reverse("programmes:register_import_upload")).status_code == 403
