"""The supply register: the yearly campaign, corrections, the review queue, and the set-based write of a checked
supply file (called by the ``labour_supply`` import kind inside the lifecycle's transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import reserve_ids, write_frame
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.sql import Sql, compose, identifier
from ansinh.labour.checks import campaign_window, reference_date, under_age_problem
from ansinh.labour.models import SupplyCampaign, SupplyCandidate, SupplyImport, SupplyRecord
from ansinh.labour.models.choices import (
    CampaignStatus,
    CandidateStatus,
    EconomicStatus,
    EmploymentPosition,
    GeneralEducation,
    InactiveReason,
    MatchMethod,
    Qualification,
    Sector,
    WorkplaceType,
)
from ansinh.labour.permissions import require_campaign_manager, require_supply_writer
from ansinh.labour.services._common import save_or_refuse

# ---------------------------------------------------------------- the campaign


@transaction.atomic(durable=True)
def campaign_open(*, actor: User, year: int, start_date: dt.date | None = None, note: str = "") -> SupplyCampaign:
    """Open the yearly update (from 1 July for 30 days unless another start is given)."""
    require_campaign_manager(actor)
    if not 2015 <= year <= 2100:
        raise DomainError("Năm cập nhật không hợp lệ.", field="year")
    start, end = campaign_window(year)
    if start_date is not None:
        if start_date.year != year:
            raise DomainError(f"Ngày bắt đầu phải thuộc năm {year}.", field="start_date")
        start, end = start_date, start_date + (end - start)
    campaign = save_or_refuse(lambda: SupplyCampaign.objects.create(
        year=year, start_date=start, end_date=end, note=note[:300], opened_by=actor),
        f"Đã có đợt cập nhật cung lao động năm {year}.", field="year")
    audit_record(actor=actor, action="labour_campaign.open", obj=campaign,
                 summary=f"Mở đợt cập nhật cung lao động năm {year} ({start:%d/%m/%Y}–{end:%d/%m/%Y})")
    return campaign


@transaction.atomic(durable=True)
def campaign_close(*, actor: User, campaign: SupplyCampaign) -> SupplyCampaign:
    require_campaign_manager(actor)
    locked = SupplyCampaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.CLOSED:
        raise ConcurrentChange(f"Đợt cập nhật năm {locked.year} đã kết thúc trước đó.")
    locked.status = CampaignStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="labour_campaign.close", obj=locked,
                 summary=f"Kết thúc đợt cập nhật cung lao động năm {locked.year}")
    return locked


# ---------------------------------------------------------------- one record


@dataclass(frozen=True)
class SupplyAnswers:
    """What the form of one person says (TT 01/2022, Điều 7, points b–e)."""

    status: str
    general_education: str = ""
    qualification: str = Qualification.NONE
    field_of_training: str = ""
    job_title: str = ""
    position: str = ""
    workplace_name: str = ""
    workplace_type: str = ""
    sector: str = ""
    workplace_address: str = ""
    previous_job: str = ""
    unemployed_months: int | None = None
    inactive_reason: str = ""
    training_need: str = ""
    job_need: str = ""


def answers_problems(a: SupplyAnswers) -> list[tuple[str, str]]:
    """(field, message) for answers that contradict each other or are not in the classifications."""
    problems = []
    choices = (("status", EconomicStatus), ("general_education", GeneralEducation), ("qualification", Qualification),
               ("position", EmploymentPosition), ("workplace_type", WorkplaceType), ("sector", Sector),
               ("inactive_reason", InactiveReason))
    for name, enum in choices:
        value = getattr(a, name)
        if value and value not in enum.values:
            problems.append((name, f"Giá trị «{value}» không có trong danh mục."))
    if not a.status:
        problems.append(("status", "Tình trạng hoạt động kinh tế: không được để trống."))
    job = a.job_title or a.workplace_name or a.position
    if a.status != EconomicStatus.EMPLOYED and job:
        problems.append(("job_title", "Chỉ ghi công việc, vị thế việc làm, nơi làm việc cho người đang có việc làm."))
    if a.status != EconomicStatus.UNEMPLOYED and (a.previous_job or a.unemployed_months is not None):
        problems.append(("previous_job", "Chỉ ghi công việc trước đây, thời gian thất nghiệp cho người thất nghiệp."))
    if a.status != EconomicStatus.INACTIVE and a.inactive_reason:
        problems.append(("inactive_reason", "Chỉ ghi lý do không tham gia hoạt động kinh tế cho người không tham gia."))
    if a.unemployed_months is not None and not 0 <= a.unemployed_months <= 600:
        problems.append(("unemployed_months", "Thời gian thất nghiệp phải từ 0 đến 600 tháng."))
    return problems


@transaction.atomic(durable=True)
def supply_record_update(*, actor: User, record: SupplyRecord, answers: SupplyAnswers) -> SupplyRecord:
    """Correct the answers of one record (the update campaign, or a change later in the year)."""
    require_supply_writer(actor, record.commune_id)
    problems = answers_problems(answers)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    locked = SupplyRecord.objects.select_for_update().get(pk=record.pk)
    values = asdict(answers)
    before = {name: getattr(locked, name) for name in values}
    for name, value in values.items():
        setattr(locked, name, value if value is not None or name == "unemployed_months" else "")
    locked.recorded_by = actor
    locked.save(update_fields=[*values, "recorded_by", "updated_at"])
    changed = {k: [str(before[k]), str(v)] for k, v in values.items() if before[k] != v}
    audit_record(actor=actor, action="labour_supply.update", obj=locked,
                 summary=f"Sửa phiếu cung lao động {locked.year}: {locked.full_name}", details={"changed": changed})
    return locked


# ---------------------------------------------------------------- the review queue


def _lock_pending(record: SupplyRecord) -> SupplyRecord:
    locked = SupplyRecord.objects.select_for_update().get(pk=record.pk)
    if locked.match != MatchMethod.PENDING:
        raise ConcurrentChange(f"Phiếu của {locked.full_name} đã được đối chiếu trước đó "
                               f"(«{locked.get_match_display()}»); hãy tải lại trang.")
    return locked


@transaction.atomic(durable=True)
def candidate_accept(*, actor: User, candidate: SupplyCandidate) -> SupplyRecord:
    """«Same person»: the record gets the registry person; the other candidates are set aside."""
    record = _lock_pending(candidate.record)
    require_supply_writer(actor, record.commune_id)
    person = candidate.person
    if person.merged_into_id:
        raise DomainError(f"{person.full_name} đã được gộp vào một người khác trong CSDL; chọn người được giữ lại.")
    taken = SupplyRecord.objects.filter(person=person, year=record.year).exclude(pk=record.pk).first()
    if taken is not None:
        raise DomainError(f"{person.full_name} đã có phiếu cung lao động năm {record.year} (phiếu số {taken.pk}, "
                          f"{taken.commune}): một người chỉ có một phiếu mỗi năm.")
    problem = under_age_problem(person.birth_date, reference_date(record.year), what="sổ cung lao động")
    if problem:
        raise DomainError(f"{person.full_name}: {problem}")
    record.person, record.match = person, MatchMethod.REVIEWED
    save_or_refuse(lambda: record.save(update_fields=["person", "match", "updated_at"]),
                   f"{person.full_name} đã có phiếu cung lao động năm {record.year}.")
    now = timezone.now()
    SupplyCandidate.objects.filter(pk=candidate.pk).update(status=CandidateStatus.ACCEPTED, decided_by=actor,
                                                           decided_at=now)
    SupplyCandidate.objects.filter(record=record).exclude(pk=candidate.pk).update(
        status=CandidateStatus.REJECTED, decided_by=actor, decided_at=now)
    audit_record(actor=actor, action="labour_supply.match_accept", obj=record,
                 summary=f"Đối chiếu phiếu {record.full_name} ({record.year}) với nhân khẩu #{person.pk}",
                 details={"person": person.pk, "probability": candidate.probability})
    return record


@transaction.atomic(durable=True)
def record_not_found(*, actor: User, record: SupplyRecord) -> SupplyRecord:
    """«None of them»: the record stays without a person, marked for registration in the registry."""
    record = _lock_pending(record)
    require_supply_writer(actor, record.commune_id)
    record.match = MatchMethod.NOT_FOUND
    record.save(update_fields=["match", "updated_at"])
    SupplyCandidate.objects.filter(record=record, status=CandidateStatus.PENDING).update(
        status=CandidateStatus.REJECTED, decided_by=actor, decided_at=timezone.now())
    audit_record(actor=actor, action="labour_supply.match_reject", obj=record,
                 summary=f"Phiếu {record.full_name} ({record.year}): không phải người nào được đề xuất")
    return record


# ---------------------------------------------------------------- the checked file

RECORD_COLUMNS = ("year", "commune_id", "person_id", "match", "identity_number", "full_name", "sex", "birth_date",
                  "birth_precision", "ethnicity_code", "general_education", "qualification", "field_of_training",
                  "status", "job_title", "position", "workplace_name", "workplace_type", "sector", "workplace_address",
                  "previous_job", "unemployed_months", "inactive_reason", "training_need", "job_need")
TEXT_COLUMNS = ("identity_number", "ethnicity_code", "general_education", "field_of_training", "job_title", "position",
                "workplace_name", "workplace_type", "sector", "workplace_address", "previous_job", "inactive_reason",
                "training_need", "job_need")


REBUILD_ABOVE = 50_000


def _estimated_rows(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _deferred_load(name: str, write) -> int:
    """PostgreSQL, a load bigger than the table: the table is locked, its foreign keys and secondary indexes (the
    unique person-and-year index included) are taken off, the rows copied, then the indexes rebuilt and the keys
    validated in one pass each — as pg_restore does. A duplicate or a dangling key still fails the whole
    transaction, so nothing is half written."""
    table_sql = identifier(name)
    with connection.cursor() as cursor:
        # rows written earlier in this transaction have deferred key checks pending: run them now (PostgreSQL
        # refuses to alter a table with pending trigger events)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(*compose("LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE", t=table_sql))
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid = %s::regclass", [name])
        keys = cursor.fetchall()
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                       "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [name])
        indexes = cursor.fetchall()
        for key, _definition in keys:
            cursor.execute(*compose("ALTER TABLE {t} DROP CONSTRAINT {k}", t=table_sql, k=identifier(key)))
        for index, _definition in indexes:
            cursor.execute(*compose("DROP INDEX {i}", i=identifier(index)))
    written = write()
    with connection.cursor() as cursor:  # definitions PostgreSQL itself wrote for what was just dropped
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _index, definition in indexes:
            cursor.execute(definition)
        for key, definition in keys:
            cursor.execute(*compose("ALTER TABLE {t} ADD CONSTRAINT {k} {d}", t=table_sql, k=identifier(key),
                                    d=Sql(definition)))
    return written


def supply_rows_write(*, record: SupplyImport, valid: pl.DataFrame, candidates: pl.DataFrame, actor: User,
                      progress=None) -> tuple[int, int]:
    """Write the valid rows of a checked supply file, and the model's candidates of the rows without a person, in
    the caller's transaction (COPY on PostgreSQL; a load bigger than the register rebuilds its indexes after).
    ``valid``: ``RECORD_COLUMNS`` plus ``_row``; ``candidates``: ``_row``, ``person_id``, ``rank``, ``probability``,
    ``agreed_fields``. Returns (records, candidates)."""
    now = timezone.now()
    name = SupplyRecord._meta.db_table
    start = reserve_ids(name, valid.height)
    rows = valid.with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + start).alias("id"),
        *[pl.col(c).fill_null("") for c in TEXT_COLUMNS],
        pl.col("qualification").fill_null(Qualification.NONE),
        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
        pl.lit(record.pk, dtype=pl.Int64).alias("source_import_id"), pl.lit(actor.pk, dtype=pl.Int64).alias("recorded_by_id"),
    ).sort("person_id", nulls_last=True)  # in index order: the unique (person, year) index fills sequentially

    def write() -> int:
        return write_frame(name, rows.select("id", "created_at", "updated_at", *RECORD_COLUMNS, "source_import_id",
                                             pl.col("_row").cast(pl.Int64).alias("source_row"), "recorded_by_id"),
                           progress=(lambda n: progress(int(n * 90 / max(rows.height, 1)), "Đang ghi phiếu"))
                           if progress else None)

    big = connection.vendor == "postgresql" and rows.height > max(REBUILD_ABOVE, _estimated_rows(name))
    written = _deferred_load(name, write) if big else write()
    pairs = candidates.join(rows.select("_row", pl.col("id").alias("record_id")), on="_row", how="inner")
    if pairs.height:
        first = reserve_ids(SupplyCandidate._meta.db_table, pairs.height)
        write_frame(SupplyCandidate._meta.db_table, pairs.select(
            (pl.int_range(pl.len(), dtype=pl.Int64) + first).alias("id"), "record_id", "person_id", "rank",
            "probability", pl.col("agreed_fields").fill_null(""), pl.lit(CandidateStatus.PENDING).alias("status")))
    return written, pairs.height
