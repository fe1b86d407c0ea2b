"""Files through the shared import lifecycle from other systems: a Mẫu 04 list, the payment agent's results."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.core.models import ImportStatus
from ansinh.payroll import selectors as payroll_selectors
from ansinh.payroll.models import LineResult, SheetStatus
from ansinh.programmes.models import BeneficiaryList, ListUpload
from programmes import factories as f
from programmes.upload_files import mau04, mau04_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(provincial):
    return f.covid_programme(provincial)


def _upload(api, key, programme, commune, path, group="4"):
    with path.open("rb") as handle:
        return api.call(key, "POST", "/lists/uploads",
                        {"programme": programme.code, "group": group, "commune_code": commune.code, "file": handle},
                        content_type="multipart/form-data")


def test_a_list_from_another_system_is_checked_then_committed_by_the_same_system(api, clients, programme, commune_a,
                                                                                 tmp_path):
    _c, key = clients["xa_a"]
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)])
    response = _upload(api, key, programme, commune_a, path)
    assert response.status_code == 201, response.content
    status = response.json()
    assert (status["status"], status["total_rows"], status["error_rows"]) == ("checked", 1, 0)
    assert status["figures"]["amount"] == 3_000_000
    assert not BeneficiaryList.objects.exists()  # nothing written by the check
    # another system of the same commune cannot commit the file it did not send
    _c2, key_tinh = clients["tinh"]
    refused = api.call(key_tinh, "POST", f"/lists/uploads/{status['id']}/commit", {"valid_only": False})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    done = api.call(key, "POST", f"/lists/uploads/{status['id']}/commit", {"valid_only": False})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["written_rows"]) == ("committed", 1)
    bl = BeneficiaryList.objects.get()
    assert (bl.commune_id, bl.group.code, bl.amount_total) == (commune_a.pk, "4", 3_000_000)
    again = api.call(key, "POST", f"/lists/uploads/{status['id']}/commit", {"valid_only": False})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_a_file_with_bad_rows_reports_them_and_writes_nothing(api, clients, programme, commune_a, tmp_path):
    _c, key = clients["xa_a"]
    path = mau04(tmp_path / "loi.xlsx", [mau04_row(1, "Phạm Thị Hoa", "31/02/1970", "Nữ", "042170005555", 3)])
    status = _upload(api, key, programme, commune_a, path).json()
    assert (status["status"], status["error_rows"]) == ("checked", 1)
    assert status["errors"][0]["row"] > 0 and "Ngày" in " ".join(status["errors"][0]["errors"])
    refused = api.call(key, "POST", f"/lists/uploads/{status['id']}/commit", {"valid_only": False})
    assert refused.status_code == 422 and "dòng lỗi" in refused.json()["error"]["message"]
    assert not BeneficiaryList.objects.exists()


def test_a_commune_outside_the_area_or_an_unknown_group_is_not_found(api, clients, programme, commune_b, tmp_path):
    _c, key = clients["xa_a"]
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)])
    assert _upload(api, key, programme, commune_b, path).status_code == 404
    assert _upload(api, key, programme, commune_b, path, group="9").status_code == 404
    assert not ListUpload.objects.exists()


def _rows(sheet, *, unpaid_seq=None):
    payees = payroll_selectors.payees_frame(payroll_selectors.sheet_lines_frame(sheet))
    return [{"seq": r["seq"], "identity": r["identity"], "period": f"{sheet.month:%m/%Y}", "total": r["total"],
             **({"result": "unpaid", "reason": "absent"} if r["seq"] == unpaid_seq else
                {"result": "paid", "paid_date": sheet.month.replace(day=10).isoformat()})}
            for r in payees.iter_rows(named=True)]


def test_the_payment_agent_reads_its_sheets_and_sends_results_through_the_results_import(api, clients, sent_sheets,
                                                                                         commune_a, people):
    _c, key = clients["buudien"]
    listing = api.call(key, "GET", "/payroll/sheets", {"status": "sent"}).json()
    assert sorted(s["id"] for s in listing["results"]) == sorted(s.pk for s in sent_sheets.values())
    sheet = sent_sheets[commune_a.pk]
    detail = api.call(key, "GET", f"/payroll/sheets/{sheet.pk}").json()
    assert [p["full_name"] for p in detail["payees"]] == ["Nguyễn Văn Hùng"]
    assert detail["payees"][0]["identity"] == "04205*****34"  # the agent does not need the whole number
    assert detail["payees"][0]["total"] == 2_789_000
    checked = api.call(key, "POST", f"/payroll/sheets/{sheet.pk}/results", {"rows": _rows(sheet)})
    assert checked.status_code == 201, checked.content
    assert (checked.json()["status"], checked.json()["error_rows"]) == ("checked", 0)
    assert not LineResult.objects.exists()
    done = api.call(key, "POST", f"/payroll/results/{checked.json()['id']}/commit", {})
    assert done.status_code == 200 and done.json()["status"] == "committed", done.content
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RESULTS
    assert LineResult.objects.filter(sheet=sheet, status="paid", paid_date=dt.date(2024, 7, 10)).count() == 1


def test_results_with_a_wrong_amount_are_refused_row_by_row(api, clients, sent_sheets, commune_a):
    _c, key = clients["buudien"]
    sheet = sent_sheets[commune_a.pk]
    rows = _rows(sheet)
    rows[0]["total"] = 1
    status = api.call(key, "POST", f"/payroll/sheets/{sheet.pk}/results", {"rows": rows}).json()
    assert (status["status"], status["error_rows"]) == ("checked", 1)
    assert "khác số tiền phải chi" in status["errors"][0]["errors"][0]


def test_another_agent_sees_none_of_these_sheets(api, clients, sent_sheets, commune_a):
    _c, key = clients["buudien2"]
    assert api.call(key, "GET", "/payroll/sheets").json()["results"] == []
    sheet = sent_sheets[commune_a.pk]
    assert api.call(key, "GET", f"/payroll/sheets/{sheet.pk}").status_code == 404
    response = api.call(key, "POST", f"/payroll/sheets/{sheet.pk}/results", {"rows": _rows(sheet)})
    assert response.status_code == 404
    assert ImportStatus.CHECKED not in set(sheet.result_imports.values_list("status", flat=True))
