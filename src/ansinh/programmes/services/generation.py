"""Lists of the groups drawn from the standing registers (NQ 42 groups 5–7), set-based.

People come from the registers at the programme's dates: person registers (NCC, TGXH) with an
enrolment open on the first day of the window; household registers (poor, near-poor) with an
enrolment open on the cut-off (31/12/2019) and the household's members on that day. People who died
before the death cut-off (1/4/2020) are left out. Amounts come from the rules (``bridge.compute``,
the group's variable over the programme period), never typed. One draft list per group and commune;
then every check runs over the programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from openfisca_core.errors import ParameterNotFoundError

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.locks import advisory_lock
from ansinh.core.sql import Sql, compose, in_clause, table
from ansinh.policy.variables.common import UnsetParameterError
from ansinh.programmes.checks import CheckSummary
from ansinh.programmes.models import (
    HOUSEHOLD_REGISTERS,
    AmountMode,
    AmountUnit,
    BeneficiaryGroup,
    BeneficiaryList,
    Enrolment,
    EnrolmentEvent,
    Frequency,
    ListEvent,
    ListRow,
    ListSource,
    ListStep,
    Programme,
)
from ansinh.programmes.permissions import require_generator, require_usable
from ansinh.programmes.rules import compute_amounts
from ansinh.programmes.services.checks import lists_check, refresh_totals
from ansinh.registry.models import Household, Membership, Person

ROW_TABLE = ListRow._meta.db_table


@dataclass(frozen=True)
class GenerationResult:
    lists: int
    rows: int
    amount: int
    skipped_existing: int
    checks: CheckSummary | None


def _person_register_sql(registers: list[str], on: dt.date, ncc_categories: list[str] | None = None) -> Sql:
    """The people enrolled in one of the person ``registers`` on the day ``on`` (NCC: of ``ncc_categories`` only,
    when given: a designed group per category, e.g. Tết gifts by category)."""
    categories = (compose("(e.register <> 'ncc' OR {c})", c=in_clause("e.ncc_category", ncc_categories))
                  if ncc_categories else Sql("1 = 1"))
    return compose("""
        SELECT DISTINCT e.person_id, e.commune_id, p.death_date, COALESCE(p.pid, p.cmnd, '') AS identity_number
          FROM {enrolments} e JOIN {people} p ON p.id = e.person_id
         WHERE {registers} AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date > %s) AND {categories}""",
                   on, on, enrolments=table(Enrolment), people=table(Person),
                   registers=in_clause("e.register", registers), categories=categories)


def _household_head_sql(registers: list[str], on: dt.date) -> Sql:
    """The heads of the households enrolled in one of the household ``registers`` on the day ``on`` (a group paid
    per household: one row per household, its head the person paid)."""
    return compose("""
        SELECT DISTINCT h.head_id AS person_id, e.commune_id, p.death_date,
               COALESCE(p.pid, p.cmnd, '') AS identity_number
          FROM {enrolments} e
          JOIN {households} h ON h.id = e.household_id
          JOIN {people} p ON p.id = h.head_id
         WHERE {registers} AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date > %s)""",
                   on, on, enrolments=table(Enrolment), households=table(Household), people=table(Person),
                   registers=in_clause("e.register", registers))


def _household_register_sql(registers: list[str], on: dt.date) -> Sql:
    """The members on the day ``on`` of the households enrolled in one of the household ``registers`` that day."""
    return compose("""
        SELECT DISTINCT m.person_id, e.commune_id, p.death_date, COALESCE(p.pid, p.cmnd, '') AS identity_number
          FROM {enrolments} e
          JOIN {memberships} m ON m.household_id = e.household_id
          JOIN {people} p ON p.id = m.person_id
         WHERE {registers} AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date > %s)
           AND (m.joined_date IS NULL OR m.joined_date <= %s) AND (m.left_date IS NULL OR m.left_date > %s)""",
                   on, on, on, on, enrolments=table(Enrolment), memberships=table(Membership), people=table(Person),
                   registers=in_clause("e.register", registers))


CANDIDATE_SCHEMA = {"person_id": pl.Int64, "commune_id": pl.Int64, "death_date": pl.Date, "identity_number": pl.String}


def group_candidates(programme: Programme, group: BeneficiaryGroup) -> pl.DataFrame:
    """person_id, commune_id, death_date, identity_number of the people the group's registers give."""
    household = [r for r in group.registers if r in HOUSEHOLD_REGISTERS]
    person = [r for r in group.registers if r not in HOUSEHOLD_REGISTERS]
    parts = []
    if person:
        parts.append(read_frame(*_person_register_sql(person, programme.window_start, group.ncc_categories or None),
                                schema=CANDIDATE_SCHEMA))
    if household:
        sql = _household_head_sql if group.amount_unit == AmountUnit.HOUSEHOLD else _household_register_sql
        parts.append(read_frame(*sql(household, programme.register_cutoff), schema=CANDIDATE_SCHEMA))
    if not parts:
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    frame = pl.concat(parts).with_columns(pl.col("identity_number").fill_null(""))
    alive = pl.col("death_date").is_null() | (pl.col("death_date") >= programme.death_cutoff)
    return frame.filter(alive).unique(subset=["person_id"], keep="first").sort("person_id")


def registry_lists_generate(*, programme: Programme, actor: User, group_codes: list[str] | None = None,
                            commune_ids: list[int] | None = None, run_checks: bool = True) -> GenerationResult:
    """Generate the draft lists of the programme's registry groups, one per group and commune.

    Two generations at once are serialised (the second finds the first's lists and skips them)."""
    require_generator(actor)
    require_usable(programme)
    groups = list(programme.groups.filter(source=ListSource.REGISTRY).exclude(amount_mode=AmountMode.DECIDED)
                  .order_by("order"))
    if group_codes:
        groups = [g for g in groups if g.code in group_codes]
    if not groups:
        raise DomainError("Chương trình không có nhóm nào lấy từ danh sách đang hưởng.")
    with transaction.atomic(durable=True):
        advisory_lock(f"programmes.generate.{programme.pk}")
        frames = []
        for group in groups:
            candidates = group_candidates(programme, group)
            if commune_ids is not None:
                candidates = candidates.filter(pl.col("commune_id").is_in(commune_ids))
            frames.append(candidates.with_columns(pl.lit(group.pk, dtype=pl.Int64).alias("group_id")))
        candidates = pl.concat(frames)
        amounts = _amounts(programme, groups, candidates)
        candidates = candidates.join(amounts, on=["person_id", "group_id"], how="left").filter(
            pl.col("group_amount") > 0)
        existing = set(BeneficiaryList.objects.filter(programme=programme, supplements__isnull=True,
                                                      group__in=groups).values_list("group_id", "commune_id"))
        pairs = candidates.select("group_id", "commune_id").unique().sort(["group_id", "commune_id"])
        fresh = [(g, c) for g, c in pairs.iter_rows() if (g, c) not in existing]
        existing_frame = pl.DataFrame(list(existing), schema={"group_id": pl.Int64, "commune_id": pl.Int64},
                                      orient="row")
        candidates = candidates.with_columns(pl.col("group_id").cast(pl.Int64))
        skipped = candidates.join(existing_frame, on=["group_id", "commune_id"], how="semi").height
        lists = _create_lists(programme, actor, fresh)
        list_ids = {(bl.group_id, bl.commune_id): bl.pk for bl in lists}
        key = pl.DataFrame([(g, c, i) for (g, c), i in list_ids.items()],
                           schema={"group_id": pl.Int64, "commune_id": pl.Int64, "list_id": pl.Int64}, orient="row")
        rows = candidates.join(key, on=["group_id", "commune_id"]).join(
            _months_frame(programme, groups), on="group_id", how="left")
        _write_rows(rows)
        summary = lists_check(programme=programme, list_ids=[bl.pk for bl in lists]) if run_checks and lists else None
        if not run_checks:
            refresh_totals([bl.pk for bl in lists])
        audit_record(actor=actor, action="programme.lists_generate", obj=programme,
                     summary=f"Lập {vn_number(len(lists))} danh sách từ danh sách đang hưởng ({vn_number(rows.height)} người).",
                     details={"groups": [g.code for g in groups], "rows": rows.height})
    return GenerationResult(lists=len(lists), rows=rows.height, amount=int(rows["group_amount"].sum() or 0),
                            skipped_existing=skipped, checks=summary)


def _amounts(programme: Programme, groups: list[BeneficiaryGroup], candidates: pl.DataFrame) -> pl.DataFrame:
    """Each (person, group)'s amount: the group's fixed amount (× its months), or its rules variable over the
    programme period (the group's condition input true for its people)."""
    fixed = [g for g in groups if g.amount_mode == AmountMode.FIXED]
    ruled = [g for g in groups if g.amount_mode == AmountMode.RULES]
    parts = [candidates.filter(pl.col("group_id") == g.pk).select(
        "person_id", pl.lit(g.pk, dtype=pl.Int64).alias("group_id"),
        pl.lit(g.fixed_total, dtype=pl.Int64).alias("group_amount")) for g in fixed]
    if ruled:
        conditions = sorted({g.input_variable for g in ruled if g.input_variable})
        people = candidates.group_by("person_id").agg(
            pl.col("death_date").first(),
            *[pl.col("group_id").is_in([g.pk for g in ruled if g.input_variable == c]).any().alias(c)
              for c in conditions])
        facts = rules_facts(people["person_id"], programme.window_start)
        inputs = people.join(facts, on="person_id", how="left").select(
            "person_id", pl.col("person_id").alias("household_id"), pl.lit("head").alias("role"), *conditions,
            pl.col("death_date").fill_null(pl.date(9999, 12, 31)).alias("death_date"),
            pl.col("birth_date").fill_null(pl.lit(PLACEHOLDER_BIRTH)),
            pl.col("ncc_category").fill_null("none"), pl.col("ncc_martyr_count").fill_null(0),
            pl.col("ncc_injury_rate").fill_null(0), pl.col("tgxh_category").fill_null("none"))
        households = inputs.select("household_id").join(
            facts.select(pl.col("person_id").alias("household_id"), pl.col("is_urban").fill_null(False)
                         .alias("household_is_urban")), on="household_id", how="left").with_columns(
            pl.col("household_is_urban").fill_null(False))
        try:
            computed, _ = compute_amounts(programme, inputs, sorted({g.rules_variable for g in ruled}), households)
        except (UnsetParameterError, ParameterNotFoundError) as error:
            raise DomainError(
                "Bộ quy tắc chưa có giá trị tham số cần cho số tiền của nhóm trong thời gian chương trình "
                f"({error}). Quản trị viên cần nhập và phê duyệt giá trị này (mục «Tham số chính sách») "
                "trước khi lập danh sách.") from None
        parts += [candidates.filter(pl.col("group_id") == g.pk).select("person_id").join(
            computed.select("person_id", pl.col(g.rules_variable).cast(pl.Int64).alias("group_amount")),
            on="person_id").select("person_id", pl.lit(g.pk, dtype=pl.Int64).alias("group_id"), "group_amount")
            for g in ruled]
    return pl.concat(parts) if parts else pl.DataFrame(
        schema={"person_id": pl.Int64, "group_id": pl.Int64, "group_amount": pl.Int64})


PLACEHOLDER_BIRTH = dt.date(1900, 1, 1)  # a person without a birth date: no rule of the facts below reads it then


def rules_facts(person_ids: pl.Series, on: dt.date) -> pl.DataFrame:
    """The facts of the standing registers the rules read, for each of ``person_ids`` on the day ``on``: birth date,
    urban household, NCC category / martyrs / injury rate and TGXH category of the enrolment open that day, as
    changed by its recorded changes (``EnrolmentEvent``) effective by then. A group «by rule» paid by, say, the
    NCC monthly allowance is computed from the person's own facts, not from empty inputs (0 đ)."""
    if person_ids.is_empty():
        return pl.DataFrame(schema=FACTS_SCHEMA)
    wanted = pl.DataFrame({"person_id": person_ids.cast(pl.Int64).unique()})
    people = read_frame(*compose(
        """SELECT p.id AS person_id, p.birth_date, h.is_urban FROM {people} p
             LEFT JOIN {households} h ON h.id = p.household_id WHERE p.merged_into_id IS NULL""",
        people=table(Person), households=table(Household)),
        schema={"person_id": pl.Int64, "birth_date": pl.Date, "is_urban": pl.Boolean}).join(wanted, on="person_id")
    enrolments = read_frame(*compose(
        """SELECT e.id AS enrolment_id, e.person_id, e.register, e.ncc_category, e.ncc_martyr_count,
                  e.ncc_injury_rate, e.tgxh_category
             FROM {enrolments} e
            WHERE e.register IN ('ncc', 'tgxh') AND e.person_id IS NOT NULL AND e.start_date <= %s
              AND (e.end_date IS NULL OR e.end_date > %s)
            ORDER BY e.start_date, e.id""", on, on, enrolments=table(Enrolment)),
        schema=ENROLMENT_FACTS_SCHEMA).join(wanted, on="person_id")
    if not enrolments.is_empty():
        changes = read_frame(*compose(
            """SELECT ev.enrolment_id, ev.ncc_category, ev.ncc_martyr_count, ev.ncc_injury_rate, ev.tgxh_category
                 FROM {events} ev JOIN {enrolments} e ON e.id = ev.enrolment_id
                WHERE e.register IN ('ncc', 'tgxh') AND ev.effective_month <= %s
                ORDER BY ev.effective_month, ev.id""", on, events=table(EnrolmentEvent), enrolments=table(Enrolment)),
            schema={k: v for k, v in ENROLMENT_FACTS_SCHEMA.items() if k not in ("person_id", "register")})
        blank = [pl.when(pl.col(c).cast(pl.String).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
                 for c in ("ncc_category", "tgxh_category")]
        latest = changes.with_columns(blank).group_by("enrolment_id", maintain_order=True).agg(
            pl.col(c).drop_nulls().last().alias(f"_{c}") for c in FACT_COLUMNS)
        enrolments = enrolments.with_columns(blank).join(latest, on="enrolment_id", how="left").with_columns(
            pl.coalesce(f"_{c}", c).alias(c) for c in FACT_COLUMNS)
    ncc = enrolments.filter(pl.col("register") == "ncc").group_by("person_id").agg(
        pl.col("ncc_category", "ncc_martyr_count", "ncc_injury_rate").last())
    tgxh = enrolments.filter(pl.col("register") == "tgxh").group_by("person_id").agg(pl.col("tgxh_category").last())
    return people.join(ncc, on="person_id", how="left").join(tgxh, on="person_id", how="left").select(
        list(FACTS_SCHEMA))


FACT_COLUMNS = ("ncc_category", "ncc_martyr_count", "ncc_injury_rate", "tgxh_category")
ENROLMENT_FACTS_SCHEMA = {"enrolment_id": pl.Int64, "person_id": pl.Int64, "register": pl.String,
                          "ncc_category": pl.String, "ncc_martyr_count": pl.Int64, "ncc_injury_rate": pl.Int64,
                          "tgxh_category": pl.String}
FACTS_SCHEMA = {"person_id": pl.Int64, "birth_date": pl.Date, "is_urban": pl.Boolean, "ncc_category": pl.String,
                "ncc_martyr_count": pl.Int64, "ncc_injury_rate": pl.Int64, "tgxh_category": pl.String}


def group_months(programme: Programme, group: BeneficiaryGroup) -> int:
    """The months a row of the group shows: the window (rules groups), the group's months, 0 for a one-off."""
    if group.amount_mode == AmountMode.FIXED:
        return (group.months or 0) if group.frequency == Frequency.MONTHLY else 0
    return programme_months(programme)


def _months_frame(programme: Programme, groups: list[BeneficiaryGroup]) -> pl.DataFrame:
    return pl.DataFrame({"group_id": [g.pk for g in groups], "months": [group_months(programme, g) for g in groups]},
                        schema={"group_id": pl.Int64, "months": pl.Int64})


def _create_lists(programme: Programme, actor: User, pairs: list[tuple[int, int]]) -> list[BeneficiaryList]:
    lists = BeneficiaryList.objects.bulk_create([
        BeneficiaryList(programme=programme, group_id=g, commune_id=c, source=ListSource.REGISTRY,
                        overlap_rule=programme.overlap_rule, prepared_by=actor) for g, c in pairs])
    if lists and lists[0].pk is None:  # backends without RETURNING
        by_pair = {(bl.group_id, bl.commune_id): bl for bl in BeneficiaryList.objects.filter(
            programme=programme, supplements__isnull=True)}
        lists = [by_pair[p] for p in pairs]
    ListEvent.objects.bulk_create([
        ListEvent(beneficiary_list=bl, step=ListStep.PREPARE, to_status=bl.status, actor=actor,
                  note="Lập từ danh sách đang hưởng tại ngày chốt") for bl in lists])
    return lists


def programme_months(programme: Programme) -> int:
    start, end = programme.window_start, programme.window_end
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _write_rows(rows: pl.DataFrame) -> None:
    start = reserve_ids(ROW_TABLE, rows.height)
    write_frame(ROW_TABLE, rows.sort(["list_id", "person_id"]).select(
        (pl.int_range(pl.len()) + start).alias("id"), pl.col("list_id").alias("beneficiary_list_id"), "person_id",
        "identity_number", "months", "group_amount", pl.col("group_amount").alias("amount"),
        pl.lit(False).alias("excluded"), pl.lit(None, dtype=pl.Int64).alias("source_row"),
        pl.lit("{}").alias("inputs"), pl.lit("").alias("return_reason")))

