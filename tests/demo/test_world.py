"""The living demo of the first run (``demo_load`` → ``demo.world``), built once on a small population: every
list state of NQ 42 is there through the workflow (distinct makers and checkers), payments with results, payroll
months, the matching pairs, the parameter proposal, poverty and labour; each demo login finds its area's data on
its pages; loading again adds nothing; the reset is refused in production and empties the demo's work."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from ansinh.accounts.models import User
from ansinh.core.safety import RefusedInProduction
from ansinh.demo.reset import registry_truncate, world_clear
from ansinh.geo.loaders import admin_units_load
from ansinh.labour.models import Placement
from ansinh.matching.models import CandidatePair, MatchRun, PairStatus, RunStatus
from ansinh.payments.models import BatchStatus, LineStatus, PaymentBatch, PaymentLine
from ansinh.payroll.models import LineResult, PayrollLine, PayrollMonth, PayrollSheet, SheetStatus
from ansinh.policy.models import ChangeStatus, ParameterChange
from ansinh.poverty.models import ReviewRound
from ansinh.programmes.models import BeneficiaryList, Enrolment, ListEvent, ListStatus, Programme
from ansinh.registry.models import Person

pytestmark = pytest.mark.django_db
PERSONS = 3000
DONE, CURRENT = "2025-11-01", "2025-12-01"


def _counts() -> dict[str, int]:
    models = (Person, Enrolment, BeneficiaryList, ListEvent, PaymentBatch, PaymentLine, PayrollMonth, PayrollSheet,
              PayrollLine, LineResult, MatchRun, CandidatePair, ParameterChange, ReviewRound, Placement, User)
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("demo_load", persons=PERSONS, seed=2020, stdout=out)
        yield {"output": out.getvalue(), "counts": _counts()}
        world_clear()
        registry_truncate()
        call_command("flush", interactive=False, verbosity=0)
        admin_units_load()


def _nq42():
    return Programme.objects.get(code="covid-2020")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _page(username: str, url: str) -> str:
    client = Client()
    client.force_login(_user(username))
    response = client.get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.content.decode()


def test_every_list_state_exists_across_several_communes_with_distinct_makers_and_checkers(world):
    lists = BeneficiaryList.objects.filter(programme=_nq42())
    by_status = dict(lists.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(by_status) == set(ListStatus.values), by_status
    returned = lists.filter(status=ListStatus.DRAFT).exclude(return_reason="")
    assert returned.exists() and lists.filter(status=ListStatus.DRAFT, return_reason="").exists()
    for status in ListStatus.values:
        assert lists.filter(status=status).values("commune").distinct().count() >= 2, status
    approved = lists.filter(approved_by__isnull=False)
    assert approved.exists()
    for bl in approved:
        makers = {bl.prepared_by_id, bl.submitted_by_id, bl.appraised_by_id}
        assert bl.approved_by_id not in makers and bl.submitted_by_id != bl.appraised_by_id
    closed = lists.filter(status=ListStatus.CLOSED).first()
    steps = list(ListEvent.objects.filter(beneficiary_list=closed).order_by("pk").values_list("step", flat=True))
    assert steps[0] == "prepare" and steps[-1] == "close" and {"submit", "appraise", "approve", "post"} <= set(steps)


def test_payments_went_through_the_post_office_with_some_people_unpaid(world):
    batches = PaymentBatch.objects.filter(programme=_nq42())
    assert set(batches.values_list("status", flat=True)) == {BatchStatus.EXPORTED, BatchStatus.RESULTS,
                                                             BatchStatus.RECONCILED}
    assert not batches.exclude(agent=_user("buudien")).exists()
    lines = PaymentLine.objects.filter(batch__in=batches.exclude(status=BatchStatus.EXPORTED))
    assert lines.filter(status=LineStatus.PAID).count() > 10 * lines.filter(status=LineStatus.UNPAID).count() > 0
    assert not lines.filter(status=LineStatus.PENDING).exists()
    waiting = batches.filter(status=BatchStatus.EXPORTED)  # sent to the post office, no result yet
    assert waiting.filter(commune=_user("xa").area).exists() and waiting.values("commune").distinct().count() >= 2
    assert not waiting.exclude(beneficiary_list__status=ListStatus.POSTED).exists()


def test_payroll_one_month_reconciled_and_the_current_month_at_every_step(world):
    assert set(PayrollMonth.objects.values_list("register", flat=True)) == {"ncc", "tgxh", "topup"}
    done = PayrollSheet.objects.filter(month=DONE)
    assert done.exists() and set(done.values_list("status", flat=True)) == {SheetStatus.RECONCILED}
    assert set(done.values_list("agent__username", flat=True)) == {"buudien"}
    results = LineResult.objects.filter(line__sheet__month=DONE)
    assert results.filter(status="paid").count() > 10 * results.filter(status="unpaid").count() > 0
    current = PayrollSheet.objects.filter(month=CURRENT)
    assert set(current.values_list("status", flat=True)) == {SheetStatus.DRAFT, SheetStatus.SUBMITTED,
                                                             SheetStatus.APPRAISED, SheetStatus.APPROVED}
    mine = current.filter(commune=_user("xa").area)
    assert mine.filter(status=SheetStatus.DRAFT).exists()
    ncc = PayrollLine.objects.filter(sheet__month=DONE, sheet__register="ncc", amount__gt=0)
    assert ncc.exists()  # the standing registers carry the NCC category the rules need


def test_matching_pairs_wait_for_review_and_a_parameter_waits_for_a_second_administrator(world):
    run = MatchRun.objects.get()
    assert run.status == RunStatus.FINISHED and run.pairs_review > 0
    assert CandidatePair.objects.filter(run=run, status=PairStatus.PENDING).count() == run.pairs_total
    change = ParameterChange.objects.get()
    assert change.status == ChangeStatus.PROPOSED and change.proposed_by.username == "quantri2"
    assert ReviewRound.objects.filter(year=2021).exclude(status="recognised").exists()
    assert Placement.objects.exists()


def _links(html: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, html))


def test_each_demo_login_finds_its_areas_work_on_its_pages(world):
    programme = _nq42()
    xa, xa2 = _user("xa"), _user("xa2")
    own = {f"/chuong-trinh/danh-sach/{pk}/" for pk in BeneficiaryList.objects.filter(
        programme=programme, commune=xa.area).values_list("pk", flat=True)}
    shown = _links(_page("xa", f"/chuong-trinh/{programme.pk}/"), r"/chuong-trinh/danh-sach/\d+/")
    assert own and own <= shown
    assert not shown - own - {f"/chuong-trinh/danh-sach/{pk}/" for pk in BeneficiaryList.objects.exclude(
        programme=programme).values_list("pk", flat=True)}  # nothing of another commune
    for username, status in (("xa2", ListStatus.APPROVED), ("huyen", ListStatus.SUBMITTED),
                             ("lanhdao", ListStatus.APPRAISED)):
        waiting = BeneficiaryList.objects.filter(programme=programme, status=status)
        user = _user(username)
        if user.area_id == xa2.area_id:
            waiting = waiting.filter(commune=xa2.area)
        page = _page(username, f"/chuong-trinh/{programme.pk}/")
        assert any(f"/chuong-trinh/danh-sach/{pk}/" in page for pk in waiting.values_list("pk", flat=True)), username
    agent_batches = _links(_page("buudien", "/chi-tra/"), r"/chi-tra/dot/\d+/")
    assert len(agent_batches) == PaymentBatch.objects.filter(agent__username="buudien").count() > 0
    agent_sheets = _links(_page("buudien", "/chi-tra-hang-thang/"), r"/chi-tra-hang-thang/bang/\d+/")
    assert agent_sheets and agent_sheets <= {f"/chi-tra-hang-thang/bang/{pk}/" for pk in PayrollSheet.objects.filter(
        agent__username="buudien").values_list("pk", flat=True)}
    sheet = PayrollSheet.objects.get(month=CURRENT, register="ncc", commune=xa.area)
    assert f"/chi-tra-hang-thang/bang/{sheet.pk}/" in _page("xa", "/chi-tra-hang-thang/thang/ncc/2025/12/")
    assert _links(_page("so", "/trung-lap/"), r"/trung-lap/cap/\d+/")
    change = ParameterChange.objects.get()
    assert f"/chinh-sach/tham-so/de-xuat/{change.pk}/duyet/" in _page("quantri", "/chinh-sach/tham-so/cho-duyet/")
    assert f"/chinh-sach/tham-so/de-xuat/{change.pk}/duyet/" not in _page("quantri2", "/chinh-sach/tham-so/cho-duyet/")
    rounds = ReviewRound.objects.filter(commune=xa.area).values_list("pk", flat=True)
    assert {f"/ho-ngheo/ky/{pk}/" for pk in rounds} <= _links(_page("xa", "/ho-ngheo/"), r"/ho-ngheo/ky/\d+/")
    for username in ("xa", "xa2", "huyen", "so", "so_giamngheo", "lanhdao", "buudien", "thanhtra", "luutru", "tiepdan",
                     "quantri"):
        user = _user(username)
        assert user.area.name in _page(username, "/"), username


def test_the_officers_communes_hold_the_lists_and_sheets_waiting_for_them(world):
    programme = _nq42()
    xa, xa2 = _user("xa"), _user("xa2")
    mine = BeneficiaryList.objects.filter(programme=programme, commune=xa.area)
    assert mine.filter(status=ListStatus.DRAFT, return_reason="", rows__flags__resolution="").exists()
    assert mine.filter(status=ListStatus.DRAFT).exclude(return_reason="").exists()
    assert BeneficiaryList.objects.filter(programme=programme, commune=xa2.area, status=ListStatus.APPROVED).exists()


def test_the_archive_and_the_petitions_wait_for_their_users(world):
    from django.utils import timezone

    from ansinh.casework.models import Inspection, InspectionStatus, Petition, PetitionStatus
    from ansinh.dossiers.models import Borrowing, DocumentVersion, Dossier, OcrStatus

    commune = _user("xa").area
    dossiers = Dossier.objects.filter(commune=commune)
    made = dossiers.count()  # up to six people of the NCC register of the commune (fewer on a small population)
    assert 3 <= made <= 6 and all(d.person_id for d in dossiers)
    assert DocumentVersion.objects.filter(document__dossier__commune=commune,
                                          ocr_status=OcrStatus.PENDING).count() == made - 1  # the last waits
    assert Borrowing.objects.filter(dossier__commune=commune, returned_on__isnull=True).count() == 1  # lent
    petitions = Petition.objects.filter(commune=commune)
    assert set(petitions.values_list("status", flat=True)) == set(PetitionStatus.values)
    today = timezone.localdate()
    assert petitions.filter(status=PetitionStatus.RECEIVED, acceptance_due__lt=today).exists()  # overdue
    assert petitions.filter(status=PetitionStatus.ACCEPTED, resolution_due__gte=today).exists()
    inspection = Inspection.objects.get(commune=commune)
    assert inspection.status == InspectionStatus.CONCLUDED
    assert inspection.demands.filter(recovery_entry__isnull=True).count() == 2
    # the handler reads the petitioner; the leader reads the matter without the petitioner's name
    first = petitions.get(petitioner_name="Nguyễn Thị Hương")
    assert first.number in _page("tiepdan", "/don-thu/")
    assert "Nguyễn Thị Hương" in _page("tiepdan", f"/don-thu/{first.pk}/")
    assert "Nguyễn Thị Hương" not in _page("lanhdao", f"/don-thu/{first.pk}/")
    assert "NCC-" in _page("luutru", "/ho-so-luu-tru/")
    assert "45/KL-TTr" in _page("thanhtra", "/don-thu/thanh-tra/")
    # a second-time complaint against a first-time decision, in time and accepted; the register of citizen reception
    from ansinh.casework.models import Reception

    second = petitions.get(second_time=True)
    assert second.first_petition.status == PetitionStatus.DECIDED and second.status == PetitionStatus.ACCEPTED
    assert not second.lodged_late and second.number in _page("tiepdan", f"/don-thu/{second.first_petition_id}/")
    entries = Reception.objects.filter(commune=commune)
    assert entries.count() == 4 and entries.filter(petition__isnull=False).count() == 1
    assert entries.filter(session="periodic", received_by__username="lanhdao").exists()
    period = f"/don-thu/tiep-cong-dan/?first={today - dt.timedelta(days=10):%Y-%m-%d}&last={today:%Y-%m-%d}"
    register = _page("lanhdao", period)
    assert all(entry.number in register for entry in entries) and "đoàn đông người" in register


def test_the_plan_of_the_year_and_a_conclusion_waiting_to_be_issued(world):
    from ansinh.planning.models import Conclusion, IncomingDocument, Task, UnitReport

    assert Task.objects.filter(kind="framework").count() == 195
    assert UnitReport.objects.filter(status="accepted").exists()
    conclusion = Conclusion.objects.get()
    assert conclusion.document_id is None and conclusion.items.filter(tasks__isnull=False).distinct().count() > 30
    assert IncomingDocument.objects.filter(level="central").count() >= 119
    dashboard = _page("so", "/ke-hoach/")
    assert "Nhiệm vụ khung" in dashboard and "<svg" in dashboard
    page = _page("so", f"/ke-hoach/ket-luan/{conclusion.pk}/")
    assert "Cấp số và ban hành" in page and "Kiểm tra số liệu trước khi ban hành" in page
    register = _page("lanhdao", "/ke-hoach/van-ban-den/?year=2020&q=42/NQ")
    assert "42/NQ-CP" in register and "Tổng cộng: 1 văn bản" in register
    # the demo has no 2020 payroll: the page says which figures are missing before the specialist tries, and
    # issuing is refused with the same names, nothing numbered
    checked = _page("so", f"/ke-hoach/ket-luan/{conclusion.pk}/?so-lieu=1")
    assert "Chưa có số liệu cho" in checked and "[[over:ncc_paid_monthly]]" in checked
    assert re.search(r"<code>\[\[n:central_documents\]\]</code></td><td>119</td>", checked)
    client = Client()
    client.force_login(_user("so"))
    issued = client.post(f"/ke-hoach/ket-luan/{conclusion.pk}/ban-hanh/", {"issued_on": "14/07/2020"}, follow=True)
    assert "Chưa có số liệu cho: [[over:ncc_paid_monthly]]" in issued.content.decode()
    conclusion.refresh_from_db()
    assert conclusion.document_id is None


def test_loading_again_adds_nothing(world):
    out = io.StringIO()
    call_command("demo_load", persons=PERSONS, seed=2020, stdout=out)
    assert _counts() == world["counts"]
    assert out.getvalue().count("đã có, giữ nguyên") == 9


def test_the_reset_is_refused_in_production(world, settings):
    settings.ANSINH_ENV = "production"
    with pytest.raises(RefusedInProduction):
        world_clear()
    with pytest.raises(RefusedInProduction):
        call_command("demo_load", reset=True, stdout=io.StringIO())
    assert _counts() == world["counts"]
