"""One commune's group 4 list (Mẫu 04) in a real browser, from the Excel upload to the reconciliation page.

Each step is done by the user whose role it is, each in their own browser context: the commune officer
uploads, resolves the checks' flag, submits and posts; a provincial specialist appraises and makes the
payment batch; the leader approves by decision; the post office imports its results.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from programmes.upload_files import mau04, mau04_row

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def programme_world(registry_world):
    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.services.programmes import programme_from_definition

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    password = registry_world["password"]
    users = {}
    for username, role, first in (("so_a", Role.PROVINCIAL_SPECIALIST, "Thẩm định"),
                                  ("lanh_dao", Role.LEADER, "Lãnh đạo"),
                                  ("buu_dien", Role.PAYMENT_AGENT, "Bưu điện")):
        users[username] = User.objects.create_user(username=username, password=password, role=role, area=province,
                                                   last_name="Sở", first_name=first)
    programme = programme_from_definition(definition=COVID_2020, actor=users["so_a"], province_code="42")
    commune = registry_world["officers"]["a"].area
    return {**registry_world, "users": users, "programme": programme, "commune": commune}


def log_in(browser, world: dict, username: str):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{world['url']}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", world["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{world['url']}/")
    return page


def _status(page):
    return page.locator("[data-testid=list-status]")


def test_commune_list_from_upload_to_reconciliation(browser, programme_world, tmp_path):
    from playwright.sync_api import expect

    from ansinh.payments.models import PaymentBatch
    from ansinh.programmes.models import BeneficiaryList

    w = programme_world
    base, programme, commune = w["url"], w["programme"], w["commune"]
    group4 = programme.groups.get(code="4")

    # --- the commune officer uploads Mẫu 04: three rows, two of them the same person (name + birth date) ------
    officer = log_in(browser, w, "xa_a")
    path = mau04(tmp_path / "mau04-thanh-sen.xlsx", [
        mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3),
        mau04_row(2, "Hoàng Văn Tú", "03/02/1985", "Nam", "042085001234", 2, job="Xe ôm"),
        mau04_row(3, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170006666", 1),
    ])
    officer.goto(f"{base}/chuong-trinh/{programme.pk}/tai-len/")
    officer.select_option("#id_group", str(group4.pk))
    officer.select_option("#id_commune", str(commune.pk))
    officer.set_input_files("#id_file", str(path))
    officer.get_by_role("button", name="Kiểm tra tệp").click()
    officer.wait_for_url(re.compile(r"/chuong-trinh/tai-len/\d+/$"))
    expect(officer.locator("[data-testid=valid-rows]")).to_have_text("3")
    expect(officer.locator("[data-testid=error-rows]")).to_have_text("0")
    expect(officer.locator("[data-testid=upload-amount]")).to_contain_text("6.000.000")
    officer.locator("[data-testid=commit]").click()
    officer.wait_for_url(re.compile(r"/chuong-trinh/danh-sach/\d+/$"))
    bl = BeneficiaryList.objects.get(programme=programme, group=group4, commune=commune)
    list_url = f"{base}/chuong-trinh/danh-sach/{bl.pk}/"
    expect(_status(officer)).to_have_text("Đang lập")

    # checks: the duplicate blocks submission until the officer resolves it
    expect(officer.locator("[data-testid=open-flags]")).to_contain_text("chưa trình được")
    officer.get_by_role("button", name="Trình thẩm định").click()
    expect(officer.get_by_role("alert").first).to_be_visible()
    expect(_status(officer)).to_have_text("Đang lập")
    flagged = officer.locator("tbody tr", has=officer.locator("form[action*='/canh-bao/']"))
    assert flagged.count() >= 1
    while flagged.count():
        row = flagged.first
        if "042170006666" in row.inner_text():
            row.locator("select[name=resolution]").select_option("exclude")
        else:
            row.locator("select[name=resolution]").select_option("keep")
            row.locator("input[name=justification]").fill("Người đề nghị đúng, đã đối chiếu CCCD")
        row.get_by_role("button", name="Lưu").click()
        officer.wait_for_url(list_url)
    expect(officer.locator("[data-testid=open-flags]")).to_have_count(0)
    expect(officer.locator("[data-testid=list-total]")).to_contain_text("2 người · 5.000.000")
    officer.get_by_role("button", name="Trình thẩm định").click()
    expect(_status(officer)).to_have_text("Đã trình thẩm định")
    expect(officer.get_by_role("button", name="Thẩm định đạt")).to_have_count(0)

    # --- the provincial specialist appraises; the approval is not offered to them --------------------------
    specialist = log_in(browser, w, "so_a")
    specialist.goto(list_url)
    specialist.get_by_role("button", name="Thẩm định đạt").click()
    expect(_status(specialist)).to_have_text("Đã thẩm định")
    expect(specialist.get_by_role("button", name="Phê duyệt")).to_have_count(0)

    # the preparer cannot approve: no form, and a forged POST is refused with the reason
    officer.goto(list_url)
    expect(officer.get_by_role("button", name="Phê duyệt")).to_have_count(0)
    officer.evaluate("""url => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
        for (const [k, v] of [['csrfmiddlewaretoken', document.querySelector('[name=csrfmiddlewaretoken]').value],
                              ['decision_number', '1/QĐ-GIA'], ['decision_date', '2020-05-08'], ['signer', 'X']]) {
          const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit(); }""", f"{list_url}approve/")
    officer.wait_for_url(list_url)
    expect(officer.get_by_role("alert").first).to_contain_text("không được phê duyệt")
    expect(_status(officer)).to_have_text("Đã thẩm định")

    # --- the leader approves by decision, with the signed PDF ---------------------------------------------
    leader = log_in(browser, w, "lanh_dao")
    leader.goto(list_url)
    pdf = tmp_path / "qd.pdf"
    pdf.write_bytes(PDF)
    leader.fill("[name=decision_number]", "1234/QĐ-UBND")
    leader.fill("[name=decision_date]", "2020-05-08")
    leader.fill("[name=signer]", "Đặng Quốc Vinh")
    leader.set_input_files("[name=decision_pdf]", str(pdf))
    leader.get_by_role("button", name="Phê duyệt").click()
    expect(_status(leader)).to_have_text("Đã phê duyệt")
    expect(leader.locator("p", has=leader.locator("[data-testid=list-total]"))).to_contain_text("Quyết định số 1234/QĐ-UBND ngày 08/05/2020")

    officer.goto(list_url)
    expect(officer.get_by_role("button", name="Trình thẩm định")).to_have_count(0)
    officer.get_by_role("button", name="Đã niêm yết công khai").click()
    expect(_status(officer)).to_have_text("Đã niêm yết công khai")
    expect(officer.locator("[data-testid=batch-create]")).to_have_count(0)  # not the commune's step

    # --- the specialist makes the batch for the post office and downloads the export ----------------------
    specialist.goto(list_url)
    specialist.locator("[data-testid=batch-create]").get_by_role("button", name="Lập đợt chi trả").click()
    specialist.wait_for_url(re.compile(r"/chi-tra/dot/\d+/$"))
    batch = PaymentBatch.objects.get(beneficiary_list=bl)
    batch_url = f"{base}/chi-tra/dot/{batch.pk}/"
    expect(specialist.locator("[data-testid=batch-status]")).to_have_text("Đã lập")
    expect(specialist.locator("main, body").first).to_contain_text("2 người · 5.000.000")
    with specialist.expect_download() as info:
        specialist.locator("[data-testid=batch-export]").click()
    exported = tmp_path / info.value.suggested_filename
    info.value.save_as(exported)
    rows = CalamineWorkbook.from_path(str(exported)).get_sheet_by_index(0).to_python()
    header = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    assert rows[header][:9] == ["STT", "Họ và tên", "Ngày sinh", "Số định danh", "Địa chỉ", "Nhóm", "Số tháng",
                                "Số tiền", "Ký nhận"]
    lines = [r for r in rows[header + 1:] if r and r[0] != ""]
    assert [(r[1], r[3], r[5], r[6], r[7]) for r in lines] == [
        ("Phạm Thị Hoa", "042170005555", "4", 3, 3_000_000), ("Hoàng Văn Tú", "042085001234", "4", 2, 2_000_000)]
    assert lines[0][2] == "10/10/1970"

    # --- the post office imports its results: one paid, one absent with the money returned ---------------
    agent = log_in(browser, w, "buu_dien")
    results = tmp_path / "ket-qua-buu-dien.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["KẾT QUẢ CHI TRẢ"])
    ws.append(["STT", "Họ và tên", "Số định danh", "Số tiền", "Kết quả", "Ngày chi trả", "Số tiền đã chi",
               "Lý do không chi trả", "Kinh phí hoàn trả"])
    ws.append([1, "Phạm Thị Hoa", "042170005555", 3_000_000, "Đã chi trả", dt.date(2020, 5, 15), 3_000_000, "",
               None])
    ws.append([2, "Hoàng Văn Tú", "042085001234", 2_000_000, "Chưa chi trả", None, None, "Vắng mặt", 2_000_000])
    wb.save(results)
    agent.goto(batch_url)
    agent.set_input_files("[aria-label='Tệp kết quả']", str(results))
    agent.get_by_role("button", name="Nhập kết quả chi trả").click()
    # the shared import lifecycle: the check first, then the agent writes the results
    expect(agent.locator("[data-testid=to-apply]")).to_have_text("2")
    expect(agent.locator("[data-testid=error-rows]")).to_have_text("0")
    agent.locator("[data-testid=commit]").click()
    expect(agent.get_by_role("alert").first).to_contain_text("Đã ghi nhận 2 dòng, 0 dòng không đổi, 0 dòng lỗi")
    expect(agent.locator("[data-testid=batch-status]")).to_have_text("Đã nhận kết quả")
    expect(agent.locator("tbody tr", has_text="Phạm Thị Hoa")).to_contain_text("15/05/2020")
    expect(agent.locator("tbody tr", has_text="Hoàng Văn Tú")).to_contain_text("Vắng mặt")
    agent.set_input_files("[aria-label='Tệp kết quả']", str(results))  # the same file again: refused, nothing changes
    agent.get_by_role("button", name="Nhập kết quả chi trả").click()
    expect(agent.get_by_role("alert").first).to_contain_text("Không ghi hai lần cùng một tệp")
    expect(agent.locator("[data-testid=batch-status]")).to_have_text("Đã nhận kết quả")
    assert agent.goto(list_url).status == 403 or "Đã chi trả" not in agent.content()  # no access to the lists

    # --- the specialist confirms; the reconciliation page, in Vietnamese format ---------------------------
    specialist.goto(batch_url)
    specialist.get_by_role("button", name="Xác nhận đối soát").click()
    expect(specialist.locator("[data-testid=batch-status]")).to_have_text("Đã đối soát")
    specialist.goto(list_url)
    expect(_status(specialist)).to_have_text("Đã đối soát")
    specialist.goto(f"{base}/chi-tra/chuong-trinh/{programme.pk}/doi-soat/")
    expect(specialist.locator("[data-testid=sentence]")).to_have_text(
        "Hoàn thành chi trả cho 1 đối tượng (chiếm 50,00% tổng số đối tượng được phê duyệt danh sách), tổng kinh "
        "phí chi trả 3.000.000 đ (chiếm 60,00% tổng kinh phí được phê duyệt hỗ trợ).")
    commune_row = specialist.locator("table").last.locator("tbody tr", has_text=commune.name)
    for text in ("2", "5.000.000", "1", "3.000.000", "50,00%", "60,00%", "2.000.000"):
        expect(commune_row).to_contain_text(text)
    group_row = specialist.locator("table").nth(1).locator("tbody tr", has_text="Nhóm 4")
    expect(group_row).to_contain_text("60,00%")

    # the commune officer sees the same figures for their commune; then the province closes the list
    officer.goto(f"{base}/chi-tra/chuong-trinh/{programme.pk}/doi-soat/")
    expect(officer.locator("[data-testid=sentence]")).to_contain_text("chiếm 50,00%")
    specialist.goto(list_url)
    specialist.get_by_role("button", name="Khoá sổ").click()
    expect(_status(specialist)).to_have_text("Đã khoá sổ")
    officer.goto(list_url)
    officer.get_by_role("button", name="Lập danh sách bổ sung").click()
    expect(_status(officer)).to_have_text("Đang lập")
    expect(officer.locator("body")).to_contain_text("Bổ sung cho")
    for page in (officer, specialist, leader, agent):
        page.context.close()
