"""The archive and the petitions of the living demo (``demo.world``): dossiers of people on the standing registers
with a scanned page each (read by the background worker's OCR once the site runs), one lent to the inspectors, one
not yet scanned; complaints at every step of their legal deadlines (one overdue for acceptance, one whose resolution
falls due within days); a second-time complaint against a first-time decision signed three weeks ago; the register of
citizen reception (a guided citizen, the head's periodic reception that took a complaint — its petition —, a
delegation whose petition went to the competent body, a refusal); an inspection concluded with the amounts to
recover, waiting for the ledger keeper.

Everything goes through the apps' services with the demo's users (``luutru`` the archivist, ``tiepdan`` the
complaint handler, ``lanhdao`` the signer, ``thanhtra`` the inspector). Dates are counted back from today, so the
deadlines on the pages are live whatever day the demo is loaded."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.casework.models import (
    Channel,
    Inspection,
    Petition,
    PetitionEvent,
    PetitionKind,
    Reception,
    ReceptionCitizen,
    ReceptionOutcome,
    ReceptionSession,
    RecoveryDemand,
    RefusalGround,
)
from ansinh.casework.services import inspections, petitions, receptions
from ansinh.core.safety import refuse_in_production
from ansinh.demo.scans import scan_bytes, text_page
from ansinh.dossiers import services as dossiers
from ansinh.dossiers.models import (
    Borrowing,
    DigitisationTarget,
    Document,
    DocumentPage,
    DocumentVersion,
    Dossier,
    DossierCategory,
    ScanImport,
)
from ansinh.geo.models import AdminUnit
from ansinh.programmes.models import Enrolment
from ansinh.registry.models import Person

DOSSIERS = 6
MATTERS = ("Trợ cấp thương binh hằng tháng", "Trợ cấp người hoạt động kháng chiến nhiễm chất độc hóa học",
           "Trợ cấp thân nhân liệt sĩ", "Trợ cấp bệnh binh hằng tháng", "Trợ cấp người có công giúp đỡ cách mạng",
           "Trợ cấp thương binh hằng tháng")
PAGE = ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH HÀ TĨNH\n"
        "QUYẾT ĐỊNH số {number}\n"
        "Về việc {matter_lower} đối với ông (bà) {name}, sinh năm {year}, cư trú tại {commune}.\n"
        "Được hưởng kể từ ngày 01 tháng 7 năm 2019. Nơi nhận: UBND xã; Bưu điện tỉnh; Lưu: VT.")
# (channel, days ago received, petitioner, summary, where it is brought: received/accepted/rejected/decided/closed).
# Complaints only: the other kinds' deadlines (Luật Tố cáo Điều 24 and 29, kiến nghị, phản ánh) are not confirmed
# from the texts, so receiving them is refused until an administrator enters the days (casework.legal_deadlines).
PETITIONS = (
    (Channel.RECEPTION, 3, "Nguyễn Thị Hương",
     "Khiếu nại việc UBND phường không đưa hộ gia đình vào danh sách hộ cận nghèo năm 2025.", "received"),
    (Channel.POST, 16, "Trần Văn Lộc",
     "Khiếu nại việc chi trả trợ cấp xã hội tháng 11 thiếu so với quyết định hưởng.", "received"),
    (Channel.ONLINE, 40, "Lê Văn Thành",
     "Khiếu nại quyết định thôi hưởng trợ cấp xã hội hằng tháng của mẹ là bà Lê Thị Nga.", "accepted"),
    (Channel.TRANSFERRED, 20, "Phạm Văn Hải",
     "Khiếu nại việc không được hỗ trợ theo NQ 42/NQ-CP trong khi người cùng thôn được hỗ trợ.", "accepted"),
    (Channel.RECEPTION, 12, "Hoàng Thị Mai",
     "Khiếu nại việc hỗ trợ tiền điện cho hộ nghèo của thôn mới sáp nhập.", "rejected"),
    (Channel.POST, 75, "Võ Văn Tâm",
     "Khiếu nại mức trợ cấp người có công sau khi điều chỉnh mức chuẩn từ 01/7/2024.", "decided"),
    (Channel.ONLINE, 90, "Đặng Thị Lan",
     "Khiếu nại việc ghi sai họ tên trong danh sách chi trả trợ cấp hằng tháng.", "closed"),
)
REJECTED = "Nội dung không thuộc thẩm quyền giải quyết của Sở: đã hướng dẫn công dân gửi UBND phường."
# The register of citizen reception: (days ago, hour, session, received by, citizens, people, kind, content, outcome,
# note, refusal ground). The periodic one is the head's (lanhdao), the others the reception officer's (tiepdan).
RECEPTIONS = (
    (6, 8, ReceptionSession.REGULAR, "tiepdan", ["Bùi Văn Sơn"], 1, PetitionKind.FEEDBACK,
     "Phản ánh việc chậm chi trả trợ cấp người cao tuổi tháng trước tại điểm chi trả của phường.", ReceptionOutcome.GUIDED,
     "Giải thích lịch chi trả qua bưu điện theo Nghị định 20/2021/NĐ-CP; hướng dẫn liên hệ điểm chi trả.", ""),
    (4, 9, ReceptionSession.PERIODIC, "lanhdao", ["Trương Thị Hoa"], 1, PetitionKind.COMPLAINT,
     "Khiếu nại việc bị cắt trợ cấp bảo trợ xã hội hằng tháng từ tháng 9 mà không được thông báo.",
     ReceptionOutcome.PETITION, "", ""),
    (2, 14, ReceptionSession.UNSCHEDULED, "tiepdan", ["Phan Văn Đức", "Lê Thị Xuân"], 7, PetitionKind.RECOMMENDATION,
     "Kiến nghị hỗ trợ sửa chữa nhà ở cho các hộ nghèo của tổ dân phố bị ảnh hưởng bởi bão.",
     ReceptionOutcome.TRANSFERRED, "Chuyển đơn đến UBND phường (thẩm quyền rà soát, đề xuất hỗ trợ nhà ở).", ""),
    (1, 10, ReceptionSession.REGULAR, "tiepdan", ["Ngô Văn Bình"], 1, PetitionKind.COMPLAINT,
     "Tiếp tục khiếu nại việc không được hưởng trợ cấp đã có quyết định giải quyết lần hai.",
     ReceptionOutcome.REFUSED, "Vụ việc đã được giải quyết lần hai đúng pháp luật, đã được thông báo bằng văn bản và "
     "giải thích nhiều lần; hướng dẫn quyền khởi kiện tại Tòa án.", RefusalGround.PERSISTENT),
)


def casework_demo_load(*, users: dict[str, User], commune: AdminUnit, seed: int) -> str:
    """Dossiers, petitions and an inspection on ``commune`` (skipped when the demo's petitions are already there)."""
    if Petition.objects.exists() or Dossier.objects.filter(commune=commune).exists():
        return "đã có, giữ nguyên"
    people = list(Person.objects.filter(pk__in=Enrolment.objects.filter(register="ncc", person__commune=commune)
                                        .values("person_id")).order_by("pk")[:DOSSIERS])
    made = _dossiers(users["luutru"], commune, people)
    received = _petitions(users, commune) + _second_time(users, commune)
    received_citizens = _receptions(users, commune)
    demands = _inspection(users["thanhtra"], commune, people[:2])
    return (f"{made} hồ sơ lưu trữ (bản quét chờ nhận dạng chữ), {received} đơn thư (1 khiếu nại lần hai), "
            f"{received_citizens} lượt tiếp công dân, 1 cuộc thanh tra với {demands} khoản phải thu hồi")


def _dossiers(archivist: User, commune: AdminUnit, people: list[Person]) -> int:
    today = timezone.localdate()
    for i, person in enumerate(people, start=1):
        matter = MATTERS[(i - 1) % len(MATTERS)]
        dossier = dossiers.dossier_create(actor=archivist, commune=commune, details=dossiers.DossierDetails(
            number=f"NCC-{commune.code}-{i:04d}", category=DossierCategory.NCC, matter=matter,
            holder_name=person.full_name, warehouse="Kho Sở", shelf=f"K{(i + 1) // 2}", box=f"H{i:02d}"),
            person=person)
        if i == len(people):
            continue  # the last one waits for its scanning campaign
        text = PAGE.format(number=f"{100 + i}/QĐ-SLĐTBXH", matter_lower=matter[0].lower() + matter[1:],
                           name=person.full_name, year=person.birth_date.year if person.birth_date else "",
                           commune=commune.name)
        page = scan_bytes([text_page(text, size=(2480, 1100), noise=40, seed=i)], "pdf")
        dossiers.scan_add(actor=archivist, dossier=dossier, title="Quyết định trợ cấp",
                          file=SimpleUploadedFile(f"{dossier.number}.pdf", page), file_name=f"{dossier.number}.pdf")
        if i == 1:
            dossiers.dossier_lend(actor=archivist, dossier=dossier, borrower="Đặng Thị Hằng",
                                  borrower_unit="Thanh tra Sở", purpose="Đối chiếu hồ sơ trong cuộc thanh tra",
                                  borrowed_on=today - dt.timedelta(days=5), due_on=today + dt.timedelta(days=10))
    return len(people)


def _petitions(users: dict[str, User], commune: AdminUnit) -> int:
    handler, signer = users["tiepdan"], users["lanhdao"]
    today = timezone.localdate()
    for channel, days_ago, name, summary, target in PETITIONS:
        received = today - dt.timedelta(days=days_ago)
        petition = petitions.petition_receive(actor=handler, commune=commune, details=petitions.PetitionDetails(
            kind=PetitionKind.COMPLAINT, channel=channel, received_on=received, petitioner_name=name, summary=summary,
            petitioner_address=f"Tổ dân phố 3, {commune.name}"))
        if target == "rejected":
            petitions.petition_reject(actor=handler, petition=petition, reason=REJECTED)
            continue
        if target == "received":
            continue
        accepted = received + dt.timedelta(days=min(5, days_ago))
        petition = petitions.petition_accept(actor=handler, petition=petition, accepted_on=accepted, handler=handler)
        if target == "accepted":
            continue
        decided = accepted + dt.timedelta(days=25)
        petition = petitions.petition_decide(actor=signer, petition=petition, decision_number=f"{days_ago}/QĐ-SLĐTBXH",
                                            decision_date=decided, outcome="Giữ nguyên mức trợ cấp đã chi trả; "
                                            "giải thích cho công dân căn cứ Nghị định 55/2023/NĐ-CP.")
        if target == "closed":
            petitions.petition_close(actor=handler, petition=petition, closed_on=decided + dt.timedelta(days=7),
                                    note="Công dân đã nhận quyết định, không khiếu nại tiếp.")
    return len(PETITIONS)


def _second_time(users: dict[str, User], commune: AdminUnit) -> int:
    """A first-time complaint decided three weeks ago, and the complainant's second-time complaint against that
    decision, lodged within the 30 days of Luật Khiếu nại 2011, Điều 33 and accepted (45 days, Điều 37)."""
    handler, signer = users["tiepdan"], users["lanhdao"]
    today = timezone.localdate()
    address = f"Tổ dân phố 5, {commune.name}"
    first = petitions.petition_receive(actor=handler, commune=commune, details=petitions.PetitionDetails(
        kind=PetitionKind.COMPLAINT, channel=Channel.POST, received_on=today - dt.timedelta(days=50),
        petitioner_name="Nguyễn Văn Quý", petitioner_address=address,
        summary="Khiếu nại quyết định không công nhận hộ cận nghèo năm 2025 của gia đình."))
    first = petitions.petition_accept(actor=handler, petition=first, accepted_on=today - dt.timedelta(days=47),
                                      handler=handler)
    first = petitions.petition_decide(actor=signer, petition=first, decision_number="21/QĐ-SLĐTBXH",
                                      decision_date=today - dt.timedelta(days=21),
                                      outcome="Giữ nguyên kết quả rà soát: thu nhập bình quân vượt chuẩn cận nghèo.")
    second = petitions.petition_receive(actor=handler, commune=commune, details=petitions.PetitionDetails(
        kind=PetitionKind.COMPLAINT, channel=Channel.RECEPTION, received_on=today - dt.timedelta(days=3),
        petitioner_name="Nguyễn Văn Quý", petitioner_address=address,
        summary="Khiếu nại lần hai: không đồng ý quyết định 21/QĐ-SLĐTBXH, đề nghị rà soát lại thu nhập của hộ.",
        second_time=True, first_petition=first, first_decision_received_on=today - dt.timedelta(days=18)))
    petitions.petition_accept(actor=handler, petition=second, accepted_on=today - dt.timedelta(days=1), handler=handler)
    return 2


def _receptions(users: dict[str, User], commune: AdminUnit) -> int:
    today = timezone.localdate()
    for days_ago, hour, session, receiver, names, people, kind, content, outcome, note, ground in RECEPTIONS:
        at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, 0)))
        receptions.reception_record(actor=users["tiepdan"], commune=commune, received_by=users[receiver],
                                    details=receptions.ReceptionDetails(
            received_at=at, place="Phòng tiếp công dân của Sở", session=session, kind=kind, content=content,
            outcome=outcome, outcome_note=note, refusal_ground=ground, people_count=people,
            citizens=[receptions.Citizen(name, f"Tổ dân phố {i + 2}, {commune.name}") for i, name in enumerate(names)]))
    return len(RECEPTIONS)


def _inspection(inspector: User, commune: AdminUnit, people: list[Person]) -> int:
    today = timezone.localdate()
    inspection: Inspection = inspections.inspection_create(
        actor=inspector, commune=commune, title=f"Thanh tra việc chi trả trợ cấp người có công tại {commune.name}",
        decision_number="12/QĐ-TTr", decision_date=today - dt.timedelta(days=45),
        subject=f"UBND {commune.name} và điểm chi trả bưu điện", team="Đặng Thị Hằng (trưởng đoàn), Lê Văn Nam")
    for i, person in enumerate(people):
        inspections.demand_add(actor=inspector, inspection=inspection, person=person, register="ncc",
                            amount=(i + 2) * 1_250_000, reason="Hưởng sai mức trợ cấp từ tháng 01/2025")
    inspections.inspection_conclude(actor=inspector, inspection=inspection, conclusion_number="45/KL-TTr",
                                 conclusion_date=today - dt.timedelta(days=8),
                                 findings="Chi trả đúng danh sách; hai trường hợp hưởng sai mức, đề nghị thu hồi.")
    return len(people)


def casework_demo_clear() -> None:
    """Remove every dossier with its scans (the files too), petition and inspection (demo reset only)."""
    refuse_in_production("xoá hồ sơ lưu trữ, bản quét, đơn thư và thanh tra của tỉnh mẫu (demo_load --reset)")
    for version in DocumentVersion.objects.exclude(stored_file=""):
        version.stored_file.delete(save=False)
    Petition.objects.filter(first_petition__isnull=False).update(first_petition=None)
    for model in (DocumentPage, DocumentVersion, Document, Borrowing, ScanImport, DigitisationTarget, Dossier,
                  RecoveryDemand, Inspection, ReceptionCitizen, Reception, PetitionEvent, Petition):
        model.objects.all().delete()
