"""Faults replayed on PostgreSQL (issue #9): two processes released at the same instant, ``kill -9`` in the middle
of commits. For each case, the effects counted in the database afterwards, in one table.

    .venv/bin/python benchmarks/faults.py            # its own database ansinh_faults, dropped and rebuilt

Not a test (it takes minutes and kills processes); the same cases at small size are the tests in
``tests/reliability``. Cases:

 1. payment results: contradictory files A (all paid) and B (every 10th unpaid) committed at once
 2. payment results: the same file committed twice at once
 3. standing register: ``ansinh import-registers`` of the same 5.000-row file by two processes at once
 4. registry: ``ansinh import-registry --commit`` of the same file by two processes at once
 5. registry: ``kill -9`` during the COPY of 300.000 people, then the same command again
 6. payment results: ``kill -9`` during the update of 80.000 payment lines, then the same file again
 7. a list approved by two leaders at once
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import _django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ansinh_faults"
ANSINH = str(Path(sys.executable).with_name("ansinh"))
RESULTS = []


def record(case: str, expected: str, observed: str, ok: bool) -> None:
    RESULTS.append((case, expected, observed, "đúng" if ok else "SAI"))
    _django.say(f"  {case}: {observed} — {'đúng' if ok else 'SAI'}")


def _drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parsed.path.lstrip("/"))))


def at_once(*calls):
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            out[i] = ("ok", call())
        except BaseException as err:  # reported in the table
            out[i] = ("error", err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def processes_at_once(*commands: list[str]) -> list[subprocess.CompletedProcess]:
    """Start the commands together (each a separate process and connection) and wait for all."""
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outs = [p.communicate() for p in procs]
    return [subprocess.CompletedProcess(c, p.returncode, o, e) for c, p, (o, e) in zip(commands, procs, outs,
                                                                                      strict=True)]


def wait_for_query(pattern: str, proc: subprocess.Popen, timeout: float = 900) -> bool:
    """Until another backend runs a statement matching the ILIKE ``pattern`` (seen in pg_stat_activity); False if
    ``proc`` ended first."""
    from django.db import connection

    started = time.time()
    while time.time() - started < timeout and proc.poll() is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE %s AND pid <> pg_backend_pid() "
                           "AND state = 'active'", [pattern])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def table_shape(table: str) -> tuple[int, int, int]:
    """(rows, indexes, constraints) of ``table``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a constant table name)
        rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        indexes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        constraints = cursor.fetchone()[0]
    return rows, indexes, constraints


def claimed(kind, actor, path, target=None, valid_only=False, name=None):
    from ansinh.core import imports

    r = imports.import_receive(kind=kind, actor=actor, file=path, file_name=name or path.name, target=target)
    r, _ = imports.import_check(record=r)
    return imports.import_commit_request(actor=actor, record=r, valid_only=valid_only)


def case_results(cast, communes, tmp: Path) -> None:
    from ansinh.core import imports
    from ansinh.payments.imports import RESULTS_KIND
    from ansinh.payments.models import LineStatus, PaymentLine, ResultImport
    from reliability.conftest import posted_batch, results_csv

    batch = posted_batch(cast, communes[0], 4753)
    a = claimed(RESULTS_KIND, cast["agent"], results_csv(batch, tmp / "a.csv"), {"batch": batch}, True)
    b = claimed(RESULTS_KIND, cast["agent"], results_csv(batch, tmp / "b.csv", unpaid_every=10), {"batch": batch},
                True)
    at_once(lambda: imports.import_commit(record=a), lambda: imports.import_commit(record=b))
    lines = PaymentLine.objects.filter(batch=batch)
    paid, unpaid = lines.filter(status=LineStatus.PAID).count(), lines.filter(status=LineStatus.UNPAID).count()
    claims = [(r.status, r.applied_rows, r.error_rows) for r in ResultImport.objects.filter(batch=batch).order_by("pk")]
    ok = paid + unpaid == 4753 and sum(c[1] for c in claims) == 4753 and any(c[2] == 475 for c in claims)
    record("1 kết quả mâu thuẫn cùng lúc", "một tệp được ghi; tệp kia báo 475 dòng lỗi, không «ghi nhận» dòng nào",
           f"đã chi {paid}, chưa chi {unpaid}; các lần nhập (trạng thái, ghi nhận, lỗi) {claims}", ok)

    batch2 = posted_batch(cast, communes[1], 2000)
    path = results_csv(batch2, tmp / "c.csv", unpaid_every=7)
    first = claimed(RESULTS_KIND, cast["agent"], path, {"batch": batch2})
    second = claimed(RESULTS_KIND, cast["agent"], path, {"batch": batch2}, name="c (1).csv")
    at_once(lambda: imports.import_commit(record=first), lambda: imports.import_commit(record=second))
    committed = ResultImport.objects.filter(batch=batch2, status="committed").count()
    from ansinh.core.models import AuditEvent

    audits = AuditEvent.objects.filter(action="payment.results_import.commit", object_id__in=[first.pk, second.pk]).count()
    record("2 cùng một tệp kết quả hai lần cùng lúc", "1 lần nhập được ghi, 1 dòng nhật ký",
           f"{committed} lần nhập được ghi, {audits} dòng nhật ký «commit»", committed == 1 and audits == 1)


def _register_file(path: Path, rows) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["STT", "Họ và tên", "Số định danh cá nhân", "Số quyết định", "Hưởng từ ngày"])
    for i, (name, pid) in enumerate(rows, start=1):
        ws.write_row(i, 0, [i, name, pid, f"{i}/QĐ-UBND", "01/07/2019"])
    wb.close()
    return path


def case_registers(cast, commune, tmp: Path) -> None:
    from ansinh.programmes.models import Enrolment
    from ansinh.registry.models import Person
    from reliability.conftest import people

    ids = people(commune, 5000, prefix="RG")
    rows = list(Person.objects.filter(pk__in=ids).order_by("pk").values_list("full_name", "pid"))
    path = _register_file(tmp / "ncc.xlsx", rows)
    command = [ANSINH, "import-registers", str(path), "--register", "ncc", "--user", cast["officer"].username,
               "--commit"]
    runs = processes_at_once(command, command)
    count = Enrolment.objects.filter(register="ncc").count()
    tracebacks = sum("Traceback" in r.stderr for r in runs)
    record("3 ansinh import-registers cùng tệp 5.000 dòng, hai tiến trình", "5.000 đăng ký, một lần ghi bị từ chối",
           f"{count} đăng ký; mã thoát {[r.returncode for r in runs]}; traceback: {tracebacks}",
           count == 5000 and tracebacks == 0 and sorted(r.returncode for r in runs)[0] == 0)


def _registry_csv(path: Path, rows: int, *, start: int = 0) -> Path:
    import polars as pl

    from ansinh.demo.vn_names import numbered_name

    k = pl.int_range(start, start + rows, eager=True)
    pl.DataFrame({"k": k}).select(
        pl.format("HTF{}", pl.col("k").cast(pl.String).str.zfill(7)).alias("Mã hộ"),
        pl.col("k").map_elements(lambda k: numbered_name(k, "Nguyễn Văn Lỗi"), return_dtype=pl.String).alias("Họ và tên"), pl.lit("Nam").alias("Giới tính"),
        pl.lit("12/03/1970").alias("Ngày sinh"), pl.lit("Chủ hộ").alias("Quan hệ với chủ hộ"),
        pl.format("042070{}", (pl.col("k") % 1_000_000).cast(pl.String).str.zfill(6)).alias("Số định danh cá nhân"),
        pl.lit("Phường Thành Sen").alias("Xã/phường")).write_csv(path)
    return path


def case_registry(cast, tmp: Path) -> None:
    from ansinh.registry.models import Person

    path = _registry_csv(tmp / "ds.csv", 3000)
    command = [ANSINH, "import-registry", str(path), "--user", cast["officer"].username, "--commit"]
    runs = processes_at_once(command, command)
    count = Person.objects.filter(full_name__startswith="Nguyễn Văn Lỗi").count()
    tracebacks = sum("Traceback" in r.stderr for r in runs)
    record("4 ansinh import-registry --commit cùng tệp, hai tiến trình", "3.000 nhân khẩu, lần kia bị từ chối, "
           "không traceback", f"{count} nhân khẩu; mã thoát {[r.returncode for r in runs]}; traceback: {tracebacks}",
           count == 3000 and tracebacks == 0)


def case_kill_registry(cast, tmp: Path, rows: int) -> None:
    from ansinh.registry.models import Person

    before = table_shape("registry_person")
    path = _registry_csv(tmp / "lon.csv", rows, start=100_000)
    command = [ANSINH, "import-registry", str(path), "--user", cast["officer"].username, "--commit"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = wait_for_query("%COPY%registry_person%FROM STDIN%", proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    after = table_shape("registry_person")
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    written = Person.objects.filter(full_name__startswith="Nguyễn Văn Lỗi").count() - 3000
    record(f"5 kill -9 khi đang COPY {rows:,} người".replace(",", "."),
           "không thay đổi số dòng, chỉ mục, ràng buộc; chạy lại thành công",
           f"đã thấy COPY: {seen}; (dòng, chỉ mục, ràng buộc) trước {before} sau {after}; chạy lại: mã "
           f"{again.returncode}, {written} người mới", seen and before == after and again.returncode == 0
           and written == rows)


DRIVER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
import django; django.setup()
from ansinh.accounts.models import User
from ansinh.payments.models import PaymentBatch
from ansinh.payments.services import results_import
batch = PaymentBatch.objects.get(pk=int(sys.argv[1]))
print(results_import(actor=User.objects.get(username=sys.argv[2]), batch=batch, path=sys.argv[3]))
"""


def case_kill_results(cast, commune, tmp: Path, rows: int) -> None:
    from ansinh.payments.models import LineStatus, PaymentLine
    from reliability.conftest import posted_batch, results_csv

    batch = posted_batch(cast, commune, rows)
    path = results_csv(batch, tmp / "lon.csv", unpaid_every=50)
    command = [sys.executable, "-c", DRIVER, str(batch.pk), cast["agent"].username, str(path)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = wait_for_query("%UPDATE%payments_paymentline%", proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    pending = PaymentLine.objects.filter(batch=batch, status=LineStatus.PENDING).count()
    renamed = tmp / "lon-lan-2.csv"
    renamed.write_bytes(path.read_bytes())
    again = subprocess.run([sys.executable, "-c", DRIVER, str(batch.pk), cast["agent"].username, str(renamed)],
                           capture_output=True, text=True, check=False)
    paid = PaymentLine.objects.filter(batch=batch, status=LineStatus.PAID).count()
    record(f"6 kill -9 khi đang cập nhật {rows:,} dòng chi trả".replace(",", "."),
           "mọi dòng vẫn chờ kết quả; chạy lại ghi đủ",
           f"đã thấy UPDATE: {seen}; còn chờ {pending}/{rows}; chạy lại: mã {again.returncode}, đã chi {paid}",
           seen and pending == rows and again.returncode == 0 and paid == rows - rows // 50)


def case_approvals(cast, commune, province) -> None:
    from ansinh.accounts.models import Role
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.models import BeneficiaryList, ListEvent, ListStep
    from ansinh.programmes.permissions import LIST_WORKFLOW
    from ansinh.programmes.services import workflow
    from ansinh.programmes.services.programmes import programme_from_definition
    from reliability.conftest import DECISION, make_user, people

    programme = programme_from_definition(definition=COVID_2020, actor=cast["specialist"], province_code="42")
    bl = BeneficiaryList.objects.create(programme=programme, group=programme.groups.get(code="6"), commune=commune,
                                        source="registry", overlap_rule=programme.overlap_rule,
                                        prepared_by=cast["specialist"])
    LIST_WORKFLOW.record(bl, ListStep.PREPARE, actor=cast["specialist"])
    from ansinh.programmes.models import ListRow

    ListRow.objects.bulk_create([ListRow(beneficiary_list=bl, person_id=p, months=3, group_amount=1_500_000,
                                         amount=1_500_000) for p in people(commune, 3, prefix="AP")])
    bl = workflow.list_submit(actor=cast["specialist"], beneficiary_list=bl)
    bl = workflow.list_appraise(actor=cast["appraiser"], beneficiary_list=bl)
    other = make_user("f_lanhdao2", Role.LEADER, province)
    outcomes = at_once(*[(lambda u=u: workflow.list_approve(actor=u, beneficiary_list=bl, **DECISION))
                         for u in (cast["leader"], other)])
    events = ListEvent.objects.filter(beneficiary_list=bl, step="approve").count()
    refused = [str(v)[:60] for k, v in outcomes if k == "error"]
    record("7 hai lãnh đạo phê duyệt cùng lúc", "1 lần phê duyệt, lần kia bị từ chối có lý do",
           f"{events} bước phê duyệt; từ chối: {refused}", events == 1 and len(refused) == 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill-registry-rows", type=int, default=300_000)
    parser.add_argument("--kill-results-rows", type=int, default=80_000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _drop(url)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="ansinh-faults-media-")
    _django.setup(url)
    from ansinh.accounts.models import Role
    from ansinh.geo.models import AdminUnit, Level, Structure
    from reliability.conftest import make_user

    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    commune = AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, name="Phường Thành Sen")
    cast = {"officer": make_user("f_xa", Role.COMMUNE_OFFICER, commune),
            "specialist": make_user("f_so", Role.PROVINCIAL_SPECIALIST, province),
            "appraiser": make_user("f_so2", Role.PROVINCIAL_SPECIALIST, province),
            "leader": make_user("f_lanhdao", Role.LEADER, province),
            "agent": make_user("f_buudien", Role.PAYMENT_AGENT, province)}
    _django.say(f"load before: {os.getloadavg()[0]:.2f}; {dt.datetime.now():%d/%m/%Y %H:%M}")  # noqa: DTZ005
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        others = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                      .exclude(pk=commune.pk).order_by("code")[:3])
        case_results(cast, others[:2], tmp)
        case_registers(cast, commune, tmp)
        case_registry(cast, tmp)
        case_kill_registry(cast, tmp, args.kill_registry_rows)
        case_kill_results(cast, others[2], tmp, args.kill_results_rows)
        case_approvals(cast, commune, province)
    _django.say("")
    _django.say("| trường hợp | kỳ vọng | đếm được trong CSDL | kết luận |")
    _django.say("|---|---|---|---|")
    for row in RESULTS:
        _django.say("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
