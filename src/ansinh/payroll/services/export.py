"""The month's list of a commune for the payment agent (.xlsx): who to pay and how much by column (the month's
allowance, arrears, amounts not collected in earlier months, one-time payments on death, funeral support), the
increases, the decreases, the recoveries (not paid by the agent: the ledger follows them up), the funds total and
the agent's fee. Numbers are written as numbers; the result columns are left for the agent to fill in and import
back (``payroll.imports``). Written by ``payroll.xlsx`` (streamed: the province's lists of a month in seconds)."""

from __future__ import annotations

from django.db import transaction

from ansinh.accounts.models import User
from ansinh.accounts.permissions import can_see_identity, identity_for
from ansinh.core.audit import audit_record
from ansinh.core.errors import PermissionDenied
from ansinh.core.formatting import vn_money, vn_number
from ansinh.payroll import selectors
from ansinh.payroll.models import LineKind, PayrollSheet, ResultStatus, SheetStatus, UnpaidReason
from ansinh.payroll.services.workflow import fee_amount, fee_rate
from ansinh.payroll.xlsx import Notes, Table, write_workbook
from ansinh.registry.access_log import access_export

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Số định danh", "Thôn/xóm", "Tăng mới", "Trợ cấp tháng", "Truy lĩnh",
           "Chưa nhận các tháng trước", "Trợ cấp một lần khi chết", "Mai táng phí", "Tổng số tiền", "Kỳ chi trả",
           "Kết quả", "Ngày chi trả", "Lý do không chi trả", "Ký nhận"]
MONEY = [6, 7, 8, 9, 10, 11]
REGISTER_TITLES = {"ncc": "TRỢ CẤP, PHỤ CẤP ƯU ĐÃI NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG",
                   "tgxh": "TRỢ CẤP XÃ HỘI HẰNG THÁNG",
                   "topup": "HỖ TRỢ THU NHẬP THEO NQ 151/2019/NQ-HĐND TỈNH HÀ TĨNH"}
RESULT_LABELS = {ResultStatus.PAID: "Đã chi trả", ResultStatus.UNPAID: "Chưa chi trả"}


def _birth(row: dict) -> str:
    day = row["birth_date"]
    if day is None:
        return ""
    return {"year": f"{day:%Y}", "month": f"{day:%m/%Y}"}.get(row["birth_precision"], f"{day:%d/%m/%Y}")


def sheet_export(*, actor: User, sheet: PayrollSheet, target) -> object:
    """Write the sheet's list to ``target`` (a path or a binary buffer); audited."""
    if not selectors.sheets_for_user(user=actor).filter(pk=sheet.pk).exists():
        raise PermissionDenied("Bạn không được xem bảng chi trả này.")
    lines = selectors.sheet_lines_frame(sheet)
    payees = selectors.payees_frame(lines)
    increases, decreases = selectors.increases_decreases(sheet, payees)
    period = f"{sheet.month:%m/%Y}"
    reasons = dict(UnpaidReason.choices)
    rows = [
        (r["seq"], r["full_name"], _birth(r), identity_for(actor, r["identity"]), r["village"],
         "x" if r["person_id"] in increases else None, r["regular"] or None, r["arrears"] or None,
         r["carried"] or None, r["death_lump_sum"] or None, r["funeral_support"] or None, r["total"], period,
         RESULT_LABELS.get(r["result"]), f"{r['paid_date']:%d/%m/%Y}" if r["paid_date"] else None,
         str(reasons.get(r["reason"], "")) if r["reason"] else None, None)
        for r in payees.iter_rows(named=True)
    ]
    sums = {c: int(payees[c].sum() or 0) for c in ("regular", "arrears", "carried", "death_lump_sum",
                                                   "funeral_support", "total")}
    rows.append(("", "Tổng cộng", "", "", "", vn_number(len(increases)), sums["regular"], sums["arrears"],
                 sums["carried"], sums["death_lump_sum"], sums["funeral_support"], sums["total"], "", "", "", "", ""))
    rate, parameter = fee_rate(sheet.register, sheet.month)
    fee = sheet.fee_amount if sheet.is_sent else fee_amount(sums["total"], rate)
    status = "DỰ THẢO — chưa phê duyệt" if sheet.status in (SheetStatus.DRAFT, SheetStatus.SUBMITTED,
                                                             SheetStatus.APPRAISED) else sheet.get_status_display()
    title = [f"DANH SÁCH CHI TRẢ {REGISTER_TITLES[sheet.register]}", f"Tháng {period} – {sheet.commune.name}",
             f"{status} · {vn_number(len(payees))} người · tổng số tiền {vn_money(sums['total'])}"]
    recoveries = selectors.recoveries_frame(lines)
    write_workbook(target, [
        Table(name="Danh sách chi trả", headers=HEADERS, rows=rows, title_lines=title, money=MONEY,
              widths={0: 6, 1: 26, 2: 11, 3: 15, 4: 18, 5: 7, 12: 9, 13: 13, 14: 12, 15: 16, 16: 14}),
        Table(name="Danh sách giảm", headers=["STT", "Họ và tên", "Lý do"],
              rows=[(i, r["full_name"], r["reason"]) for i, r in enumerate(decreases.iter_rows(named=True), 1)],
              title_lines=[f"DANH SÁCH GIẢM THÁNG {period} – {sheet.commune.name}"], widths={0: 6, 1: 28, 2: 48}),
        Table(name="Truy thu", headers=["STT", "Họ và tên", "Tháng", "Số tiền phải thu hồi"],
              rows=[(r["seq"], r["full_name"], f"{r['entitlement_month']:%m/%Y}", -r["amount"])
                    for r in recoveries.iter_rows(named=True)],
              title_lines=[f"CÁC KHOẢN TRUY THU THÁNG {period} (không chi qua tổ chức chi trả; theo dõi ở sổ truy "
                           "thu)"], money=[3], widths={0: 6, 1: 28, 2: 10, 3: 18}),
        Notes(name="Tổng hợp", title=f"TỔNG HỢP KINH PHÍ THÁNG {period} – {sheet.commune.name}",
              lines=_summary(sheet, sums, len(payees), len(increases), decreases.height, rate, parameter, fee)),
    ])
    with transaction.atomic():
        audit_record(actor=actor, action="payroll_sheet.export", obj=sheet,
                     summary=f"Xuất danh sách chi trả {sheet}: {vn_number(len(payees))} người, {vn_money(sums['total'])}")
        people = lines["person_id"] if "person_id" in lines.columns else payees["person_id"]
        access_export(actor=actor, persons=people, obj=sheet, identity_shown=can_see_identity(actor),
                      what=f"Tải tệp danh sách chi trả {REGISTER_TITLES[sheet.register].lower()} tháng {period} – "
                           f"{sheet.commune.name}")
    return target


def _summary(sheet, sums, payees: int, increases: int, decreases: int, rate, parameter: str, fee) -> list:
    kinds = dict(LineKind.choices)
    lines = [
        ("Số người được chi trả", vn_number(payees)),
        ("Tăng mới / giảm so với tháng trước", f"{vn_number(increases)} / {vn_number(decreases)}"),
        (str(kinds["regular"]), vn_money(sums["regular"])),
        (str(kinds["arrears"]), vn_money(sums["arrears"])),
        ("Số chưa nhận các tháng trước (chuyển sang)", vn_money(sums["carried"])),
        (str(kinds["death_lump_sum"]), vn_money(sums["death_lump_sum"])),
        (str(kinds["funeral_support"]), vn_money(sums["funeral_support"])),
        ("Tổng kinh phí chuyển cho tổ chức chi trả", vn_money(sums["total"])),
    ]
    if parameter and rate is not None:
        lines.append((f"Phí chi trả (tối đa {vn_number(rate * 100, 2)}% — tham số {parameter})", vn_money(fee)))
    elif parameter:
        lines.append(("Phí chi trả", f"Tham số «{parameter}» chưa có giá trị cho tháng này: chưa tính phí."))
    else:
        lines.append(("Phí chi trả", "Theo hợp đồng với tổ chức chi trả (chưa có tham số cho chế độ này)."))
    lines.append(("Tổ chức chi trả", str(sheet.agent) if sheet.agent_id else "Chưa gửi"))
    lines.append(("Kết quả", "Tổ chức chi trả ghi cột «Kết quả» (Đã chi trả / Chưa chi trả), «Ngày chi trả» và «Lý do "
                  "không chi trả», rồi gửi lại tệp; số chưa chi được chuyển sang danh sách tháng sau."))
    return lines

