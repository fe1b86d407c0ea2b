"""Generating a month's payroll of one register from the registers, through the engine (``engine.settle``).

``payroll_month_generate`` runs in one durable transaction under the register's lock:

1. the months are consecutive: the first payroll month of a register is its ``origin``; each next month needs
   the previous one sent and every result of it back (POLICY.md §3: the agent returns the results before the
   next list is sent); a month already generated may be generated again while its sheets are drafts;
2. the registers and their events give the beneficiaries (``sources.beneficiaries``), the earlier months what
   was paid (``sources.paid_frame``); the engine settles the month — regular lines, arrears, recoveries, the
   NCC death lump sum and funeral support, with the administrator additions approved in the web UI;
3. amounts the agent could not pay come back as arrears of their month, marked ``carried``; a social assistance
   beneficiary whose every payment of the three previous months came back unpaid is held (an ``agent_results``
   suspension event) until the commune records a resumption — then every month held comes as arrears;
4. each commune's sheet: created as a draft, or its lines replaced when they differ (a digest of the lines),
   or left as it is when nothing changed — generating again changes nothing; a sheet already submitted is never
   touched (its differences are settled by the next month, the engine sees them then).

Refusals are ``DomainError`` with a Vietnamese message naming the people and communes concerned; nothing is
written then (the transaction is rolled back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.locks import advisory_lock
from ansinh.core.sql import compose, in_clause, table
from ansinh.payroll import sources
from ansinh.payroll.engine import (
    ALL_REGISTERS,
    PayrollError,
    PayrollInputError,
    PayrollRuleError,
    settle_with_report,
)
from ansinh.payroll.models import (
    REGISTERS,
    PayrollLine,
    PayrollMonth,
    PayrollSheet,
    SheetStatus,
    SheetStep,
)
from ansinh.payroll.permissions import SHEET_WORKFLOW, require_generator
from ansinh.policy.selectors import approved_additions
from ansinh.programmes.models import Enrolment, EnrolmentChange, EnrolmentEvent, EventSource
from ansinh.registry.models import Household, Person

LINE_TABLE = PayrollLine._meta.db_table
HOLD_MONTHS = 3  # TGXH: payments held after three consecutive months not collected (POLICY.md §3)
MAX_NAMED = 10
REGISTER_NAMES = {"ncc": "người có công", "tgxh": "trợ giúp xã hội", "topup": "hỗ trợ thu nhập NQ 151/2019"}


@dataclass
class GenerationResult:
    payroll_month: PayrollMonth
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    frozen_differing: int = 0
    lines: int = 0
    holds: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.holds)

    def message(self) -> str:
        pm = self.payroll_month
        if not self.changed:
            return f"{pm}: không có thay đổi ({vn_number(self.unchanged)} bảng của xã giữ nguyên)."
        return (f"{pm}: {vn_number(pm.person_count)} người, {vn_number(pm.line_count)} dòng; lập mới "
                f"{vn_number(self.created)}, cập nhật {vn_number(self.updated)}, giữ nguyên {vn_number(self.unchanged)} "
                "bảng của xã.")


def _month_label(index: int) -> str:
    return f"{index % 12 + 1:02d}/{index // 12}"


@transaction.atomic(durable=True)
def payroll_month_generate(*, actor: User, register: str, month: dt.date) -> GenerationResult:
    """Generate (or generate again) the payroll of ``register`` for ``month`` (any day of it)."""
    require_generator(actor)
    if register not in REGISTERS:
        raise DomainError(f"Sổ «{register}» không lập chi trả hằng tháng (ncc, tgxh, topup).", field="register")
    period = sources.month_index(month)
    advisory_lock(f"payroll.register.{register}")
    origin = _check_sequence(register, period)
    payroll_month, _ = PayrollMonth.objects.get_or_create(register=register, month=sources.month_date(period))
    payroll_month = PayrollMonth.objects.select_for_update().get(pk=payroll_month.pk)
    result = GenerationResult(payroll_month=payroll_month)

    beneficiaries = sources.beneficiaries(register, period, origin)
    lines = _settle(register, period, beneficiaries)
    lines, result.holds, hold_notes = _hold_not_collected(actor, register, period, lines, beneficiaries)
    lines, funeral_notes = _one_funeral_support(register, lines)
    lines = _mark_carried(register, period, lines)
    lines = _attach(register, period, lines, beneficiaries)
    result.warnings = [*_missing_notes(register, beneficiaries), *hold_notes, *funeral_notes, *result.warnings]
    _write_sheets(actor, payroll_month, lines, result)
    _month_totals(payroll_month, lines, actor, result)
    audit_record(actor=actor, action="payroll.generate", obj=payroll_month, summary=result.message()[:500],
                 details={"register": register, "month": payroll_month.period, "created": result.created,
                          "updated": result.updated, "unchanged": result.unchanged, "holds": result.holds,
                          "frozen_differing": result.frozen_differing})
    return result


def _check_sequence(register: str, period: int) -> int:
    """The register's origin (its first payroll month); refuses a month out of sequence."""
    months = sorted(sources.month_index(m) for m in
                    PayrollMonth.objects.filter(register=register).values_list("month", flat=True))
    name = REGISTER_NAMES[register]
    if not months:
        return period
    first, last = months[0], months[-1]
    if period < first:
        raise DomainError(f"Chi trả {name} bắt đầu từ tháng {_month_label(first)}: không lập tháng "
                          f"{_month_label(period)} trước đó.")
    if period < last:
        raise DomainError(f"Đã lập chi trả {name} tháng {_month_label(last)}: không lập lại tháng "
                          f"{_month_label(period)} (điều chỉnh được tính vào tháng sau).")
    if period > last + 1:
        raise DomainError(f"Chưa lập chi trả {name} tháng {_month_label(last + 1)}: các tháng phải lập lần lượt.")
    previous = period - 1
    waiting = (PayrollSheet.objects.filter(register=register, month=sources.month_date(previous))
               .exclude(status__in=[SheetStatus.RESULTS, SheetStatus.RECONCILED]).select_related("commune"))
    if previous >= first and waiting.exists():
        names = ", ".join(s.commune.name for s in waiting[:MAX_NAMED])
        more = f" và {waiting.count() - MAX_NAMED} xã khác" if waiting.count() > MAX_NAMED else ""
        raise DomainError(f"Chưa lập được chi trả {name} tháng {_month_label(period)}: tháng {_month_label(previous)} "
                          f"chưa gửi tổ chức chi trả hoặc chưa nhận đủ kết quả ở {names}{more}. Danh sách tháng sau chỉ "
                          "lập khi đã có kết quả tháng trước (để chuyển số chưa nhận sang tháng sau).")
    return first


def _settle(register: str, period: int, beneficiaries: sources.Beneficiaries) -> pl.DataFrame:
    paid = sources.paid_frame(register, period)
    try:
        settlement = settle_with_report(beneficiaries.frame, paid, period=sources.month_text(period),
                                        additions=approved_additions(), registers=ALL_REGISTERS,
                                        one_offs=("funeral_support",),
                                        labels=(f"sổ {REGISTER_NAMES[register]}", "số đã chi"))
    except PayrollError as error:
        raise DomainError(_refusal(register, period, error)) from None
    return settlement.lines.with_columns(
        pl.col("person_id").cast(pl.Int64),
        pl.col("month").str.to_date("%Y-%m").alias("entitlement_month"),
    ).drop("month", "register")


def _people(ids: list) -> dict[int, str]:
    numbers = [int(i) for i in ids if str(i).isdigit()][:MAX_NAMED * 3]
    return {p.pk: f"{p.full_name} ({p.commune.name})"
            for p in Person.objects.filter(pk__in=numbers).select_related("commune")}


def _refusal(register: str, period: int, error: PayrollError) -> str:
    head = f"Không lập được chi trả {REGISTER_NAMES[register]} tháng {_month_label(period)}"
    if isinstance(error, PayrollRuleError):
        parts = []
        for failure in error.failures:
            names = _people([p.person_id for p in failure.persons])
            shown = "; ".join(names.get(int(p.person_id), f"mã {p.person_id}") for p in failure.persons
                              if str(p.person_id).isdigit())
            parts.append(f"tham số «{failure.parameter}» chưa có giá trị cho tháng "
                         f"{', '.join(failure.months[:12])}{' …' if len(failure.months) > 12 else ''} — "
                         f"{vn_number(failure.person_count)} người cần đến (ví dụ {shown}).")
        return (f"{head}: " + " ".join(parts) + " Văn bản quy định mức này chưa được xác minh: quản trị viên nhập giá "
                "trị kèm căn cứ pháp lý (Chính sách → đề xuất giá trị, một quản trị viên khác duyệt) rồi lập lại.")
    if isinstance(error, PayrollInputError):
        names = _people([p.person_id for p in error.problems])
        shown = "; ".join(f"{names.get(int(p.person_id), f'mã {p.person_id}') if str(p.person_id).isdigit() else '?'}"
                          f": {p.message}" for p in error.problems[:MAX_NAMED])
        more = f" … và {len(error.problems) - MAX_NAMED} lỗi khác" if len(error.problems) > MAX_NAMED else ""
        return f"{head}: sổ đối tượng có {len(error.problems)} hồ sơ cần sửa — {shown}{more}."
    return f"{head}: {error}"


# --- payments held: social assistance not collected for three consecutive months -------------------------------


def _hold_not_collected(actor, register: str, period: int, lines: pl.DataFrame,
                        beneficiaries: sources.Beneficiaries) -> tuple[pl.DataFrame, int, list[str]]:
    held = set(beneficiaries.held["person_id"].to_list())
    created = 0
    if register == "tgxh" and period - HOLD_MONTHS >= 0:
        months = list(range(period - HOLD_MONTHS, period))
        streak = sources.not_collected_frame(register, months).filter(pl.col("months") == HOLD_MONTHS)
        candidates = set(streak["person_id"].to_list()) - held
        if candidates:
            resumed = set(EnrolmentEvent.objects.filter(
                enrolment__register=register, enrolment__person_id__in=candidates, kind=EnrolmentChange.RESUMPTION,
                effective_month__gte=sources.month_date(period - HOLD_MONTHS)).values_list(
                "enrolment__person_id", flat=True))
            new = sorted(candidates - resumed)
            current = dict(beneficiaries.communes.sort("enrolment_id").select("person_id", "enrolment_id").iter_rows())
            events = [EnrolmentEvent(enrolment_id=current[pid], kind=EnrolmentChange.SUSPENSION,
                                     source=EventSource.AGENT_RESULTS, effective_month=sources.month_date(period),
                                     recorded_by=actor,
                                     note=f"Không nhận trợ cấp {HOLD_MONTHS} tháng liên tiếp "
                                          f"({', '.join(_month_label(m) for m in months)}): tạm dừng chi trả, "
                                          "truy lĩnh khi hưởng lại.")
                      for pid in new if pid in current]
            EnrolmentEvent.objects.bulk_create(events)
            created = len(events)
            held |= {pid for pid in new if pid in current}
    if not held:
        return lines, created, []
    kept = lines.filter(~pl.col("person_id").is_in(sorted(held)))
    held_lines = lines.height - kept.height
    notes = [f"{vn_number(len(held))} người đang tạm dừng chi trả vì {HOLD_MONTHS} tháng liên tiếp không nhận trợ cấp "
             f"({vn_number(created)} người mới tạm dừng tháng này; {vn_number(held_lines)} dòng chưa chi, sẽ truy lĩnh "
             "khi xã ghi «hưởng lại»)."]
    return kept, created, notes


def _one_funeral_support(register: str, lines: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """A person on both the NCC and the TGXH register gets one funeral support: the NCC one."""
    if register != "tgxh":
        return lines, []
    funerals = lines.filter(pl.col("kind") == "funeral_support")
    if funerals.is_empty():
        return lines, []
    ncc = set(Enrolment.objects.filter(register="ncc", person_id__in=funerals["person_id"].to_list())
              .values_list("person_id", flat=True))
    if not ncc:
        return lines, []
    kept = lines.filter(~((pl.col("kind") == "funeral_support") & pl.col("person_id").is_in(sorted(ncc))))
    return kept, [f"{vn_number(len(ncc))} người vừa hưởng trợ cấp người có công vừa hưởng trợ giúp xã hội: mai táng phí "
                  "chi một lần theo chế độ người có công."]


def _mark_carried(register: str, period: int, lines: pl.DataFrame) -> pl.DataFrame:
    """Arrears of a month sent before and returned unpaid are that unpaid amount carried forward (``carried``);
    the rest of the arrears (a new decision, a higher rate) stay plain arrears."""
    unpaid = sources.unpaid_frame(register, period)
    schema = lines.schema | {"carried": pl.Boolean}
    if unpaid.is_empty():
        return lines.with_columns(pl.lit(False).alias("carried"))
    monthly = (unpaid.filter(pl.col("kind").is_in(["regular", "arrears"])).group_by("person_id", "entitlement_month")
               .agg(pl.col("amount").sum().alias("_unpaid")))
    one_off = unpaid.filter(pl.col("kind").is_in(["death_lump_sum", "funeral_support"])).select(
        "person_id", "kind", pl.lit(True).alias("_one_off_unpaid")).unique()
    marked = (lines.join(monthly, on=["person_id", "entitlement_month"], how="left")
              .join(one_off, on=["person_id", "kind"], how="left"))
    arrears = pl.col("kind") == "arrears"
    carried_amount = pl.when(arrears).then(pl.min_horizontal("amount", pl.col("_unpaid").fill_null(0))).otherwise(0)
    marked = marked.with_columns(carried_amount.alias("_carried"))
    split_carried = marked.filter(pl.col("_carried") > 0).with_columns(
        pl.col("_carried").alias("amount"), pl.lit(True).alias("carried"))
    rest = marked.with_columns((pl.col("amount") - pl.col("_carried")).alias("amount"),
                               pl.col("_one_off_unpaid").fill_null(False).alias("carried")).filter(
        pl.col("amount") != 0)
    columns = list(schema)
    return pl.concat([split_carried.select(columns), rest.select(columns)]).sort(
        "person_id", "entitlement_month", "kind", "carried")


# --- communes, facts, order --------------------------------------------------------------------------------------


def _facts_expr(register: str) -> pl.Expr:
    """The rules' inputs of each line's month, for its explanation link (``policy.links.explanation_url``)."""
    text = {
        "ncc": ["ncc_category", "ncc_martyr_count", "ncc_injury_rate", "death_date"],
        "tgxh": ["tgxh_category", "birth_date", "death_date"],
        "topup": ["tgxh_category", "birth_date", "is_urban"],
    }[register]
    return pl.struct([pl.col(c).cast(pl.String) for c in text]).alias("facts")


def _attach(register: str, period: int, lines: pl.DataFrame, beneficiaries: sources.Beneficiaries) -> pl.DataFrame:
    """Commune (the one paying at the period), enrolment and rules' facts of each line, the payee's STT."""
    if lines.is_empty():
        return lines.with_columns(pl.lit(None, dtype=pl.Int64).alias("commune_id"),
                                  pl.lit(None, dtype=pl.Int64).alias("enrolment_id"),
                                  pl.lit(None, dtype=pl.String).alias("facts"), pl.lit(0).alias("seq"))
    segments = beneficiaries.segments.with_columns(
        pl.col("death_date").dt.strftime("%Y-%m-%d"), pl.col("birth_date").dt.strftime("%Y-%m-%d"))
    lines = lines.with_row_index("_row").with_columns(
        (pl.col("entitlement_month").dt.year().cast(pl.Int64) * 12
         + pl.col("entitlement_month").dt.month().cast(pl.Int64) - 1).alias("_m"))
    candidates = lines.select("_row", "person_id", "_m").join(segments, on="person_id", how="inner").with_columns(
        # the segment covering the month, else the nearest one before it (a recovery after the death…)
        pl.when((pl.col("start") <= pl.col("_m")) & (pl.col("_m") <= pl.col("end"))).then(0)
        .when(pl.col("start") <= pl.col("_m")).then(pl.col("_m") - pl.col("end"))
        .otherwise(10**6 + pl.col("start") - pl.col("_m")).alias("_distance"))
    best = candidates.sort("_row", "_distance").unique("_row", keep="first").select(
        "_row", "enrolment_id", _facts_expr(register))
    communes = beneficiaries.communes.sort("enrolment_id").unique("person_id", keep="last").select(
        "person_id", "commune_id")
    attached = lines.join(best, on="_row", how="left").join(communes, on="person_id", how="left")
    order = _payee_order(attached["person_id"].unique().to_list())
    attached = attached.join(order, on="person_id", how="left").with_columns(
        pl.col("facts").struct.json_encode().alias("facts"))
    payees = attached.select("commune_id", "person_id", "_village", "_name").unique().sort(
        "commune_id", "_village", "_name", "person_id").with_columns(
        pl.int_range(1, pl.len() + 1).over("commune_id").alias("seq"))
    return attached.join(payees.select("person_id", "commune_id", "seq"), on=["person_id", "commune_id"],
                         how="left").drop("_row", "_m", "_village", "_name")


def _payee_order(person_ids: list[int]) -> pl.DataFrame:
    """Village then name: the order of the agent's list."""
    query = compose("""SELECT p.id AS person_id, COALESCE(h.village, '') AS _village, p.search_key AS _name
                         FROM {persons} p LEFT JOIN {households} h ON h.id = p.household_id
                        WHERE {ids}""", persons=table(Person), households=table(Household),
                    ids=in_clause("p.id", person_ids))
    return read_frame(*query, schema={"person_id": pl.Int64, "_village": pl.String, "_name": pl.String})


def _missing_notes(register: str, beneficiaries: sources.Beneficiaries) -> list[str]:
    if not beneficiaries.missing_category:
        return []
    return [f"{vn_number(beneficiaries.missing_category)} hồ sơ người có công chưa có diện hưởng (ncc_category): chưa "
            "lập chi trả cho họ — bổ sung diện bằng «điều chỉnh mức hưởng» kèm quyết định."]


# --- the sheets -----------------------------------------------------------------------------------------------


def _digest(frame: pl.DataFrame) -> str:
    rows = frame.select("person_id", "enrolment_id", "seq", "entitlement_month", "kind", "amount", "carried",
                        "facts").sort("person_id", "entitlement_month", "kind", "carried")
    return hashlib.sha256(rows.write_csv().encode()).hexdigest()


def _write_sheets(actor, payroll_month: PayrollMonth, lines: pl.DataFrame, result: GenerationResult) -> None:
    existing = {s.commune_id: s for s in PayrollSheet.objects.select_for_update().filter(payroll_month=payroll_month)}
    by_commune = {key[0]: group for key, group in lines.group_by(["commune_id"])} if lines.height else {}
    to_write: list[tuple[PayrollSheet, pl.DataFrame]] = []
    for commune_id in sorted(set(by_commune) | set(existing)):
        frame = by_commune.get(commune_id, lines.head(0))
        digest = _digest(frame)
        sheet = existing.get(commune_id)
        if sheet is None:
            if frame.is_empty():
                continue
            sheet = PayrollSheet.objects.create(payroll_month=payroll_month, register=payroll_month.register,
                                                month=payroll_month.month, commune_id=commune_id, prepared_by=actor)
            SHEET_WORKFLOW.record(sheet, SheetStep.PREPARE, actor=actor, note="Lập từ sổ đối tượng")
            result.created += 1
        elif sheet.digest == digest:
            result.unchanged += 1
            continue
        elif sheet.status != SheetStatus.DRAFT:
            result.frozen_differing += 1
            continue
        else:
            PayrollLine.objects.filter(sheet=sheet).delete()
            result.updated += 1
        to_write.append((sheet, frame))
        _sheet_totals(sheet, frame, digest)
    frames = [frame.with_columns(pl.lit(sheet.pk).alias("sheet_id")) for sheet, frame in to_write if frame.height]
    if frames:
        _insert_lines(payroll_month, pl.concat(frames))
    if result.frozen_differing:
        result.warnings.append(
            f"{vn_number(result.frozen_differing)} xã đã trình hoặc đã gửi bảng chi trả tháng này: thay đổi mới của sổ "
            "đối tượng không ghi vào bảng đã trình, sẽ được tính (truy lĩnh/truy thu) vào tháng sau.")


def _sheet_totals(sheet: PayrollSheet, frame: pl.DataFrame, digest: str) -> None:
    positive = frame.filter(pl.col("amount") > 0)
    sheet.digest = digest
    sheet.person_count = positive["person_id"].n_unique() if positive.height else 0
    sheet.line_count = frame.height
    sheet.amount_total = int(positive["amount"].sum() or 0)
    sheet.recovery_total = int(frame.filter(pl.col("amount") < 0)["amount"].sum() or 0)
    sheet.save(update_fields=["digest", "person_count", "line_count", "amount_total", "recovery_total",
                              "updated_at"])


def _insert_lines(payroll_month: PayrollMonth, frame: pl.DataFrame) -> None:
    start = reserve_ids(LINE_TABLE, frame.height)
    write_frame(LINE_TABLE, frame.select(
        (pl.int_range(pl.len()) + start).alias("id"),
        pl.col("sheet_id"),
        pl.lit(payroll_month.pk).alias("payroll_month_id"),
        pl.lit(payroll_month.register).alias("register"),
        pl.lit(payroll_month.month).alias("month"),
        pl.col("commune_id"),
        pl.col("person_id"),
        pl.col("enrolment_id"),
        pl.col("seq"),
        pl.col("entitlement_month"),
        pl.col("kind"),
        pl.col("amount"),
        pl.col("carried"),
        pl.col("facts"),
    ))


def _month_totals(payroll_month: PayrollMonth, lines: pl.DataFrame, actor, result: GenerationResult) -> None:
    totals = PayrollSheet.objects.filter(payroll_month=payroll_month).values_list(
        "person_count", "line_count", "amount_total", "recovery_total")
    payroll_month.person_count = sum(t[0] for t in totals)
    payroll_month.line_count = sum(t[1] for t in totals)
    payroll_month.amount_total = sum(t[2] for t in totals)
    payroll_month.recovery_total = sum(t[3] for t in totals)
    fields = ["person_count", "line_count", "amount_total", "recovery_total", "warnings", "updated_at"]
    payroll_month.warnings = result.warnings
    if result.changed or not payroll_month.generated_at:
        payroll_month.generated_by, payroll_month.generated_at = actor, timezone.now()
        payroll_month.digest = hashlib.sha256(lines.select("person_id", "entitlement_month", "kind", "amount")
                                              .sort("person_id", "entitlement_month", "kind", "amount")
                                              .write_csv().encode()).hexdigest() if lines.height else ""
        fields += ["generated_by", "generated_at", "digest"]
    result.lines = payroll_month.line_count
    payroll_month.save(update_fields=fields)
