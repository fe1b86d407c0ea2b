"""The living demo province of the first run (``ansinh demo`` → ``demo_load`` → ``demo_world_load``): on the
synthetic population, the work a department has in hand, every piece brought where it is through the services
(workflow engine, maker-checker with distinct users, the shared import lifecycle), so that the audit trail, the
events and the pages are the real ones.

- standing registers (``demo.registers``: NCC with their category, TGXH, poor and near-poor households of 2019);
- the NQ 42/NQ-CP programme (groups 5–7 drawn from the registers) with lists in every state across the communes:
  draft (warnings open), returned by the appraiser, submitted, appraised, approved, posted, sent to the post office
  (waiting for its results), paid (results imported, some people not paid), reconciled, closed; the demo
  officers' communes («xa», «xa2») hold the lists waiting for them and their appraisers («huyen»);
- the poverty review rounds 2020–2021 and housing support (``demo.poverty``);
- the monthly payrolls (NCC, TGXH, NQ 151/2019 top-up) of 11/2025 sent, paid and reconciled, and of 12/2025 with
  the communes' sheets draft, submitted, appraised or approved; the top-up register imported from a file;
- a matching run over the registry with pairs waiting for review (a commune's file that registered people
  again, written with the errors of ``demo.duplicates``);
- a parameter value proposed by one administrator («quantri2»), waiting for another («quantri»);
- labour, employment and vocational training (``demo.labour``);
- the archive (dossiers with their scans, one lent) and the petitions and an inspection (``demo.casework``).

Each step is skipped when its data is already there: loading twice adds nothing. Everything is deterministic for
a population and a seed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings

from ansinh.accounts.models import Role, User
from ansinh.core.bulk import read_frame
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import import_run
from ansinh.core.safety import refuse_in_production
from ansinh.demo.users import demo_users_ensure
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.payments import services as payments
from ansinh.payments.models import PaymentBatch, UnpaidReason
from ansinh.payments.selectors import batch_lines_frame
from ansinh.programmes.models import BeneficiaryList, Enrolment, FlagKind, Programme

Say = Callable[[str], None]
PROGRAMME_CODE = "covid-2020"
DECISION = ("1234/QĐ-UBND", dt.date(2020, 5, 8), "Đặng Quốc Vinh – Phó Chủ tịch UBND tỉnh")
PAID_ON = "15/05/2020"
# The state each list is brought to: the two demo communes fixed, the others in turn (commune position + group).
DEMO_STATES = ({"5": "draft", "6": "returned", "7": "sent"}, {"5": "submitted", "6": "appraised", "7": "approved"})
CYCLE = ("closed", "reconciled", "paid", "sent", "posted", "approved", "appraised", "submitted", "returned", "draft",
         "closed", "paid")
STATE_LABELS = {"draft": "đang lập", "returned": "bị trả lại", "submitted": "đã trình", "appraised": "đã thẩm định",
                "approved": "đã phê duyệt", "posted": "đã niêm yết", "sent": "đã gửi bưu điện, chờ kết quả",
                "paid": "đã chi trả", "reconciled": "đã đối soát", "closed": "đã khoá sổ"}
LATER = {state: i for i, state in enumerate(STATE_LABELS)}
UNPAID_EVERY = 29  # about one person in 29 not paid by the post office
KEEP = {FlagKind.DUPLICATE_IN_LIST: "Đã xác minh tại thôn: hai người khác nhau trùng họ tên và ngày sinh.",
        FlagKind.IDENTITY: "Đã đối chiếu căn cước: số trên danh sách đúng, cập nhật cơ sở dữ liệu sau.",
        FlagKind.OTHER_LIST: "Nhóm có mức hỗ trợ cao nhất của người này: chi ở danh sách này."}
RETURN_REASON = "Đề nghị xã rà soát lại người đã chuyển đi nơi khác trước ngày 01/4/2020 và bổ sung số định danh."
PAYROLL_DONE, PAYROLL_CURRENT = dt.date(2025, 11, 1), dt.date(2025, 12, 1)
SHEET_STATES = ("draft", "submitted", "appraised", "approved")
PARAMETER = ("hatinh.tgxh_funeral_multiplier", dt.date(2026, 1, 1), 20,
             "NĐ 20/2021/NĐ-CP Điều 11 khoản 2 (tối thiểu 20 lần mức chuẩn); dữ liệu mẫu: tỉnh giữ mức tối thiểu, "
             "chưa có văn bản của tỉnh quy định mức cao hơn")
DUPLICATES_PER_COMMUNE = 30


@dataclass
class Cast:
    users: dict[str, User]
    officers: dict[int, User]  # commune id → its officer (the demo logins on their communes)
    communes: list[AdminUnit]
    workdir: Path

    def appraiser(self, commune_id: int) -> User:
        huyen = self.users["huyen"]
        from ansinh.programmes.permissions import LIST_WORKFLOW

        return huyen if LIST_WORKFLOW.covers(huyen, commune_id) else self.users["so_giamngheo"]


def _cast(province_code: str, workdir: Path) -> Cast:
    users = {u.username: u for u, _ in demo_users_ensure(province_code=province_code)}
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=province_code).order_by("code"))
    officers = {u.area_id: u for u in (users["xa"], users["xa2"])}
    for commune in communes:
        if commune.pk in officers:
            continue
        user, created = User.objects.get_or_create(username=f"cb_{commune.code}", defaults={
            "role": Role.COMMUNE_OFFICER, "area": commune, "last_name": "Cán bộ LĐ-TBXH", "first_name": commune.name,
            "position": "Cán bộ LĐ-TBXH xã"})
        if created:
            user.set_unusable_password()  # the communes without a demo login: their officer's work only
            user.save(update_fields=["password"])
        officers[commune.pk] = user
    return Cast(users=users, officers=officers, communes=communes, workdir=workdir)


def demo_world_load(*, seed: int = 2020, say: Say = print, province_code: str | None = None) -> list[tuple[str, float]]:
    """Build the living demo (each step skipped when already done); returns (step, seconds)."""
    refuse_in_production("dựng tỉnh mẫu (dữ liệu giả lập, tài khoản mật khẩu công khai)")
    province_code = province_code or settings.ANSINH_PROVINCE_CODE
    timings: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="ansinh-demo-") as tmp:
        cast = _cast(province_code, Path(tmp))
        for label, step in (("danh sách đang hưởng", _registers), ("chương trình NQ 42", _nq42),
                            ("chương trình thiết kế trên trang", _designed), ("rà soát hộ nghèo", _poverty),
                            ("chi trả hằng tháng", _payroll),
                            ("ghép trùng", _matching), ("đề xuất tham số", _parameter),
                            ("lao động, việc làm", _labour), ("hồ sơ lưu trữ, đơn thư", _casework),
                            ("kế hoạch, nhiệm vụ, báo cáo", _plan)):
            started = time.perf_counter()
            outcome = step(cast, seed)
            seconds = time.perf_counter() - started
            timings.append((label, seconds))
            say(f"  {label}: {outcome} ({seconds:.1f} s)")
    return timings


def _casework(cast: Cast, seed: int) -> str:
    from ansinh.demo.casework import casework_demo_load

    return casework_demo_load(users=cast.users, commune=cast.users["xa"].area, seed=seed)


def _plan(cast: Cast, seed: int) -> str:
    """The department's 2020 plan (``semiannual-2020`` up to the documents): indicators and targets, 195 framework
    tasks, the district offices' six-month reports accepted, the incoming register, and the Director's conclusion
    composed, waiting to be issued from its page."""
    from ansinh.demo.semiannual_2020 import plan_2020_load
    from ansinh.planning.models import Conclusion, Task

    if Conclusion.objects.exists():
        return "đã có, giữ nguyên"
    _users, _period, conclusion = plan_2020_load(say=lambda _line: None)
    return f"{Task.objects.count()} nhiệm vụ, thông báo kết luận chờ ban hành: {conclusion.title[:60]}"


def _designed(cast: Cast, seed: int) -> str:
    """The notice's own examples, defined in the programme designer: Tết gifts to NCC, the housing programme."""
    from ansinh.demo.designed_programmes import designed_programmes_load

    programmes = designed_programmes_load(say=lambda _line: None)
    return ", ".join(p.name for p in programmes)


# --- standing registers ----------------------------------------------------------------------------------------


def _registers(cast: Cast, seed: int) -> str:
    from ansinh.demo.registers import plan_at_rates, standing_registers_load

    if Enrolment.objects.filter(register__in=["ncc", "tgxh"]).exists():
        return "đã có, giữ nguyên"
    return standing_registers_load(plan=plan_at_rates(seed=seed)).describe()


# --- NQ 42 ------------------------------------------------------------------------------------------------------


def _target(position: int, group: str) -> str:
    if position < len(DEMO_STATES):
        return DEMO_STATES[position][group]
    return CYCLE[(position + int(group)) % len(CYCLE)]


def _nq42(cast: Cast, seed: int) -> str:
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.services.generation import registry_lists_generate
    from ansinh.programmes.services.programmes import programme_from_definition

    if Programme.objects.filter(code=PROGRAMME_CODE).exists():
        return "đã có, giữ nguyên"
    so = cast.users["so"]
    programme = programme_from_definition(definition=COVID_2020, actor=so, province_code=cast.communes[0].province_code)
    generated = registry_lists_generate(programme=programme, actor=so)
    position = {c.pk: i for i, c in enumerate(cast.communes)}
    counts: dict[str, int] = {}
    lists = (BeneficiaryList.objects.filter(programme=programme).select_related("group", "commune", "programme")
             .order_by("commune__code", "group__code"))
    for bl in lists:
        target = _target(position[bl.commune_id], bl.group.code)
        _list_to(bl, target, cast)
        counts[target] = counts.get(target, 0) + 1
    states = ", ".join(f"{counts[state]} {STATE_LABELS[state]}" for state in LATER if state in counts)
    return f"{generated.lists} danh sách nhóm 5–7 ({vn_number(generated.rows)} dòng): {states}"


def _list_to(bl: BeneficiaryList, target: str, cast: Cast) -> None:
    from ansinh.programmes.services import workflow as lists

    if target == "draft":
        return  # as generated: the commune has warnings to handle
    officer, appraiser = cast.officers[bl.commune_id], cast.appraiser(bl.commune_id)
    _resolve_flags(bl, officer)
    bl.refresh_from_db(fields=["row_count"])
    if bl.row_count == 0:
        return  # everybody excluded by the checks (covered by another group): nothing to submit
    bl = lists.list_submit(actor=officer, beneficiary_list=bl)
    if target == "returned":
        lists.list_return(actor=appraiser, beneficiary_list=bl, reason=RETURN_REASON)
        return
    if LATER[target] >= LATER["appraised"]:
        bl = lists.list_appraise(actor=appraiser, beneficiary_list=bl, note="Đủ điều kiện, đúng đối tượng")
    if LATER[target] >= LATER["approved"]:
        number, date, signer = DECISION
        bl = lists.list_approve(actor=cast.users["lanhdao"], beneficiary_list=bl, decision_number=number,
                                decision_date=date, signer=signer)
    if LATER[target] >= LATER["posted"]:
        bl = lists.list_post(actor=officer, beneficiary_list=bl)
    if LATER[target] >= LATER["sent"]:
        _pay(bl, target, cast)


def _resolve_flags(bl: BeneficiaryList, officer: User) -> None:
    from ansinh.programmes.services import workflow as lists

    steps = ((FlagKind.OTHER_LIST, "exclude", "", True), (FlagKind.OTHER_LIST, "keep", KEEP[FlagKind.OTHER_LIST], False),
             (FlagKind.DEAD, "exclude", "", None), (FlagKind.ALREADY_APPROVED, "exclude", "", None),
             (FlagKind.DUPLICATE_IN_LIST, "keep", KEEP[FlagKind.DUPLICATE_IN_LIST], None),
             (FlagKind.IDENTITY, "keep", KEEP[FlagKind.IDENTITY], None))
    for kind, resolution, text, nothing_left in steps:
        lists.flags_resolve_all(actor=officer, beneficiary_list=bl, kind=kind, resolution=resolution,
                                justification=text, only_nothing_left=nothing_left)


def _pay(bl: BeneficiaryList, target: str, cast: Cast) -> None:
    """The batch through the post office, its export; then its results, the reconciliation and the closing."""
    from ansinh.programmes.services import workflow as lists

    so, agent = cast.users["so"], cast.users["buudien"]
    batch = payments.batch_create(actor=so, beneficiary_list=bl, agent=agent)
    payments.batch_export(actor=agent, batch=batch, target=cast.workdir / f"chi-tra-{batch.pk}.xlsx")
    if target == "sent":
        return
    path = cast.workdir / f"ket-qua-{batch.pk}.csv"
    _nq42_results(batch).write_csv(path)
    batch = PaymentBatch.objects.select_related("beneficiary_list", "commune").get(pk=batch.pk)
    summary = payments.results_import(actor=agent, batch=batch, path=path, file_name=f"ket-qua-chi-tra-{batch.pk}.csv")
    if not summary.committed or summary.errors:
        raise DomainError(f"Kết quả chi trả mẫu của {bl} không nhập được: {summary.message}")
    if LATER[target] >= LATER["reconciled"]:
        batch = PaymentBatch.objects.select_related("beneficiary_list").get(pk=batch.pk)
        payments.batch_reconcile(actor=so, batch=batch)
    if target == "closed":
        lists.list_close(actor=so, beneficiary_list=BeneficiaryList.objects.get(pk=bl.pk))


def _nq42_results(batch: PaymentBatch) -> pl.DataFrame:
    """What the post office sends back: paid on 15/05/2020 except about one in 29 (reasons in turn)."""
    reasons = [str(r.label) for r in (UnpaidReason.ABSENT, UnpaidReason.MOVED, UnpaidReason.DIED,
                                      UnpaidReason.REFUSED, UnpaidReason.WRONG_DATA)]
    lines = batch_lines_frame(batch)
    unpaid = (pl.col("seq") + batch.pk) % UNPAID_EVERY == 0
    return lines.select(
        pl.col("seq").alias("STT"), pl.col("full_name").alias("Họ và tên"), pl.col("identity").alias("Số định danh"),
        pl.col("amount").alias("Số tiền"),
        pl.when(unpaid).then(pl.lit("Chưa chi trả")).otherwise(pl.lit("Đã chi trả")).alias("Kết quả"),
        pl.when(unpaid).then(pl.lit("")).otherwise(pl.lit(PAID_ON)).alias("Ngày chi trả"),
        pl.when(unpaid).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
        pl.when(unpaid).then(pl.col("seq").map_elements(lambda s: reasons[s % len(reasons)], return_dtype=pl.String))
        .otherwise(pl.lit("")).alias("Lý do không chi trả"),
        pl.when(unpaid).then(pl.col("amount")).otherwise(0).alias("Kinh phí hoàn trả"))


# --- poverty review and labour ----------------------------------------------------------------------------------


def _poverty(cast: Cast, seed: int) -> str:
    from ansinh.demo.poverty import demo_poverty_load

    result = demo_poverty_load(seed=seed, say=lambda _line: None)
    return "đã có, giữ nguyên" if result is None else result.describe()


def _labour(cast: Cast, seed: int) -> str:
    from ansinh.demo.labour import labour_demo_load
    from ansinh.labour.models import Placement

    if Placement.objects.exists():
        return "đã có, giữ nguyên"
    return labour_demo_load(seed=seed, province_code=cast.communes[0].province_code).describe()


# --- monthly payrolls -------------------------------------------------------------------------------------------


def _payroll(cast: Cast, seed: int) -> str:
    from ansinh.payroll.models import PayrollMonth

    if PayrollMonth.objects.exists():
        return "đã có, giữ nguyên"
    topup = _topup_import(cast)
    done = _payroll_month_done(cast, PAYROLL_DONE)
    current = _payroll_month_current(cast, PAYROLL_CURRENT)
    return (f"sổ hỗ trợ thu nhập NQ 151/2019 nhập từ tệp: {vn_number(topup)} người; tháng {PAYROLL_DONE:%m/%Y}: "
            f"{done}; tháng {PAYROLL_CURRENT:%m/%Y}: {current}")


def _topup_import(cast: Cast) -> int:
    """NQ 151/2019: elderly social-assistance beneficiaries of the poor households, and NCC of poor households
    (the province's decision, from 01/01/2025), imported as the province would: a register file."""
    from ansinh.programmes.imports import REGISTER_KIND

    on = dt.date(2025, 1, 1)
    frame = read_frame(
        """SELECT p.full_name, COALESCE(p.pid, p.cmnd) AS identity
             FROM programmes_enrolment e JOIN registry_person p ON p.id = e.person_id
            WHERE e.register IN ('tgxh', 'ncc') AND e.end_date IS NULL AND p.death_date IS NULL
              AND (e.register = 'ncc' OR e.tgxh_category IN ('elderly_80_no_pension', 'elderly_poor_no_carer'))
              AND COALESCE(p.pid, p.cmnd) IS NOT NULL AND p.merged_into_id IS NULL
              AND EXISTS (SELECT 1 FROM programmes_enrolment h WHERE h.household_id = p.household_id
                          AND h.register = 'poor' AND h.start_date <= %s
                          AND (h.end_date IS NULL OR h.end_date > %s))
            ORDER BY p.id""", params=[on, on], schema={"full_name": pl.String, "identity": pl.String})
    frame = frame.unique("identity", keep="first", maintain_order=True)
    if frame.is_empty():
        return 0
    path = cast.workdir / "so-ho-tro-thu-nhap-nq151-2025.csv"
    frame.select(pl.int_range(1, pl.len() + 1).alias("STT"), pl.col("full_name").alias("Họ và tên"),
                 pl.col("identity").alias("Số định danh cá nhân"),
                 pl.lit("15/QĐ-UBND").alias("Số quyết định"), pl.lit("20/12/2024").alias("Ngày quyết định"),
                 pl.lit("01/01/2025").alias("Hưởng từ ngày")).write_csv(path)
    run = import_run(kind=REGISTER_KIND, actor=cast.users["so"], file=path, file_name=path.name,
                     target={"register": "topup"}, commit=True, valid_only=True)
    return run.record.written_rows if run.committed else 0


def _generate(cast: Cast, month: dt.date) -> dict:
    from ansinh.payroll.models import PayrollMonth
    from ansinh.payroll.services.generation import payroll_month_generate

    months = {}
    for register in ("ncc", "tgxh", "topup"):
        payroll_month_generate(actor=cast.users["so"], register=register, month=month)
        months[register] = PayrollMonth.objects.get(register=register, month=month)
    return months


def _sheets_to(cast: Cast, payroll_month, target: str, sheets: list) -> None:
    """Sheets of one month from draft to ``target`` (submitted by their commune, appraised by a second provincial
    specialist, approved by the leader, sent by the province to the post office)."""
    from ansinh.payroll.models import PayrollSheet, SheetStep
    from ansinh.payroll.services import workflow

    order = ("draft", "submitted", "appraised", "approved", "sent")
    if not sheets or order.index(target) == 0:
        return
    by_commune: dict[int, list] = {}
    for sheet in sheets:
        by_commune.setdefault(sheet.commune_id, []).append(sheet)
    for commune_id, own in by_commune.items():
        workflow.sheets_step(actor=cast.officers[commune_id], payroll_month=payroll_month, step=SheetStep.SUBMIT,
                             sheets=own)
    actors = {"appraised": (cast.users["so_giamngheo"], SheetStep.APPRAISE),
              "approved": (cast.users["lanhdao"], SheetStep.APPROVE), "sent": (cast.users["so"], SheetStep.SEND)}
    for state in order[2:order.index(target) + 1]:
        actor, step = actors[state]
        fresh = [PayrollSheet.objects.select_related("commune", "payroll_month").get(pk=s.pk) for s in sheets]
        workflow.sheets_step(actor=actor, payroll_month=payroll_month, step=step, sheets=fresh,
                             agent=cast.users["buudien"] if step == SheetStep.SEND else None)


def _payroll_month_done(cast: Cast, month: dt.date) -> str:
    from ansinh.payroll.models import PayrollSheet, SheetStep
    from ansinh.payroll.services import export, workflow

    months = _generate(cast, month)
    unpaid = 0
    for payroll_month in months.values():
        sheets = list(PayrollSheet.objects.filter(payroll_month=payroll_month).select_related("commune",
                                                                                             "payroll_month"))
        _sheets_to(cast, payroll_month, "sent", [s for s in sheets if s.line_count])
        for sheet in PayrollSheet.objects.filter(payroll_month=payroll_month, line_count__gt=0).select_related(
                "commune", "payroll_month"):
            export.sheet_export(actor=cast.users["buudien"], sheet=sheet,
                                target=cast.workdir / f"bang-{sheet.pk}.xlsx")
            unpaid += _payroll_results(cast, sheet)
        workflow.sheets_step(actor=cast.users["so"], payroll_month=payroll_month, step=SheetStep.RECONCILE)
    sheets = PayrollSheet.objects.filter(month=month).count()
    return f"{sheets} bảng đã chi trả và đối soát ({vn_number(unpaid)} người chưa nhận, chuyển tháng sau)"


def _payroll_results(cast: Cast, sheet) -> int:
    """The post office's results file of a sheet, through the payroll results import: everyone paid on the 10th
    except about one in 29 (absent or moved)."""
    from ansinh.payroll import selectors
    from ansinh.payroll.imports import RESULTS_KIND

    payees = selectors.payees_frame(selectors.sheet_lines_frame(sheet)).sort("seq")
    not_paid = (pl.col("seq") + sheet.pk) % UNPAID_EVERY == 0
    reason = pl.when(pl.col("seq") % 2 == 0).then(pl.lit("Vắng mặt")).otherwise(pl.lit("Chuyển đi"))
    path = cast.workdir / f"ket-qua-bang-{sheet.pk}.csv"
    payees.select(
        pl.col("seq").alias("STT"), pl.col("full_name").alias("Họ và tên"), pl.col("identity").alias("Số định danh"),
        pl.lit(f"{sheet.month:%m/%Y}").alias("Kỳ chi trả"), pl.col("total").alias("Tổng số tiền"),
        pl.when(not_paid).then(pl.lit("Chưa chi trả")).otherwise(pl.lit("Đã chi trả")).alias("Kết quả"),
        pl.when(not_paid).then(pl.lit("")).otherwise(pl.lit(sheet.month.replace(day=10).strftime("%d/%m/%Y")))
        .alias("Ngày chi trả"),
        pl.when(not_paid).then(reason).otherwise(pl.lit("")).alias("Lý do không chi trả")).write_csv(path)
    run = import_run(kind=RESULTS_KIND, actor=cast.users["buudien"], file=path,
                     file_name=f"ket-qua-{sheet.register}-{sheet.commune.code}-{sheet.month:%m-%Y}.csv",
                     target={"sheet": sheet}, commit=True)
    if not run.committed:
        raise DomainError(f"Kết quả mẫu của {sheet} không nhập được: {run.record.message} "
                          f"{(run.record.summary or {}).get('errors', [])[:3]}")
    return int((run.record.result or {}).get("unpaid", 0))


def _payroll_month_current(cast: Cast, month: dt.date) -> str:
    from ansinh.payroll.models import PayrollSheet

    position = {c.pk: i for i, c in enumerate(cast.communes)}
    counts: dict[str, int] = {}
    for r, (_register, payroll_month) in enumerate(_generate(cast, month).items()):
        by_state: dict[str, list] = {}
        for sheet in PayrollSheet.objects.filter(payroll_month=payroll_month, line_count__gt=0).select_related(
                "commune", "payroll_month"):
            state = SHEET_STATES[(position[sheet.commune_id] + r) % len(SHEET_STATES)]
            by_state.setdefault(state, []).append(sheet)
        for state, sheets in by_state.items():
            _sheets_to(cast, payroll_month, state, sheets)
            counts[state] = counts.get(state, 0) + len(sheets)
    return ", ".join(f"{vn_number(counts.get(s, 0))} bảng {STATE_LABELS[s]}" for s in SHEET_STATES)


# --- matching and parameters ------------------------------------------------------------------------------------


def _matching(cast: Cast, seed: int) -> str:
    """Two communes registered again some of their people from an old village file (errors of
    ``demo.duplicates``: tones lost, typos, year only, the old commune, no number); the province runs the matching
    over the registry; the pairs wait for review."""
    from ansinh.matching import services as matching
    from ansinh.matching.models import MatchRun

    if MatchRun.objects.exists():
        return "đã có, giữ nguyên"
    written = sum(_duplicates_import(cast, commune, seed) for commune in cast.communes[:2])
    run = matching.match_run_start(actor=cast.users["so"])  # recorded here; run at once, not by the worker
    run = matching.match_run_execute(run_id=run.pk)
    if run.message:
        return f"{written} nhân khẩu đăng ký lại; lần chạy #{run.pk}: {run.get_status_display()} — {run.message}"
    return (f"{written} nhân khẩu đăng ký lại; lần chạy #{run.pk}: {vn_number(run.records)} nhân khẩu, "
            f"{vn_number(run.pairs_review)} cặp chờ xem xét")


def _duplicates_import(cast: Cast, commune: AdminUnit, seed: int) -> int:
    from ansinh.demo.duplicates import add_duplicates
    from ansinh.registry.imports import REGISTRY_KIND

    people = read_frame(
        """SELECT id AS person_id, full_name, sex, birth_date, birth_precision, pid, cmnd
             FROM registry_person WHERE commune_id = %s AND death_date IS NULL AND merged_into_id IS NULL
            ORDER BY id""", params=[commune.pk],
        schema={"person_id": pl.Int64, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date,
                "birth_precision": pl.String, "pid": pl.String, "cmnd": pl.String})
    if people.height < DUPLICATES_PER_COMMUNE * 4:
        return 0
    words = pl.col("full_name").str.split(" ")
    people = people.with_columns(words.list.first().alias("family_name"), words.list.last().alias("given_name"),
                                 words.list.slice(1, words.list.len() - 2).list.join(" ").alias("middle_name"),
                                 pl.lit(commune.code).alias("commune_code"))
    copies = add_duplicates(people, rate=DUPLICATES_PER_COMMUNE / people.height, triple_share=0.0, seed=seed + commune.pk,
                            error_rates={"moved": 0.0, "old_commune_code": 0.0})
    copies = copies.filter(pl.col("errors") != "")
    birth = (pl.when(pl.col("birth_precision") == "year").then(pl.col("birth_date").dt.strftime("%Y"))
             .otherwise(pl.col("birth_date").dt.strftime("%d/%m/%Y")))
    path = cast.workdir / f"ho-khau-thon-cu-{commune.code}.csv"
    copies.select(
        pl.format("{}-DK{}", pl.lit(commune.code), pl.int_range(1, pl.len() + 1)).alias("Mã hộ"),
        pl.col("full_name").alias("Họ và tên"),
        pl.when(pl.col("sex") == "F").then(pl.lit("Nữ")).otherwise(pl.lit("Nam")).alias("Giới tính"),
        birth.alias("Ngày sinh"), pl.lit("Chủ hộ").alias("Quan hệ với chủ hộ"),
        pl.lit(commune.name).alias("Xã/phường")).write_csv(path)
    run = import_run(kind=REGISTRY_KIND, actor=cast.officers[commune.pk], file=path, file_name=path.name,
                     commit=True, valid_only=True)
    if not run.committed:
        raise DomainError(f"Tệp hộ khẩu mẫu của {commune.name} không ghi được: {run.record.message}")
    return run.record.written_rows


def _parameter(cast: Cast, seed: int) -> str:
    from ansinh.policy.models import ParameterChange
    from ansinh.policy.services import parameter_change_propose

    path, start, value, reference = PARAMETER
    if ParameterChange.objects.filter(parameter=path, start=start).exists():
        return "đã có, giữ nguyên"
    parameter_change_propose(actor=cast.users["quantri2"], parameter=path, start=start, value=value,
                             reference=reference, note="Chờ quản trị viên thứ hai duyệt (dữ liệu mẫu)")
    return f"{path} = {value} từ {start:%d/%m/%Y}, chờ quản trị viên «quantri» duyệt"
