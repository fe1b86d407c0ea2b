"""The yearly supply update through the shared import lifecycle: identity matching, the matching model and its
review queue, a person under 15, history per year, the command and its exit codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from ansinh.core.imports import import_run
from ansinh.core.models import AuditEvent, ImportStatus
from ansinh.labour.imports import SUPPLY_KIND
from ansinh.labour.models import SupplyCandidate, SupplyRecord
from ansinh.labour.models.choices import CandidateStatus, MatchMethod
from ansinh.labour.services import supply
from labour import factories as f

pytestmark = pytest.mark.django_db


def _file(tmp_path, rows, name="cung-2020.xlsx"):
    return f.workbook(tmp_path / name, f.SUPPLY_HEADERS, rows, title="PHIẾU CẬP NHẬT CUNG LAO ĐỘNG NĂM 2020")


def _run(user, path, *, commit=True, valid_only=False, year=2020):
    return import_run(kind=SUPPLY_KIND, actor=user, file=path, file_name=path.name, target={"year": year},
                      commit=commit, valid_only=valid_only)


def test_rows_matched_by_identity_number_are_written_with_their_person(job_centre, people, tmp_path):
    p = people
    path = _file(tmp_path, [f.supply_row(1, p["an"]), f.supply_row(2, p["binh"], status="Thất nghiệp", unemployed=4),
                            f.supply_row(3, p["dung"], status="Không tham gia HĐKT", reason="Nội trợ"),
                            f.supply_row(4, p["cuong"], name="Lê Cường")])  # middle name dropped: still him (same number, year)
    run = _run(job_centre, path)
    assert run.committed, run.record.message
    records = {r.person_id: r for r in SupplyRecord.objects.filter(year=2020)}
    assert set(records) == {p["an"].pk, p["binh"].pk, p["dung"].pk, p["cuong"].pk}
    assert records[p["binh"].pk].status == "unemployed" and records[p["binh"].pk].unemployed_months == 4
    assert records[p["dung"].pk].inactive_reason == "homemaking"  # matched by her CMND
    assert all(r.match == MatchMethod.IDENTITY for r in records.values())
    assert run.record.summary["figures"]["name_differs"] == 1
    assert AuditEvent.objects.filter(action="labour_supply_import.commit").count() == 1


def test_a_person_under_15_is_refused_and_nothing_is_half_written(job_centre, people, tmp_path):
    p = people
    path = _file(tmp_path, [f.supply_row(1, p["an"]), f.supply_row(2, p["em"], status="Không tham gia HĐKT",
                                                                     reason="Đi học")])
    run = _run(job_centre, path)
    assert not run.committed and run.record.status == ImportStatus.CHECKED
    errors = dict((row, e) for row, _name, e in run.record.summary["errors"])
    assert any("Người dưới 15 tuổi" in m and "13 tuổi" in m for m in errors[6])
    assert not SupplyRecord.objects.exists()  # the valid row waits too: nothing half written
    run = _run(job_centre, path, valid_only=True)
    assert run.committed
    assert list(SupplyRecord.objects.values_list("person_id", flat=True)) == [p["an"].pk]


def test_answers_that_contradict_each_other_are_refused(job_centre, people, tmp_path):
    row = f.supply_row(1, people["an"], status="Thất nghiệp")
    row[11] = "Thợ xây"  # a job for someone unemployed
    run = _run(job_centre, _file(tmp_path, [row]))
    assert "Chỉ ghi công việc" in " ".join(run.record.summary["errors"][0][2])


def test_rows_without_a_number_go_to_the_review_queue(job_centre, people, tmp_path):
    p = people
    path = _file(tmp_path, [f.supply_row(1, p["hung"], identity=""),
                            f.supply_row(2, None, name="Người Không Có Thật", birth="01/01/1950", sex="Nam",
                                         identity="")])
    run = _run(job_centre, path, valid_only=True)
    assert run.committed, run.record.message
    errors = " ".join(" ".join(e) for _r, _n, e in run.record.summary["errors"])
    assert "Không tìm thấy người này" in errors
    record = SupplyRecord.objects.get()
    assert record.match == MatchMethod.PENDING and record.person is None
    candidate = SupplyCandidate.objects.get(record=record)
    assert candidate.person_id == p["hung"].pk and candidate.probability >= 0.8
    assert "Họ tên" in candidate.agreed_fields
    record = supply.candidate_accept(actor=job_centre, candidate=candidate)
    assert record.match == MatchMethod.REVIEWED and record.person_id == p["hung"].pk
    assert SupplyCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.ACCEPTED


def test_one_record_per_person_per_year_history_kept(job_centre, people, tmp_path):
    p = people
    assert _run(job_centre, _file(tmp_path, [f.supply_row(1, p["an"])], "2019.xlsx"), year=2019).committed
    assert _run(job_centre, _file(tmp_path, [f.supply_row(1, p["an"], status="Thất nghiệp")], "2020.xlsx")).committed
    again = _run(job_centre, _file(tmp_path, [f.supply_row(1, p["an"], job="Thợ mộc")], "2020b.xlsx"))
    assert not again.committed
    assert "đã có phiếu cung lao động năm 2020" in " ".join(again.record.summary["errors"][0][2])
    assert sorted(SupplyRecord.objects.filter(person=p["an"]).values_list("year", "status")) == [
        (2019, "employed"), (2020, "unemployed")]


def test_a_commune_officer_imports_only_his_commune(officer_a, people, tmp_path):
    run = _run(officer_a, _file(tmp_path, [f.supply_row(1, people["an"], commune="Xã Cẩm Bình")]))
    assert "ngoài địa bàn" in " ".join(run.record.summary["errors"][0][2])
    assert not SupplyRecord.objects.exists()


def test_the_command_and_its_exit_codes(job_centre, people, tmp_path):
    good = _file(tmp_path, [f.supply_row(1, people["an"])], "tot.xlsx")
    bad = _file(tmp_path, [f.supply_row(1, people["em"])], "loi.xlsx")
    (tmp_path / "rong.xlsx").write_bytes(b"not a workbook")
    for path, commit, code in ((good, False, 0), (bad, True, 1), (tmp_path / "rong.xlsx", False, 2),
                               (good, True, 0), (good, True, 2)):  # the same file twice for 2020: refused
        with pytest.raises(SystemExit) as exit_:
            call_command("labour", "import-supply", str(path), "--year", "2020", "--user", job_centre.username,
                         *(["--commit"] if commit else []))
        assert exit_.value.code == code, (path, commit)
    assert (tmp_path / "loi_loi.xlsx").exists()
    assert SupplyRecord.objects.filter(year=2020).count() == 1


def test_a_record_corrected_by_hand(job_centre, people, tmp_path):
    assert _run(job_centre, _file(tmp_path, [f.supply_row(1, people["an"])])).committed
    record = SupplyRecord.objects.get()
    answers = supply.SupplyAnswers(status="unemployed", previous_job="Làm ruộng", unemployed_months=2)
    supply.supply_record_update(actor=job_centre, record=record, answers=answers)
    record.refresh_from_db()
    assert (record.status, record.job_title, record.unemployed_months) == ("unemployed", "", 2)
    with pytest.raises(Exception, match="Chỉ ghi công việc"):
        supply.supply_record_update(actor=job_centre, record=record,
                                    answers=supply.SupplyAnswers(status="inactive", job_title="Thợ xây"))


def test_the_campaign_opens_once_per_year(job_centre):
    campaign = supply.campaign_open(actor=job_centre, year=2020)
    assert (campaign.start_date, campaign.end_date) == (dt.date(2020, 7, 1), dt.date(2020, 7, 30))
    with pytest.raises(Exception, match="Đã có đợt cập nhật"):
        supply.campaign_open(actor=job_centre, year=2020)


def test_a_big_load_rebuilds_the_indexes_and_keys(job_centre, people, tmp_path, monkeypatch):
    """PostgreSQL: a load bigger than the register takes its indexes and foreign keys off and puts them back."""
    from django.db import connection

    from ansinh.labour.services import supply as supply_services

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite writes with the indexes in place")

    def shape():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'labour_supplyrecord' ORDER BY 1")
            indexes = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                           "'labour_supplyrecord'::regclass ORDER BY 1")
            return indexes, [r[0] for r in cursor.fetchall()]

    before = shape()
    monkeypatch.setattr(supply_services, "REBUILD_ABOVE", 0)
    path = _file(tmp_path, [f.supply_row(1, people["an"]), f.supply_row(2, people["binh"])])
    assert _run(job_centre, path).committed
    assert shape() == before
    assert SupplyRecord.objects.count() == 2


def test_an_unrecognised_column_of_numbers_blocks_the_commit(job_centre, people, tmp_path):
    headers = [h if h != "Số CCCD/CMND" else "Giấy tờ" for h in f.SUPPLY_HEADERS]
    path = f.workbook(tmp_path / "cot-la.xlsx", headers, [f.supply_row(i, people[k]) for i, k in
                                                         enumerate(("an", "binh", "cuong"), start=1)])
    run = _run(job_centre, path)
    assert not run.committed and "Giấy tờ" in " ".join(run.record.summary["blocking"])
    assert not SupplyRecord.objects.exists()
