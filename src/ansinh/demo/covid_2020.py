"""``ansinh scenario covid-2020``: the NQ 42 three-group package on the demo province at Hà Tĩnh's size,
run through the services (generation, checks, resolutions, appraisal, approval, posting, batches,
export, results import, reconciliation) — no total is written by hand.

The standing registers are drawn so that, after the checks, the province approves 173.591 people for
198.770.250.000 đ (91.436 NCC/BTXH at 1.500.000 đ, 82.155 members of poor and near-poor households at
750.000 đ; NCC and BTXH overlap by 18.564 people, whose second row the overlap rule leaves at 0 đ).
The post office's results leave 1.510 people unpaid (717 at 1.500.000 đ, 793 at 750.000 đ): the
reconciliation then reads 172.081 people = 99,13% and 197,1 tỷ đồng = 99,16%, the notice's figures.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection

from ansinh.accounts.models import Role, User
from ansinh.core.errors import DomainError
from ansinh.core.safety import refuse_in_production
from ansinh.core.sql import compose, identifier
from ansinh.demo.registers import RegisterPlan, standing_registers_clear, standing_registers_load
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.payments import services as payments
from ansinh.payments.models import PaymentBatch, UnpaidReason
from ansinh.payments.reconciliation import Reconciliation, reconciliation_compute, reconciliation_export
from ansinh.payments.selectors import batch_lines_frame
from ansinh.programmes.definitions import COVID_2020
from ansinh.programmes.models import BeneficiaryList, FlagKind, ListStatus, Programme
from ansinh.programmes.services import workflow as services
from ansinh.programmes.services.generation import registry_lists_generate
from ansinh.programmes.services.programmes import programme_from_definition

NCC, TGXH, BOTH = 45_000, 65_000, 18_564  # |NCC ∪ TGXH| = 91.436
HOUSEHOLD_MEMBERS = 82_155
DEATHS_FOUND = 40  # deaths of group-7 members recorded by communes after the lists were drawn
UNPAID_HIGH, UNPAID_LOW = 717, 793
DECISION = ("1234/QĐ-UBND", dt.date(2020, 5, 8), "Đặng Quốc Vinh – Phó Chủ tịch UBND tỉnh")
KEEP_DUPLICATE = "Đã xác minh tại thôn: hai người khác nhau trùng họ tên và ngày sinh."
KEEP_IDENTITY = "Đã đối chiếu căn cước: số trên danh sách đúng, cập nhật cơ sở dữ liệu sau."
KEEP_WINNER = "Nhóm có mức hỗ trợ cao nhất của người này: chi ở danh sách này."


@dataclass
class ScenarioReport:
    steps: list[tuple[str, float]] = field(default_factory=list)
    reconciliation: Reconciliation | None = None
    output_dir: Path | None = None

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.steps)


def _users(province: AdminUnit, communes: list[AdminUnit]) -> dict:
    def ensure(username, role, area, last, first):
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "area": area, "last_name": last, "first_name": first})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    officers = {c.pk: ensure(f"kb_xa_{c.code}", Role.COMMUNE_OFFICER, c, "Cán bộ", c.name) for c in communes}
    return {"generator": ensure("kb_so_lap", Role.PROVINCIAL_SPECIALIST, province, "Phan Thị", "Lan"),
            "appraiser": ensure("kb_so_thamdinh", Role.PROVINCIAL_SPECIALIST, province, "Nguyễn Văn", "Thẩm"),
            "leader": ensure("kb_lanhdao", Role.LEADER, province, "Đặng Quốc", "Vinh"),
            "agent": ensure("kb_buudien", Role.PAYMENT_AGENT, province, "Bưu điện", "tỉnh"),
            "officers": officers}


def scenario_reset() -> None:
    """Remove the programme, its lists and payments, and every enrolment (demo only)."""
    refuse_in_production("scenario: xoá chương trình, danh sách, chi trả và sổ đối tượng")
    with connection.cursor() as cursor:
        # referencing tables first (SQLite checks each foreign key at once)
        for table in ("payments_resultimport", "payments_batchevent", "payments_paymentline", "payments_paymentbatch",
                      "programmes_rowflag", "programmes_listevent"):
            cursor.execute(*compose("DELETE FROM {table}", table=identifier(table)))
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE programmes_listrow DISABLE TRIGGER programmes_listrow_frozen_guard")
            cursor.execute("DELETE FROM programmes_listrow")
            cursor.execute("ALTER TABLE programmes_listrow ENABLE TRIGGER programmes_listrow_frozen_guard")
        else:
            cursor.execute("DELETE FROM programmes_listrow")
        cursor.execute("UPDATE programmes_beneficiarylist SET supplements_id = NULL")
        for table in ("programmes_listupload", "programmes_beneficiarylist", "programmes_beneficiarygroup",
                      "programmes_fundingsource", "programmes_programmeevent", "programmes_programme"):
            cursor.execute(*compose("DELETE FROM {table}", table=identifier(table)))
    standing_registers_clear()


def _resolve_and_submit(bl: BeneficiaryList, officer: User) -> bool:
    """Resolve the flags as a commune would, then submit; False (left a draft) when nobody is left in the list —
    only at a small scale, where a commune's group 7 can be one person who is also in another list."""
    for kind, resolution, text, nothing_left in (
            (FlagKind.OTHER_LIST, "exclude", "", True), (FlagKind.OTHER_LIST, "keep", KEEP_WINNER, False),
            (FlagKind.DEAD, "exclude", "", None), (FlagKind.ALREADY_APPROVED, "exclude", "", None),
            (FlagKind.DUPLICATE_IN_LIST, "keep", KEEP_DUPLICATE, None), (FlagKind.IDENTITY, "keep", KEEP_IDENTITY, None)):
        services.flags_resolve_all(actor=officer, beneficiary_list=bl, kind=kind, resolution=resolution,
                                   justification=text, only_nothing_left=nothing_left)
    try:
        services.list_submit(actor=officer, beneficiary_list=bl)
    except DomainError:
        bl.refresh_from_db(fields=["row_count"])  # the submission counted what is left
        if bl.row_count == 0:
            return False
        raise
    return True


def _scaled(value: int, scale: float) -> int:
    """A figure of the full-size province at ``scale`` (at least 1): a small database keeps the figures' shape."""
    return value if scale == 1 else max(int(round(value * scale)), 1)


def _record_deaths(programme: Programme, actor: User, deaths: int = DEATHS_FOUND) -> int:
    from ansinh.registry.models import Person
    from ansinh.registry.services import person_record_death

    rows = (BeneficiaryList.objects.filter(programme=programme, group__code="7")
            .values_list("rows__person_id", "rows__amount"))
    candidates = sorted(pid for pid, amount in rows if amount and amount > 0)
    rng = np.random.default_rng(42)
    chosen = rng.choice(candidates, size=min(deaths, len(candidates)), replace=False)
    for person in Person.objects.filter(pk__in=[int(c) for c in chosen]):
        person_record_death(actor=actor, person=person, death_date=dt.date(2020, 3, 15))
    return len(chosen)


def _results_frames(batches: list[PaymentBatch], scale: float = 1.0) -> dict[int, pl.DataFrame]:
    """What the post office sends back: everybody paid on 15/05/2020 except 1.510 people (reasons spread)."""
    frames = {b.pk: batch_lines_frame(b).with_columns(pl.lit(b.pk).alias("batch_id")) for b in batches}
    everything = pl.concat(list(frames.values()))
    rng = np.random.default_rng(2020)
    unpaid = set()
    for amount, count in ((1_500_000, _scaled(UNPAID_HIGH, scale)), (750_000, _scaled(UNPAID_LOW, scale))):
        ids = everything.filter(pl.col("amount") == amount)["id"].to_numpy()
        unpaid.update(int(i) for i in rng.choice(ids, size=min(count, len(ids)), replace=False))
    reasons = [str(r.label) for r in (UnpaidReason.DIED, UnpaidReason.ABSENT, UnpaidReason.MOVED,
                                      UnpaidReason.REFUSED, UnpaidReason.WRONG_DATA)]
    out = {}
    for batch_id, lines in frames.items():
        is_unpaid = pl.col("id").is_in(list(unpaid))
        out[batch_id] = lines.select(
            pl.col("seq").alias("STT"), pl.col("full_name").alias("Họ và tên"), pl.col("identity").alias("Số định danh"),
            pl.col("amount").alias("Số tiền"),
            pl.when(is_unpaid).then(pl.lit("Chưa chi trả")).otherwise(pl.lit("Đã chi trả")).alias("Kết quả"),
            pl.when(is_unpaid).then(pl.lit("")).otherwise(pl.lit("15/05/2020")).alias("Ngày chi trả"),
            pl.when(is_unpaid).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
            pl.when(is_unpaid).then(pl.col("seq").map_elements(lambda s: reasons[s % len(reasons)],
                                                               return_dtype=pl.String))
            .otherwise(pl.lit("")).alias("Lý do không chi trả"),
            pl.when(is_unpaid).then(pl.col("amount")).otherwise(0).alias("Kinh phí hoàn trả"))
    return out


def scenario_covid_2020(*, output_dir: Path | None = None, say: Callable[[str], None] = print,
                        scale: float = 1.0) -> ScenarioReport:
    """``scale`` below 1: every count of the registers and of the unpaid drawn smaller (the percentages keep their
    shape, the people and amounts are those of the small province)."""
    report = ScenarioReport(output_dir=output_dir or Path(settings.MEDIA_ROOT) / "scenario" / "covid-2020")
    report.output_dir.mkdir(parents=True, exist_ok=True)

    def step(label: str, started: float) -> None:
        seconds = time.perf_counter() - started
        report.steps.append((label, seconds))
        say(f"  {label}: {seconds:.1f} s")

    province_code = settings.ANSINH_PROVINCE_CODE
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code=province_code)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=province_code).order_by("code"))
    t = time.perf_counter()
    scenario_reset()
    users = _users(province, communes)
    programme = programme_from_definition(definition=COVID_2020, actor=users["generator"],
                                                   province_code=province_code)
    deaths = _scaled(DEATHS_FOUND, scale)
    registers = standing_registers_load(plan=RegisterPlan(
        ncc=_scaled(NCC, scale), tgxh=_scaled(TGXH, scale), both=_scaled(BOTH, scale),
        household_members=_scaled(HOUSEHOLD_MEMBERS, scale) + deaths, seed=2020))
    step(f"danh sách đang hưởng: {registers.describe()}", t)

    t = time.perf_counter()
    generated = registry_lists_generate(programme=programme, actor=users["generator"])
    step(f"lập {generated.lists} danh sách nhóm 5–7 ({generated.rows} dòng) và kiểm tra", t)

    t = time.perf_counter()
    _record_deaths(programme, users["generator"], deaths)
    checked = services.programme_checks_run(actor=users["generator"], programme=programme)
    step(f"xã báo {deaths} người mất; kiểm tra lại: {checked.flags}", t)

    t = time.perf_counter()
    lists = list(BeneficiaryList.objects.filter(programme=programme).select_related("group", "commune", "programme"))
    empty = 0
    for bl in lists:
        if not _resolve_and_submit(bl, users["officers"][bl.commune_id]):
            empty += 1
    step(f"xã xử lý cảnh báo và trình {len(lists) - empty} danh sách"
         + (f" ({empty} danh sách không còn ai sau kiểm tra: để ở dự thảo)" if empty else ""), t)

    t = time.perf_counter()
    number, date, signer = DECISION
    for bl in BeneficiaryList.objects.filter(programme=programme, status=ListStatus.SUBMITTED).select_related("programme"):
        bl = services.list_appraise(actor=users["appraiser"], beneficiary_list=bl)
        bl = services.list_approve(actor=users["leader"], beneficiary_list=bl, decision_number=number,
                                   decision_date=date, signer=signer)
        services.list_post(actor=users["officers"][bl.commune_id], beneficiary_list=bl)
    step("thẩm định, phê duyệt (QĐ 1234/QĐ-UBND ngày 08/5/2020), niêm yết", t)

    _pay_and_reconcile(programme, users, report, step, scale)
    assert not (BeneficiaryList.objects.filter(programme=programme).exclude(status=ListStatus.RECONCILED)
                .exclude(status=ListStatus.DRAFT, row_count=0).exists())
    return report


def _pay_and_reconcile(programme: Programme, users: dict, report: ScenarioReport,
                       step: Callable[[str, float], None], scale: float = 1.0) -> None:
    """Batches through the post office, their export, the results, the reconciliation."""
    t = time.perf_counter()
    batches = [payments.batch_create(actor=users["generator"], beneficiary_list=bl, agent=users["agent"])
               for bl in BeneficiaryList.objects.filter(programme=programme, status=ListStatus.POSTED)
               .select_related("programme")]
    export_dir = report.output_dir / "chi-tra"
    export_dir.mkdir(exist_ok=True)
    for batch in batches:
        payments.batch_export(actor=users["agent"], batch=batch,
                              target=export_dir / f"{batch.commune.code}-nhom-{batch.beneficiary_list.group.code}.xlsx")
    step(f"lập {len(batches)} đợt chi trả qua bưu điện và xuất tệp .xlsx từng xã", t)

    t = time.perf_counter()
    results_dir = report.output_dir / "ket-qua"
    results_dir.mkdir(exist_ok=True)
    applied = errors = 0
    for batch_id, frame in _results_frames(batches, scale).items():
        path = results_dir / f"ket-qua-{batch_id}.csv"
        frame.write_csv(path)
        batch = PaymentBatch.objects.select_related("beneficiary_list", "commune").get(pk=batch_id)
        summary = payments.results_import(actor=users["agent"], batch=batch, path=path)
        applied, errors = applied + summary.applied, errors + summary.errors
    step(f"bưu điện trả kết quả: {applied} dòng ghi nhận, {errors} dòng lỗi", t)

    t = time.perf_counter()
    for batch in PaymentBatch.objects.filter(programme=programme).select_related("beneficiary_list"):
        payments.batch_reconcile(actor=users["generator"], batch=batch)
    report.reconciliation = reconciliation_compute(programme=programme)
    reconciliation_export(reconciliation=report.reconciliation, target=report.output_dir / "doi-soat.xlsx")
    step("đối soát toàn tỉnh và xuất báo cáo", t)
