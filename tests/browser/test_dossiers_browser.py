"""An archivist, a complaint handler and an inspector in a real browser: register a dossier, upload a scan, the
OCR (real Tesseract), search without diacritics and open the highlighted page; receive a complaint; record an
inspection's conclusion. Screenshots go to ``ANSINH_SHOTS`` when it is set."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from browser.conftest import PASSWORD, _load_ha_tinh_units

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("ANSINH_SHOTS", "")
KNOWN = "Ông Nguyễn Văn Đức, thương binh, được hưởng trợ cấp hằng tháng tại phường Thành Sen"


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def world(transactional_db, live_server, settings, tmp_path):
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    _load_ha_tinh_units()
    commune = AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42",
                                    name="Phường Thành Sen")
    users = {name: User.objects.create_user(username=name, password=PASSWORD, role=role, area=area,
                                            last_name="Cán bộ", first_name=name)
             for name, role, area in (("luutru", Role.ARCHIVIST, commune.legacy_district),
                                      ("tiepdan", Role.COMPLAINT_HANDLER, commune.legacy_district),
                                      ("thanhtra", Role.INSPECTOR, commune.legacy_district))}
    return {"url": live_server.url, "commune": commune, "users": users, "tmp": tmp_path}


def _log_in(page, world, username):
    page.goto(f"{world['url']}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{world['url']}/")


def test_archivist_registers_scans_and_finds_the_text(page, world):
    from playwright.sync_api import expect

    from ansinh.demo.scans import scan_bytes, text_page
    from ansinh.dossiers.models import DocumentVersion
    from ansinh.dossiers.tasks import ocr_task

    base = world["url"]
    _log_in(page, world, "luutru")
    page.goto(f"{base}/ho-so-luu-tru/them/")
    page.fill("#id_number", "ncc-000777")
    page.select_option("#id_category", "ncc")
    page.fill("#id_matter", "Hưởng trợ cấp thương binh")
    page.fill("#id_holder_name", "Nguyễn Văn Đức")
    page.select_option("#id_commune", str(world["commune"].pk))
    page.fill("#id_warehouse", "Kho 2")
    page.fill("#id_shelf", "K07")
    page.fill("#id_box", "H031")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/ho-so-luu-tru/\d+/$"))
    expect(page.locator("h1")).to_contain_text("NCC-000777 – Nguyễn Văn Đức")
    expect(page.locator("[data-testid=location]")).to_have_text("kho Kho 2, kệ K07, hộp H031")

    scan = world["tmp"] / "quyet-dinh.pdf"
    scan.write_bytes(scan_bytes([text_page(KNOWN, size=(2480, 900))], "pdf"))
    page.fill("#id_title", "Quyết định trợ cấp")
    page.set_input_files("#id_file", str(scan))
    page.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator(".alert-success")).to_contain_text("đang nhận dạng chữ")
    expect(page.locator("[data-testid=status]")).to_contain_text("Đã quét")
    _shot(page, "1_dossier_scanned")

    version = DocumentVersion.objects.get()
    ocr_task.call(version.pk)  # what the worker runs (real Tesseract); the page polls and shows the result
    expect(page.locator(f"[data-testid=ocr-{version.pk}]")).to_contain_text("Đã nhận dạng", timeout=15_000)
    page.reload()
    expect(page.locator("[data-testid=status]")).to_contain_text("Đã nhận dạng chữ")
    _shot(page, "2_dossier_ocr_done")

    bad = world["tmp"] / "bao-cao.pdf"
    bad.write_bytes(b"PK\x03\x04 not a scan")
    page.fill("#id_title", "Tài liệu lạ")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator(".alert-danger")).to_contain_text("không phải bản quét PDF, JPEG, PNG hoặc TIFF")

    page.goto(f"{base}/ho-so-luu-tru/tim-trong-van-ban/?q=nguyen+van+duc+thuong+binh")
    hits = page.locator("[data-testid=hits] li")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_have_text("Nguyễn")
    _shot(page, "3_search_without_diacritics")
    hits.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/trang/1/\?q="))
    expect(page.locator("[data-testid=page-text] mark").nth(3)).to_have_text("thương")
    page.wait_for_function("document.querySelector('img.img-fluid').naturalWidth > 0")
    _shot(page, "4_page_highlighted")
    page.goto(f"{base}/ho-so-luu-tru/so-hoa/")
    expect(page.locator("[data-testid=campaign-chart]")).to_be_visible()
    _shot(page, "5_campaign")


def test_handler_receives_a_complaint_and_the_inspector_concludes(page, world):
    from playwright.sync_api import expect

    base = world["url"]
    _log_in(page, world, "tiepdan")
    page.goto(f"{base}/don-thu/tiep-nhan/")
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_channel", "reception")
    page.fill("#id_received_on", (dt.date.today() - dt.timedelta(days=8)).isoformat())  # noqa: DTZ011
    page.select_option("#id_commune", str(world["commune"].pk))
    page.fill("#id_petitioner_name", "Trần Thị Mai")
    page.fill("#id_petitioner_phone", "0912345678")
    page.fill("#id_summary", "Khiếu nại việc thôi hưởng trợ cấp người có công")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/don-thu/\d+/$"))
    expect(page.locator("[data-testid=petitioner]")).to_have_text("Trần Thị Mai")
    expect(page.locator("[data-testid=deadline-state]")).to_have_text("sắp đến hạn")
    _shot(page, "6_complaint")
    page.goto(f"{base}/don-thu/")
    expect(page.locator("[data-testid=deadline-warnings]")).to_contain_text("sắp đến hạn")

    page.context.clear_cookies()
    _log_in(page, world, "thanhtra")
    page.goto(f"{base}/don-thu/thanh-tra/them/")
    page.fill("#id_title", "Thanh tra chế độ chất độc hóa học")
    page.fill("#id_decision_number", "05/QĐ-TTr")
    page.fill("#id_decision_date", dt.date(2025, 9, 1).isoformat())
    page.select_option("#id_commune", str(world["commune"].pk))
    page.fill("#id_subject", "UBND phường Thành Sen")
    page.fill("#id_team", "Trưởng đoàn: Lê Văn Tâm")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/don-thu/thanh-tra/\d+/$"))
    page.fill("#id_conclusion_number", "17/KL-TTr")
    page.fill("#id_conclusion_date", dt.date(2025, 10, 1).isoformat())
    page.fill("#id_findings", "Chi sai đối tượng 2 trường hợp")
    page.get_by_role("button", name="Ghi kết luận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi kết luận 17/KL-TTr")
    from ansinh.casework.models import Petition

    page.goto(f"{base}/don-thu/{Petition.objects.get().pk}/")
    assert "Trần Thị Mai" not in page.content()  # the inspector reads the petition without the petitioner's data
    _shot(page, "7_inspector_sees_petition")


def test_handler_records_a_delegation_that_lodges_a_complaint_and_the_register_counts_it(page, world):
    """The register of citizen reception in the browser: a delegation of 6 received in the regular session, its
    complaint received as a petition in the same step; the entry shows the delegation and links to the petition;
    the register's counts and the missing head's reception day of the month are on the list page."""
    from playwright.sync_api import expect

    from ansinh.casework.models import Petition, Reception

    base = world["url"]
    _log_in(page, world, "tiepdan")
    page.goto(f"{base}/don-thu/tiep-cong-dan/ghi-so/")
    from django.utils import timezone

    earlier = timezone.localtime() - dt.timedelta(hours=1)  # in Vietnam's time, as the form reads it
    today = earlier.date()
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_received_time", earlier.strftime("%H:%M"))
    page.select_option("#id_session", "regular")
    page.select_option("#id_commune", str(world["commune"].pk))
    page.fill("#id_people_count", "6")
    page.fill("#id_citizen_name", "Phan Văn Hải")
    page.fill("#id_citizen_address", "Tổ 3, phường Thành Sen")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_content", "Khiếu nại việc cắt trợ cấp của 6 hộ")
    page.select_option("#id_outcome", "petition")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert not page.locator(".invalid-feedback, .alert-danger").count(), page.locator(
        ".invalid-feedback, .alert-danger").all_inner_texts()
    page.wait_for_url(re.compile(r"/don-thu/tiep-cong-dan/\d+/$"))
    expect(page.locator("[data-testid=delegation]")).to_have_text("đoàn đông người")
    expect(page.locator("[data-testid=citizens]")).to_contain_text("Phan Văn Hải")
    petition = Petition.objects.get()
    expect(page.locator("[data-testid=petition-link]")).to_contain_text(f"Đơn {petition.number}")
    assert Reception.objects.get().petition_id == petition.pk
    _shot(page, "8_reception")
    page.goto(f"{base}/don-thu/tiep-cong-dan/")
    expect(page.locator("[data-testid=receptions] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=head-missing]")).to_contain_text(f"tháng {today:%m/%Y}")
    _shot(page, "9_reception_register")


def test_handler_receives_a_second_time_complaint_at_the_reception_desk(page, world):
    """The complainant comes back about a first-time decision: from the first petition's page the register's form
    is filled in; past the time limit (Điều 33) the form says so next to «Trở ngại khách quan» and writes nothing;
    with the right day the entry and the second-time petition, linked to the first, are written together."""
    from django.utils import timezone
    from playwright.sync_api import expect

    from ansinh.accounts.models import Role, User
    from ansinh.casework.models import Petition, Reception
    from ansinh.casework.services import petitions

    handler = world["users"]["tiepdan"]
    leader = User.objects.create_user(username="lanhdao", password=PASSWORD, role=Role.LEADER,
                                      area=world["commune"].legacy_district, last_name="Lãnh", first_name="Đạo")
    today = timezone.localdate()
    first = petitions.petition_receive(actor=handler, commune=world["commune"], details=petitions.PetitionDetails(
        kind="complaint", channel="post", received_on=today - dt.timedelta(days=60), petitioner_name="Trần Thị Mai",
        petitioner_address="Tổ 5, phường Thành Sen", summary="Khiếu nại việc thôi hưởng trợ cấp"))
    first = petitions.petition_accept(actor=handler, petition=first, accepted_on=today - dt.timedelta(days=58),
                                      handler=handler)
    first = petitions.petition_decide(actor=leader, petition=first, decision_number="12/QĐ-SLĐTBXH",
                                      decision_date=today - dt.timedelta(days=50), outcome="Giữ nguyên")

    base = world["url"]
    _log_in(page, world, "tiepdan")
    page.goto(f"{base}/don-thu/{first.pk}/")
    page.locator("[data-testid=second-time-reception-link]").click()
    page.wait_for_url(re.compile(r"/tiep-cong-dan/ghi-so/\?lan-dau="))
    expect(page.locator("#id_first_petition_number")).to_have_value(first.number)
    expect(page.locator("#id_citizen_name")).to_have_value("Trần Thị Mai")
    expect(page.locator("#id_second_time")).to_be_checked()
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    page.fill("#id_received_on", earlier.date().isoformat())
    page.fill("#id_received_time", earlier.strftime("%H:%M"))
    page.fill("#id_content", "Không đồng ý quyết định giải quyết khiếu nại lần đầu")
    page.fill("#id_first_decision_received_on", (earlier.date() - dt.timedelta(days=45)).isoformat())
    page.get_by_role("button", name="Lưu").click()
    error = page.locator("#id_late_reason + .text-danger, #id_late_reason ~ .text-danger")
    expect(error).to_contain_text("quá thời hạn khiếu nại lần hai")
    assert Petition.objects.count() == 1 and not Reception.objects.exists()
    _shot(page, "10_second_time_late")
    page.fill("#id_first_decision_received_on", (earlier.date() - dt.timedelta(days=15)).isoformat())
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/don-thu/tiep-cong-dan/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Đã tiếp nhận khiếu nại lần hai")
    expect(page.locator("[data-testid=second-time]")).to_contain_text(f"đơn {first.number}")
    second = Reception.objects.get().petition
    assert second.second_time and second.first_petition_id == first.pk
    _shot(page, "11_second_time_reception")
    page.locator("[data-testid=petition-link] a").first.click()
    expect(page.locator("[data-testid=first-time]")).to_contain_text(f"đơn {first.number}")
    expect(page.locator("[data-testid=from-reception]")).to_be_visible()
