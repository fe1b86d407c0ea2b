"""Lists of the groups drawn from the standing registers (NQ 42 groups 5–7), set-based.

People come from the registers at the programme's dates: person registers (NCC, TGXH) with an
enrolment open on the first day of the window; household registers (poor, near-poor) with an
enrolment open on the cut-off (31/12/2019) and the household's members on that day. People who died
before the death cut-off (1/4/2020) are left out. Amounts come from the rules (``bridge.compute``,
the group's variable over the programme period), never typed. One draft list per group and commune;
then every check runs over the programme.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.errors import DomainError
from ansinh.programmes.checks import CheckSummary, lists_check
from ansinh.programmes.models import (
    HOUSEHOLD_REGISTERS,
    BeneficiaryGroup,
    BeneficiaryList,
    ListRow,
    ListSource,
    Programme,
    WorkflowEvent,
)
from ansinh.programmes.permissions import require_step
from ansinh.programmes.rules import compute_amounts

ROW_TABLE = ListRow._meta.db_table


@dataclass(frozen=True)
class GenerationResult:
    lists: int
    rows: int
    amount: int
    skipped_existing: int
    checks: CheckSummary | None


def _person_register_sql(registers: list[str], on: str) -> str:
    names = ", ".join(f"'{r}'" for r in registers)
    return f"""
        SELECT DISTINCT e.person_id, e.commune_id, p.death_date, COALESCE(p.pid, p.cmnd, '') AS identity_number
          FROM programmes_enrolment e JOIN registry_person p ON p.id = e.person_id
         WHERE e.register IN ({names}) AND e.start_date <= '{on}' AND (e.end_date IS NULL OR e.end_date > '{on}')"""


def _household_register_sql(registers: list[str], on: str) -> str:
    names = ", ".join(f"'{r}'" for r in registers)
    return f"""
        SELECT DISTINCT m.person_id, e.commune_id, p.death_date, COALESCE(p.pid, p.cmnd, '') AS identity_number
          FROM programmes_enrolment e
          JOIN registry_membership m ON m.household_id = e.household_id
          JOIN registry_person p ON p.id = m.person_id
         WHERE e.register IN ({names}) AND e.start_date <= '{on}' AND (e.end_date IS NULL OR e.end_date > '{on}')
           AND (m.joined_date IS NULL OR m.joined_date <= '{on}') AND (m.left_date IS NULL OR m.left_date > '{on}')"""


CANDIDATE_SCHEMA = {"person_id": pl.Int64, "commune_id": pl.Int64, "death_date": pl.Date, "identity_number": pl.String}


def group_candidates(programme: Programme, group: BeneficiaryGroup) -> pl.DataFrame:
    """person_id, commune_id, death_date, identity_number of the people the group's registers give."""
    household = [r for r in group.registers if r in HOUSEHOLD_REGISTERS]
    person = [r for r in group.registers if r not in HOUSEHOLD_REGISTERS]
    parts = []
    if person:
        parts.append(read_frame(_person_register_sql(person, programme.window_start.isoformat()),
                                schema=CANDIDATE_SCHEMA))
    if household:
        parts.append(read_frame(_household_register_sql(household, programme.register_cutoff.isoformat()),
                                schema=CANDIDATE_SCHEMA))
    if not parts:
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    frame = pl.concat(parts).with_columns(pl.col("identity_number").fill_null(""))
    alive = pl.col("death_date").is_null() | (pl.col("death_date") >= programme.death_cutoff)
    return frame.filter(alive).unique(subset=["person_id"], keep="first").sort("person_id")


def registry_lists_generate(*, programme: Programme, actor: User, group_codes: list[str] | None = None,
                            commune_ids: list[int] | None = None, run_checks: bool = True) -> GenerationResult:
    """Generate the draft lists of the programme's registry groups, one per group and commune."""
    require_step(actor, "generate")
    groups = list(programme.groups.filter(source=ListSource.REGISTRY).order_by("order"))
    if group_codes:
        groups = [g for g in groups if g.code in group_codes]
    if not groups:
        raise DomainError("Chương trình không có nhóm nào lấy từ danh sách đang hưởng.")
    with transaction.atomic():
        frames = []
        for group in groups:
            candidates = group_candidates(programme, group)
            if commune_ids is not None:
                candidates = candidates.filter(pl.col("commune_id").is_in(commune_ids))
            frames.append(candidates.with_columns(pl.lit(group.pk).alias("group_id")))
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
        rows = candidates.join(key, on=["group_id", "commune_id"])
        _write_rows(rows, months=programme_months(programme))
        summary = lists_check(programme=programme, list_ids=[bl.pk for bl in lists]) if run_checks and lists else None
        if not run_checks:
            from ansinh.programmes.checks import refresh_totals

            refresh_totals([bl.pk for bl in lists])
        audit_record(actor=actor, action="programme.lists_generate", obj=programme,
                     summary=f"Lập {len(lists)} danh sách từ danh sách đang hưởng ({rows.height} người).",
                     details={"groups": [g.code for g in groups], "rows": rows.height})
    return GenerationResult(lists=len(lists), rows=rows.height, amount=int(rows["group_amount"].sum() or 0),
                            skipped_existing=skipped, checks=summary)


def _amounts(programme: Programme, groups: list[BeneficiaryGroup], candidates: pl.DataFrame) -> pl.DataFrame:
    """Each (person, group)'s amount from the group's rules variable over the programme period."""
    people = candidates.group_by("person_id").agg(
        pl.col("death_date").first(), *[(pl.col("group_id") == g.pk).any().alias(g.input_variable) for g in groups])
    inputs = people.select(
        "person_id", pl.col("person_id").alias("household_id"), pl.lit("head").alias("role"),
        *[g.input_variable for g in groups],
        pl.col("death_date").fill_null(pl.date(9999, 12, 31)).alias("death_date"))
    computed, _ = compute_amounts(programme, inputs, [g.rules_variable for g in groups])
    return pl.concat([
        computed.select("person_id", pl.lit(g.pk).alias("group_id"), pl.col(g.rules_variable).cast(pl.Int64)
                        .alias("group_amount")) for g in groups])


def _create_lists(programme: Programme, actor: User, pairs: list[tuple[int, int]]) -> list[BeneficiaryList]:
    lists = BeneficiaryList.objects.bulk_create([
        BeneficiaryList(programme=programme, group_id=g, commune_id=c, source=ListSource.REGISTRY,
                        overlap_rule=programme.overlap_rule, prepared_by=actor) for g, c in pairs])
    if lists and lists[0].pk is None:  # backends without RETURNING
        by_pair = {(bl.group_id, bl.commune_id): bl for bl in BeneficiaryList.objects.filter(
            programme=programme, supplements__isnull=True)}
        lists = [by_pair[p] for p in pairs]
    WorkflowEvent.objects.bulk_create([
        WorkflowEvent(beneficiary_list=bl, action="prepare", to_status=bl.status, actor=actor,
                      note="Lập từ danh sách đang hưởng tại ngày chốt") for bl in lists])
    return lists


def programme_months(programme: Programme) -> int:
    start, end = programme.window_start, programme.window_end
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _write_rows(rows: pl.DataFrame, *, months: int) -> None:
    start = reserve_ids(ROW_TABLE, rows.height)
    write_frame(ROW_TABLE, rows.sort(["list_id", "person_id"]).select(
        (pl.int_range(pl.len()) + start).alias("id"), pl.col("list_id").alias("beneficiary_list_id"), "person_id",
        "identity_number", pl.lit(months).alias("months"), "group_amount", pl.col("group_amount").alias("amount"),
        pl.lit(False).alias("excluded"), pl.lit(None, dtype=pl.Int64).alias("source_row"),
        pl.lit("{}").alias("inputs"), pl.lit("").alias("return_reason")))

