"""Demo data of the poverty review (issue #13 item 9): the 2020 annual review under QĐ 59/2015 and the 2021 review
under NĐ 07/2021 for every commune of the demo province, and a housing-support scheme, written as users would —
the survey results through the survey file (the shared import lifecycle), every later step through the services.

- The list being managed in 2020 is the demo's 2019 poor / near-poor list (``demo_registers``); when there is none,
  a 2019 list of about 5% poor and 5% near-poor households is written first (decision of 2019, from 01/01/2019).
- Survey values are drawn so that the rules give realistic outcomes: most poor households stay poor, a quarter
  leave poverty, some applicants enter; the new NĐ 07 lines (1,5 / 2 million) raise the rate in 2021. The
  classification is the rules', never drawn.
- 2020: every round recognised (decision 20/12/2020, list from 01/01/2021), with a village-meeting outcome that
  differs from the rules (with its reason) and a complaint resolved in the first demo commune; certificates.
- 2021: recognised (list from 01/01/2022) except the two demo communes: «xa» still surveying (a few households left
  for the survey form), «xa2» posted, waiting to be reported to the district.
- Housing (Quỹ Thiện tâm – Tập đoàn Vingroup, state budget, community): the 2020 poor households deprived in housing
  proposed, appraised, approved by source, built in dated stages with a photo; tranche 1 of the first demo commune
  through its list to «posted» (the payments page can then make the batch).
"""

from __future__ import annotations

import datetime as dt
import struct
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Count

from ansinh.accounts.models import Role, User
from ansinh.core.formatting import vn_number
from ansinh.core.imports import import_run
from ansinh.core.safety import refuse_in_production
from ansinh.core.sql import compose, table
from ansinh.demo.users import DEMO_PASSWORD, demo_users_ensure
from ansinh.geo.models import AdminUnit
from ansinh.poverty.imports import SURVEY_KIND
from ansinh.poverty.models import (
    Certificate,
    Complaint,
    HouseholdReview,
    HousingCase,
    HousingEvent,
    HousingFunding,
    HousingPhoto,
    HousingScheme,
    HousingStage,
    HousingTranche,
    ReviewRound,
    RoundEvent,
    RoundStatus,
    SurveyImport,
)
from ansinh.poverty.services import housing, rounds
from ansinh.poverty.standards import ND07_INDICATORS, QD59_INDICATORS
from ansinh.programmes.models import HOUSEHOLD_REGISTERS, Enrolment, EnrolmentEvent
from ansinh.programmes.services import workflow as lists
from ansinh.registry.models import Household

LINES = {2020: {"rural": (700_000, 1_000_000), "urban": (900_000, 1_300_000)},
         2021: {"rural": (1_500_000, 1_500_000), "urban": (2_000_000, 2_000_000)}}
# Probabilities of the outcome drawn for a household: (poor, near-poor), by its status before the review.
OUTCOMES = {2020: {"poor": (0.62, 0.26), "near_poor": (0.12, 0.58), "applied": (0.30, 0.35)},
            2021: {"poor": (0.78, 0.16), "near_poor": (0.45, 0.40), "applied": (0.40, 0.35)}}
APPLICANT_SHARE = {2020: 0.02, 2021: 0.04}
DATES = {2020: {"reference": dt.date(2020, 9, 1), "meeting": dt.date(2020, 11, 10), "post": (dt.date(2020, 11, 12),
                                                                                          dt.date(2020, 11, 18)),
                "decision": dt.date(2020, 12, 20), "effective": dt.date(2021, 1, 1)},
         2021: {"reference": dt.date(2021, 9, 1), "meeting": dt.date(2021, 11, 9), "post": (dt.date(2021, 11, 11),
                                                                                          dt.date(2021, 11, 17)),
                "decision": dt.date(2021, 12, 22), "effective": dt.date(2022, 1, 1)}}
FUND = "Quỹ Thiện tâm – Tập đoàn Vingroup"


@dataclass
class PovertyDemoResult:
    surveyed: dict[int, int]
    poor: dict[int, int]
    near_poor: dict[int, int]
    rounds: int
    houses: int

    def describe(self) -> str:
        parts = [f"năm {y}: {vn_number(self.surveyed[y])} hộ rà soát, {vn_number(self.poor[y])} hộ nghèo, "
                 f"{vn_number(self.near_poor[y])} hộ cận nghèo" for y in sorted(self.surveyed)]
        return "; ".join(parts) + f"; {self.rounds} kỳ rà soát; {self.houses} nhà ở được hỗ trợ"


def _cast() -> dict[str, User]:
    users = {u.username: u for u, _ in demo_users_ensure(province_code=settings.ANSINH_PROVINCE_CODE)}
    province = users["so"].area
    second, _ = User.objects.update_or_create(
        username="so_giamngheo", defaults={"last_name": "Nguyễn Thị", "first_name": "Thu", "role":
                                           Role.PROVINCIAL_SPECIALIST, "area": province,
                                           "position": "Chuyên viên Phòng Bảo trợ xã hội – Giảm nghèo"})
    second.set_password(DEMO_PASSWORD)
    second.save()
    users["so_giamngheo"] = second
    return users


def _households() -> pl.DataFrame:
    rows = list(Household.objects.filter(commune__province_code=settings.ANSINH_PROVINCE_CODE)
                .values_list("pk", "code", "commune_id", "commune__name", "is_urban", "head__full_name"))
    return pl.DataFrame(rows, schema={"household_id": pl.Int64, "code": pl.String, "commune_id": pl.Int64,
                                      "commune_name": pl.String, "is_urban": pl.Boolean, "head": pl.String},
                        orient="row").sort("household_id")


def _status_on(day: dt.date) -> pl.DataFrame:
    rows = list(Enrolment.objects.filter(register__in=HOUSEHOLD_REGISTERS, start_date__lte=day)
                .exclude(end_date__lte=day).values_list("household_id", "register"))
    frame = pl.DataFrame(rows, schema={"household_id": pl.Int64, "previous": pl.String}, orient="row")
    return frame.sort("previous", descending=True).unique("household_id", keep="first")


@transaction.atomic
def _list_2019(rng: np.random.Generator, households: pl.DataFrame, actor: User) -> int:
    """A 2019 list when the demo has none: about 5% poor and 5% near-poor households."""
    if Enrolment.objects.filter(register__in=HOUSEHOLD_REGISTERS).exists():
        return 0
    order = rng.permutation(households.height)
    n = max(households.height // 20, 1)
    picks = households[order[: 2 * n]]
    Enrolment.objects.bulk_create([
        Enrolment(register="poor" if i < n else "near_poor", household_id=h, commune_id=c,
                  decision_number=f"{100 + i % 50}/QĐ-UBND", decision_date=dt.date(2018, 12, 20),
                  start_date=dt.date(2019, 1, 1))
        for i, (h, c) in enumerate(picks.select("household_id", "commune_id").iter_rows())], batch_size=5000)
    return picks.height


def _draw(rng: np.random.Generator, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Income and deprivations per household, drawn so that the rules give the intended share of outcomes."""
    indicators = [i.column for i in (QD59_INDICATORS if year == 2020 else ND07_INDICATORS)]
    n = frame.height
    kind = frame["previous"].fill_null("applied").to_numpy()
    target = np.empty(n, dtype=object)
    u = rng.random(n)
    for key, (p_poor, p_near) in OUTCOMES[year].items():
        mask = kind == key
        target[mask] = np.where(u[mask] < p_poor, "poor", np.where(u[mask] < p_poor + p_near, "near", "not"))
    urban = frame["is_urban"].to_numpy()
    poor_line = np.where(urban, LINES[year]["urban"][0], LINES[year]["rural"][0])
    near_line = np.where(urban, LINES[year]["urban"][1], LINES[year]["rural"][1])
    income = np.empty(n, dtype=np.int64)
    deprived = np.zeros((n, len(indicators)), dtype=bool)
    count = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if target[i] == "poor":
            count[i] = rng.integers(3, 7)
            upper = near_line[i] if year == 2020 else poor_line[i]
            income[i] = rng.integers(int(poor_line[i] * 0.5), upper + 1)
        elif target[i] == "near":
            count[i] = rng.integers(0, 3)
            low = poor_line[i] + 1 if year == 2020 else int(poor_line[i] * 0.6)
            income[i] = rng.integers(low, near_line[i] + 1)
        else:
            count[i] = rng.integers(0, 5)
            income[i] = rng.integers(near_line[i] + 50_000, near_line[i] * 3)
        deprived[i, rng.choice(len(indicators), size=int(count[i]), replace=False)] = True
    income = (income // 10_000) * 10_000  # surveyors write round figures
    return frame.with_columns(pl.Series("income", income),
                              *[pl.Series(c, deprived[:, j]) for j, c in enumerate(indicators)])


def _survey_file(path: Path, frame: pl.DataFrame, year: int) -> Path:
    indicators = QD59_INDICATORS if year == 2020 else ND07_INDICATORS
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Phiếu rà soát")
    ws.write(0, 0, f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year} (dữ liệu mẫu)")
    headers = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Xã/phường", "Khu vực", "Thu nhập bình quân đầu người/tháng",
               *[i.header for i in indicators], "Ngày rà soát", "Rà soát viên"]
    ws.write_row(2, 0, headers)
    day = DATES[year]["reference"] + dt.timedelta(days=20)
    for r, row in enumerate(frame.iter_rows(named=True), start=3):
        ws.write_row(r, 0, [r - 2, row["code"], row["head"] or "", row["commune_name"],
                            "Thành thị" if row["is_urban"] else "Nông thôn", int(row["income"]),
                            *["x" if row[i.column] else "" for i in indicators], f"{day:%d/%m/%Y}",
                            "Rà soát viên thôn"])
    wb.close()
    return path


def _png() -> bytes:
    """A small green picture (a demo «photo» of the house)."""
    width, height = 8, 6
    raw = b"".join(b"\x00" + b"\x3c\xa0\x5a" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _survey_year(rng, households: pl.DataFrame, year: int, actor: User, hold_back: dict[int, int]) -> int:
    previous = _status_on(DATES[year]["reference"])
    frame = households.join(previous, on="household_id", how="left")
    listed = frame.filter(pl.col("previous").is_not_null())
    others = frame.filter(pl.col("previous").is_null())
    applicants = others[np.sort(rng.choice(others.height, size=int(others.height * APPLICANT_SHARE[year]),
                                           replace=False))] if others.height else others
    chosen = pl.concat([listed, applicants])
    for commune_id, keep in hold_back.items():  # left on the list for the survey form
        held = chosen.filter((pl.col("commune_id") == commune_id) & pl.col("previous").is_not_null()).head(keep)[
            "household_id"]
        chosen = chosen.filter(~pl.col("household_id").is_in(held.to_list()))
    drawn = _draw(rng, chosen, year)
    with tempfile.TemporaryDirectory() as tmp:
        path = _survey_file(Path(tmp) / f"phieu-ra-soat-{year}.xlsx", drawn, year)
        run = import_run(kind=SURVEY_KIND, actor=actor, file=path, file_name=path.name, target={"year": year},
                         commit=True, valid_only=True)
    if not run.committed:
        raise RuntimeError(f"Tệp phiếu rà soát mẫu năm {year} không ghi được: {run.record.message}")
    ReviewRound.objects.filter(year=year).update(reference_date=DATES[year]["reference"])
    return run.record.written_rows


def _demo_touches(r: ReviewRound, officer: User, year: int) -> None:
    """In the first demo commune: a meeting outcome that differs from the rules, a complaint during the posting."""
    if year != 2020:
        return
    for rules, decided in (("not_poor", "near_poor"), ("near_poor", "poor"), ("poor", "near_poor")):
        review = r.households.filter(rules_status=rules).order_by("household__code").first()
        if review is not None:
            rounds.outcome_record(actor=officer, review=review, status=decided,
                                  reason="Chủ hộ mắc bệnh hiểm nghèo, thu nhập không ổn định (biên bản họp thôn)")
            return


def _advance(r: ReviewRound, year: int, makers: User, endorser: User, *, stop: str = "") -> ReviewRound:
    d = DATES[year]
    r = rounds.round_meeting(actor=makers, review_round=r, meeting_date=d["meeting"], attendees=60, agreeing=52,
                             note="Họp dân thôn thống nhất kết quả rà soát")
    r = rounds.round_post(actor=makers, review_round=r, start=d["post"][0], end=d["post"][1],
                          place="Nhà văn hóa các thôn và trụ sở UBND xã")
    if stop == "posted":
        return r
    if year == 2020 and makers.role == Role.COMMUNE_OFFICER and makers.username == "xa":
        review = r.households.filter(final_status="poor").order_by("household__code").first()
        if review is not None:
            c = rounds.complaint_record(actor=makers, review_round=r, complainant="Người dân thôn 2",
                                        content=f"Đề nghị xem lại hộ {review.household.code}",
                                        received_on=d["post"][0] + dt.timedelta(days=2),
                                        household_code=review.household.code)
            rounds.complaint_resolve(actor=makers, complaint=c, resolution="Phúc tra: giữ nguyên kết quả rà soát",
                                     resolved_on=d["post"][1])
    r = rounds.round_report(actor=makers, review_round=r)
    r = rounds.round_endorse(actor=endorser, review_round=r, note="Đồng ý kết quả rà soát")
    r = rounds.round_recognise(actor=makers, review_round=r, decision_number=f"{300 + r.commune_id % 600}/QĐ-UBND",
                               decision_date=d["decision"], signer="Chủ tịch UBND xã", effective_date=d["effective"])
    rounds.certificates_issue(actor=makers, review_round=r, issued_on=d["decision"] + dt.timedelta(days=5))
    return r


def _workflow(year: int, cast: dict[str, User], demo_communes: list[int], say) -> int:
    done = 0
    for r in ReviewRound.objects.filter(year=year, status=RoundStatus.DRAFT).select_related("commune").order_by("pk"):
        own = {demo_communes[0]: cast["xa"], demo_communes[1]: cast["xa2"]}.get(r.commune_id)
        makers = own or cast["so"]
        endorser = cast["huyen"] if own is not None and rounds.ROUND_WORKFLOW.covers(cast["huyen"], r.commune_id) \
            else cast["so_giamngheo"]
        if year == 2021 and r.commune_id == demo_communes[0]:
            continue  # still surveying: the officer finishes it on the survey form
        if own is not None and own.username == "xa":
            _demo_touches(r, own, year)
        _advance(r, year, makers, endorser, stop="posted" if year == 2021 and r.commune_id == demo_communes[1] else "")
        done += 1
    recognised = ReviewRound.objects.filter(year=year, status=RoundStatus.RECOGNISED).count()
    say(f"  năm {year}: {done} kỳ rà soát qua họp dân và niêm yết, {recognised} kỳ đã công nhận")
    return done


def _housing(rng, cast: dict[str, User], demo_communes: list[int], say) -> int:
    scheme = housing.scheme_create(actor=cast["so"], province_code=settings.ANSINH_PROVINCE_CODE, data=housing.SchemeInput(
        code="nha-o-ho-ngheo-2021", name="Hỗ trợ nhà ở cho hộ nghèo (phối hợp Quỹ Thiện tâm – Tập đoàn Vingroup)",
        legal_basis="Dữ liệu mẫu: kế hoạch hỗ trợ nhà ở hộ nghèo của tỉnh, phối hợp Quỹ Thiện tâm – Tập đoàn Vingroup; "
                    "tạm ứng 50% khi khởi công, phần còn lại khi nghiệm thu (giả định của dữ liệu mẫu).",
        review_year=2020, advance_percent=50, window_start=dt.date(2021, 1, 1), window_end=dt.date(2021, 12, 31),
        sources=[("Ngân sách nhà nước", 4_000_000_000), (FUND, 8_000_000_000),
                 ("Cộng đồng, dòng họ và hộ gia đình", 1_000_000_000)]))
    sources = {s.name: s.pk for s in scheme.programme.funding_sources.all()}
    deprived = list(HouseholdReview.objects.filter(review_round__year=2020, final_status="poor")
                    .filter(d_housing_quality=True).select_related("review_round").order_by("pk"))
    first = [r for r in deprived if r.commune_id == demo_communes[0]][:3]
    others = [r for r in deprived if r.commune_id != demo_communes[0]]
    picked = sorted(rng.choice(len(others), size=min(len(others), max(len(deprived) // 8, 1)), replace=False))
    candidates = first + [others[i] for i in picked]  # about one in eight: the houses the fund could build
    picture = _png()
    houses = 0
    for i, review in enumerate(candidates):
        case = housing.case_propose(actor=cast["so"], scheme=scheme, review=review)
        case = housing.case_appraise(actor=cast["so_giamngheo"], case=case, note="Nhà tạm, xuống cấp")
        case = housing.case_approve(actor=cast["lanhdao"], case=case, approval_number=f"{50 + i}/QĐ-UBND",
                                    approval_date=dt.date(2021, 2, 1), amounts={
                                        sources["Ngân sách nhà nước"]: 40_000_000, sources[FUND]: 40_000_000,
                                        sources["Cộng đồng, dòng họ và hộ gia đình"]: int(rng.integers(1, 4)) * 5_000_000})
        start = dt.date(2021, 3, 1) + dt.timedelta(days=int(rng.integers(0, 40)))
        case = housing.case_stage(actor=cast["so"], case=case, stage="started", on_date=start,
                                  photos=[SimpleUploadedFile("khoi-cong.png", picture, content_type="image/png")])
        if i % 5:
            case = housing.case_stage(actor=cast["so"], case=case, stage="finished", on_date=start + dt.timedelta(days=90))
            case = housing.case_stage(actor=cast["so_giamngheo"], case=case, stage="accepted",
                                      on_date=start + dt.timedelta(days=100))
        houses += 1
    commune = AdminUnit.objects.get(pk=demo_communes[0])
    result = housing.tranche_list_prepare(actor=cast["xa"], scheme=scheme, commune=commune, number=1)
    if result.beneficiary_list is not None:
        bl = lists.list_submit(actor=cast["xa"], beneficiary_list=result.beneficiary_list)
        bl = lists.list_appraise(actor=cast["so_giamngheo"], beneficiary_list=bl)
        bl = lists.list_approve(actor=cast["lanhdao"], beneficiary_list=bl, decision_number="12/QĐ-UBND",
                                decision_date=dt.date(2021, 3, 20), signer="Chủ tịch UBND xã")
        lists.list_post(actor=cast["xa"], beneficiary_list=bl)
    say(f"  hỗ trợ nhà ở: {houses} nhà (hộ nghèo 2020 thiếu hụt chất lượng nhà ở)")
    return houses


def demo_poverty_load(*, seed: int = 2020, say: Callable[[str], None] = print) -> PovertyDemoResult | None:
    """Write the demo's poverty review (once: returns None when the demo already has review rounds)."""
    refuse_in_production("tạo dữ liệu rà soát hộ nghèo mẫu")
    if ReviewRound.objects.exists():
        say("Đã có kỳ rà soát hộ nghèo trong CSDL: không tạo thêm (dùng --reset để tạo lại).")
        return None
    households = _households()
    if households.is_empty():
        raise RuntimeError("Chưa có hộ gia đình: chạy «ansinh demo_load» trước.")
    rng = np.random.default_rng(seed)
    cast = _cast()
    demo_communes = [cast["xa"].area_id, cast["xa2"].area_id]
    added = _list_2019(np.random.default_rng(seed - 1), households, cast["so"])
    if added:
        say(f"  danh sách hộ nghèo, cận nghèo 2019: {vn_number(added)} hộ")
    surveyed, poor, near = {}, {}, {}
    for year in (2020, 2021):
        hold = {demo_communes[0]: 5} if year == 2021 else {}
        surveyed[year] = _survey_year(rng, households, year, cast["so"], hold)
        _workflow(year, cast, demo_communes, say)
        final = dict(HouseholdReview.objects.filter(review_round__year=year).exclude(final_status="")
                     .values_list("final_status").annotate(n=Count("pk")).order_by())
        poor[year], near[year] = final.get("poor", 0), final.get("near_poor", 0)
    houses = _housing(rng, cast, demo_communes, say)
    return PovertyDemoResult(surveyed=surveyed, poor=poor, near_poor=near, rounds=ReviewRound.objects.count(),
                             houses=houses)


def poverty_demo_clear() -> None:
    """Remove the demo's poverty review, its housing scheme (programme, lists, any payment of them) and the register
    changes its decisions made — the enrolments they started are deleted, those they ended are open again (demo
    reset only; the append-only and frozen-list guards are lifted for the deletion, on PostgreSQL). Run it before
    the other demo resets: they do not know the poverty tables."""
    refuse_in_production("xoá dữ liệu rà soát hộ nghèo mẫu")
    from ansinh.payments.models import BatchEvent, PaymentBatch, PaymentLine, ResultImport
    from ansinh.programmes.models import BeneficiaryList, ListEvent, ListRow, Programme, RowFlag

    marks = {"increase": "Công nhận theo kết quả rà soát", "decrease": "Ra khỏi danh sách theo kết quả rà soát"}
    ours = EnrolmentEvent.objects.filter(enrolment__register__in=HOUSEHOLD_REGISTERS)
    created = list(ours.filter(kind="increase", note=marks["increase"]).values_list("enrolment_id", flat=True))
    ended = list(ours.filter(kind="decrease", note=marks["decrease"]).values_list("enrolment_id", flat=True))
    programmes = Programme.objects.filter(housing_scheme__isnull=False)
    lists_of = BeneficiaryList.objects.filter(programme__in=programmes)
    batches = PaymentBatch.objects.filter(beneficiary_list__in=lists_of)
    guarded = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if guarded:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending on the altered tables
            for model in (EnrolmentEvent, ListRow):
                cursor.execute(*compose("ALTER TABLE {t} DISABLE TRIGGER USER", t=table(model)))
        for model in (HousingTranche, HousingPhoto, HousingStage, HousingFunding, HousingEvent, HousingCase,
                      HousingScheme, Certificate, Complaint, HouseholdReview, RoundEvent, ReviewRound, SurveyImport):
            model.objects.all().delete()
        ResultImport.objects.filter(batch__in=batches).delete()
        PaymentLine.objects.filter(batch__in=batches).delete()
        BatchEvent.objects.filter(batch__in=batches).delete()
        batches.delete()
        RowFlag.objects.filter(row__beneficiary_list__in=lists_of).delete()
        ListEvent.objects.filter(beneficiary_list__in=lists_of).delete()
        ListRow.objects.filter(beneficiary_list__in=lists_of).delete()
        lists_of.update(supplements=None)
        lists_of.delete()
        for programme in programmes:
            programme.groups.all().delete()
            programme.funding_sources.all().delete()
            programme.delete()
        EnrolmentEvent.objects.filter(enrolment_id__in=created).delete()
        ours.filter(kind="decrease", note=marks["decrease"]).delete()
        Enrolment.objects.filter(pk__in=created).delete()
        Enrolment.objects.filter(pk__in=ended).update(end_date=None)
        if guarded:
            for model in (EnrolmentEvent, ListRow):
                cursor.execute(*compose("ALTER TABLE {t} ENABLE TRIGGER USER", t=table(model)))
