"""Worlds and helpers for the reliability tests: a posted list with its payment batch built set-based, files, and
two real database connections released at the same instant."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from django.db import connection, connections, transaction

from ansinh.accounts.models import Role, User
from ansinh.core.bulk import reserve_ids, write_frame
from ansinh.core.text import fold
from ansinh.demo.vn_names import numbered_name
from ansinh.programmes.definitions import COVID_2020
from ansinh.programmes.models import BeneficiaryList, ListStep
from ansinh.programmes.permissions import LIST_WORKFLOW
from ansinh.registry.bulk import bulk_insert_registry

DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}
AMOUNT = 750_000
RESULT_HEADERS = ["STT", "Họ và tên", "Số định danh", "Số tiền", "Kết quả", "Ngày chi trả", "Số tiền đã chi",
                  "Lý do không chi trả", "Kinh phí hoàn trả"]



@pytest.fixture
def postgres():
    """Two real connections at once need PostgreSQL (SQLite serialises every writer; its test database lives in
    one connection's memory)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")


def at_once(*calls: Callable[[], object], timeout: float = 120) -> list[tuple[object | None, BaseException | None]]:
    """Run each call in its own thread (its own database connection), released together by a barrier.
    Returns (result, exception) per call, in order."""
    barrier = threading.Barrier(len(calls))
    out: list[tuple[object | None, BaseException | None]] = [(None, None)] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            out[i] = (call(), None)
        except BaseException as err:  # collected and asserted by the test
            out[i] = (None, err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return out


def make_user(name: str, role: str, area) -> User:
    return User.objects.create_user(username=name, password=None, role=role, area=area, last_name="Thử",
                                    first_name=name)


def people(commune, rows: int, *, prefix: str = "RL") -> list[int]:
    """``rows`` one-person households in ``commune`` through the registry bulk path; their person ids (codes and
    numbers continue after the people already there)."""
    from ansinh.registry.models import Person

    offset = Person.objects.count()
    i = pl.int_range(offset, offset + rows, eager=True)
    names = [numbered_name(k, "Nguyễn Văn Thử") for k in range(offset, offset + rows)]
    births = [dt.date(1950, 1, 1) + dt.timedelta(days=k % 9000) for k in range(offset, offset + rows)]
    persons = pl.DataFrame({
        "person_id": i, "household_id": i, "relationship": "head", "full_name": names,
        "search_key": [fold(n) for n in names], "sex": "M", "birth_date": births, "birth_precision": "day",
        "ethnicity_code": "01", "phone": "", "commune_id": commune.pk,
    }).with_columns(
        pl.format("0420{}{}", (pl.col("birth_date").dt.year() % 100).cast(pl.String).str.zfill(2),
                  (pl.col("person_id") + 500_000).cast(pl.String).str.zfill(6)).alias("pid"),
        pl.lit(None, dtype=pl.String).alias("cmnd"), pl.lit(None, dtype=pl.String).alias("social_insurance_no"),
        pl.lit(None, dtype=pl.Date).alias("death_date"), pl.lit(dt.date(2015, 1, 1)).alias("joined_date"))
    households = pl.DataFrame({"household_id": i}).with_columns(
        pl.format(prefix + "{}", pl.col("household_id").cast(pl.String).str.zfill(7)).alias("code"),
        pl.lit(commune.pk).alias("commune_id"), pl.lit(commune.pk).alias("recorded_commune_id"),
        pl.lit("Thôn 1").alias("village"), pl.lit("").alias("address_detail"), pl.lit(False).alias("is_urban"),
        pl.col("household_id").alias("head_person_id"))
    with transaction.atomic():
        bulk_insert_registry(households=households, persons=persons)
    codes = households["code"].to_list()
    return list(Person.objects.filter(household__code__in=codes).order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def cast(province, commune_a):
    officer = make_user("rl_xa", Role.COMMUNE_OFFICER, commune_a)
    return {"officer": officer, "specialist": make_user("rl_so", Role.PROVINCIAL_SPECIALIST, province),
            "appraiser": make_user("rl_so2", Role.PROVINCIAL_SPECIALIST, province),
            "leader": make_user("rl_lanhdao", Role.LEADER, province),
            "agent": make_user("rl_buudien", Role.PAYMENT_AGENT, province),
            "admin": make_user("rl_quantri", Role.ADMINISTRATOR, province)}


def posted_batch(cast, commune, rows: int):
    """A group 7 list of ``rows`` people, approved and posted, and its post-office batch."""
    from ansinh.payments import services as payments
    from ansinh.programmes.services import workflow
    from ansinh.programmes.services.programmes import programme_from_definition

    programme = programme_from_definition(definition=COVID_2020, actor=cast["specialist"], province_code="42")
    group = programme.groups.get(code="7")
    person_ids = people(commune, rows)
    bl = BeneficiaryList.objects.create(programme=programme, group=group, commune=commune, source="registry",
                                        overlap_rule=programme.overlap_rule, prepared_by=cast["specialist"])
    LIST_WORKFLOW.record(bl, ListStep.PREPARE, actor=cast["specialist"], note="thử")
    with transaction.atomic():
        start = reserve_ids("programmes_listrow", len(person_ids))
        write_frame("programmes_listrow", pl.DataFrame({
            "id": pl.int_range(start, start + len(person_ids), eager=True), "beneficiary_list_id": bl.pk,
            "person_id": person_ids, "identity_number": "", "months": 3, "group_amount": AMOUNT, "amount": AMOUNT,
            "excluded": False, "source_row": None, "inputs": "{}", "return_reason": ""},
            schema_overrides={"source_row": pl.Int64}))
    bl = workflow.list_submit(actor=cast["specialist"], beneficiary_list=bl)
    bl = workflow.list_appraise(actor=cast["appraiser"], beneficiary_list=bl)
    bl = workflow.list_approve(actor=cast["leader"], beneficiary_list=bl, **DECISION)
    bl = workflow.list_post(actor=cast["specialist"], beneficiary_list=bl)
    return payments.batch_create(actor=cast["specialist"], beneficiary_list=bl, agent=cast["agent"])


def results_csv(batch, path: Path, *, unpaid_every: int = 0, paid_date: str = "15/05/2020",
                name_of: Callable[[str], str] | None = None) -> Path:
    """The agent's results for every line of ``batch``: all paid, or every ``unpaid_every``-th one unpaid."""
    from ansinh.payments.selectors import batch_lines_frame

    lines = batch_lines_frame(batch)
    unpaid = (pl.col("seq") % unpaid_every == 0) if unpaid_every else pl.lit(False)
    frame = lines.select(
        pl.col("seq").alias("STT"), pl.col("full_name").alias("Họ và tên"), pl.col("identity").alias("Số định danh"),
        pl.col("amount").alias("Số tiền"),
        pl.when(unpaid).then(pl.lit("Chưa chi trả")).otherwise(pl.lit("Đã chi trả")).alias("Kết quả"),
        pl.when(unpaid).then(pl.lit("")).otherwise(pl.lit(paid_date)).alias("Ngày chi trả"),
        pl.when(unpaid).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
        pl.when(unpaid).then(pl.lit("Vắng mặt")).otherwise(pl.lit("")).alias("Lý do không chi trả"),
        pl.when(unpaid).then(pl.col("amount")).otherwise(0).alias("Kinh phí hoàn trả"))
    if name_of is not None:
        frame = frame.with_columns(pl.col("Họ và tên").map_elements(name_of, return_dtype=pl.String))
    frame.write_csv(path)
    return path
