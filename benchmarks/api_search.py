"""Registry search through the API on PostgreSQL, with the page search as baseline in the same run (issue #17 item 6),
then a bounded load: 50 concurrent clients for 60 s against a server on 127.0.0.1.

1. Latency, in process (Django's test client, as ``registry_search.py``): 200 searches from a sample of the
   population — complete identity numbers and name + birth year + commune — as the API of a commune system and of the
   province system, and the same people through the registry page's POST search (its ``q`` box: the number, or the
   name with the commune filter) as the same accounts. p50 / p95 each and the ratio API / page.
2. Load: the project's WSGI application in a threaded WSGI server on 127.0.0.1 (``--serve``: the standard library's
   server with a listen backlog of 128 — runserver's backlog of 5 resets connections under 50 clients — and
   CONN_MAX_AGE=0, a database connection per request), 50 client threads, each its own connected system (key) of
   the province, each sending searches back to back for 60 s. Requests, errors (anything but 200), throughput,
   p50 / p95. Bounded: 50 threads, 60 s, one local server; nothing leaves the machine.
   ``--server gunicorn``: the production WSGI server instead (docs/operations.md «Services»): gunicorn, one worker
   per core (``--workers``, default the cores this process may use), each with ``--threads`` threads (gthread,
   default clients / workers, so that no client waits for a thread; ``--threads 1``: sync workers), listen backlog
   2048, CONN_MAX_AGE 60 (a connection kept per thread, as in production). ``--server both`` (the default) runs
   the threaded server first as the baseline of the same run, then gunicorn, and prints the ratio of throughput
   and of p95.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> .venv/bin/python benchmarks/api_search.py \\
        [--persons 1300000] [--queries 200] [--clients 50] [--seconds 60] [--server both|gunicorn|threaded]
        [--workers N] [--threads N] [--no-world] [--skip-load | --load-only]
Loads the demo province when the database holds fewer people than asked. Target: API p95 < 150 ms at 1,3 M.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(p / 100 * (len(ordered) - 1))), len(ordered) - 1)] if ordered else float("nan")


def sample(n: int, user, seed: int = 17) -> list[dict]:
    """People of the user's area: half by identity number, half by name + birth year + commune."""
    from ansinh.registry.selectors import persons_for_user

    rng = random.Random(seed)
    ids = list(persons_for_user(user=user).filter(pid__isnull=False).order_by().values_list("pk", flat=True)[:200_000])
    chosen = rng.sample(ids, min(n, len(ids)))
    from ansinh.registry.models import Person

    people = Person.objects.filter(pk__in=chosen).select_related("commune")
    return [{"pid": p.pid, "name": p.full_name, "year": p.birth_date.year, "commune_code": p.commune.code,
             "commune_id": p.commune_id, "by": "id" if i % 2 == 0 else "name"} for i, p in enumerate(people)]


def envelope(q: dict) -> dict:
    now = "2026-01-15T09:00:00+07:00"
    criteria = ({"query_type": "idtype-value", "query": {"type": "UIN", "value": q["pid"]}} if q["by"] == "id" else
                {"query_type": "predicate", "query": [
                    {"attribute_name": "name", "attribute_value": q["name"]},
                    {"attribute_name": "birth_year", "attribute_value": q["year"]},
                    {"attribute_name": "commune_code", "attribute_value": q["commune_code"]}]})
    return {"header": {"message_id": "bench", "message_ts": now, "action": "search", "sender_id": "bench"},
            "message": {"transaction_id": "bench", "search_request": [
                {"reference_id": "1", "timestamp": now, "search_criteria": criteria}]}}


def api_times(client, key: str, qs: list[dict]) -> list[float]:
    times = []
    for q in qs:
        start = time.perf_counter()
        response = client.post("/api/v1/registry/sync/search", json.dumps(envelope(q)), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {key}")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        item = response.json()["message"]["search_response"][0]
        assert item["status"] == "succ" and item["data"]["reg_records"], item
    return times


def page_times(client, qs: list[dict]) -> list[float]:
    times = []
    for q in qs:
        data = {"q": q["pid"]} if q["by"] == "id" else {"q": q["name"], "commune": q["commune_id"]}
        start = time.perf_counter()
        response = client.post("/ho-so/nhan-khau/", data)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def keys_for(admin, user, n: int, *, rate: int) -> list[str]:
    from django.utils import timezone

    from ansinh.api.models import ApiClient
    from ansinh.api.services import api_client_create

    # A client that was given people keeps its disclosures (ApiDisclosure protects it): the clients of earlier runs
    # are revoked, never deleted, and each run names its own.
    ApiClient.objects.filter(name__startswith=f"bench-{user.username}-", revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=admin, revoke_reason="benchmark: lần chạy sau")
    run = f"{time.time_ns():x}"
    return [api_client_create(actor=admin, name=f"bench-{user.username}-{run}-{i}", role=user.role, area=user.area,
                              rate_limit=rate, account=user)[1] for i in range(n)]


def latency(args, users: dict, admin) -> None:
    from django.test import Client

    from ansinh.core.models import AuditEvent

    for username in ("xa", "so"):
        user = users[username]
        qs = sample(args.queries, user)
        key = keys_for(admin, user, 1, rate=10_000)[0]
        api, page = Client(), Client()
        page.force_login(user)
        api_times(api, key, qs[:10]), page_times(page, qs[:10])  # warm up
        a, p = api_times(api, key, qs), page_times(page, qs)
        print(f"{username:>3} ({user.get_role_display()}, {user.area}), {len(qs)} searches: "
              f"API p50 {statistics.median(a):.0f} ms p95 {pct(a, 95):.0f} ms | page p50 {statistics.median(p):.0f} ms "
              f"p95 {pct(p, 95):.0f} ms | API/page p95 {pct(a, 95) / max(pct(p, 95), 0.1):.2f}   (target API p95 < 150 ms)",
              flush=True)
    print(f"audit rows of API calls so far: {AuditEvent.objects.filter(action='api.call').count():,}".replace(",", "."))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def server_command(kind: str, port: int, workers: int, threads: int) -> list[str]:
    if kind == "gunicorn":
        worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]
        return [sys.executable, "-m", "gunicorn", "ansinh.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), *worker, "--backlog", "2048", "--timeout", "60", "--log-level", "error"]
    return [sys.executable, __file__, "--serve", str(port)]


def load(args, users: dict, admin) -> None:
    user = users["so"]
    qs = sample(500, user, seed=99)
    keys = keys_for(admin, user, args.clients, rate=10_000)
    kinds = ["threaded", "gunicorn"] if args.server == "both" else [args.server]
    figures = {kind: load_run(args, kind, qs, keys) for kind in kinds}
    if len(figures) == 2:
        base, prod = figures["threaded"], figures["gunicorn"]
        print(f"gunicorn / threaded server: throughput {prod[0] / max(base[0], 0.01):.2f}, "
              f"p95 {prod[1] / max(base[1], 0.1):.2f}".replace(".", ","), flush=True)


def load_run(args, kind: str, qs: list[dict], keys: list[str]) -> tuple[float, float]:
    """One load run against one server; returns (requests per second, p95 ms)."""
    port = _free_port()
    # The threaded server opens a thread per connection: a connection kept per thread would exhaust PostgreSQL's
    # (CONN_MAX_AGE=0). gunicorn has a fixed number of workers × threads: the production setting, a connection
    # kept by each (CONN_MAX_AGE 60, docs/operations.md).
    conn_max_age = "60" if kind == "gunicorn" else "0"
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false", "LOG_LEVEL": "ERROR",
           "CONN_MAX_AGE": conn_max_age}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"api_search_server_{port}.log"
    workers = args.workers or cores()
    per_worker = args.threads or -(-args.clients // workers)  # gunicorn threads per worker
    server = subprocess.Popen(server_command(kind, port, workers, per_worker), env=env, stdout=subprocess.DEVNULL,
                              stderr=log.open("w"))
    try:
        _wait(port)
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def worker(i: int) -> None:
            rng = random.Random(i)
            mine = []
            while time.monotonic() < stop:
                body = json.dumps(envelope(rng.choice(qs))).encode()
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/registry/sync/search", data=body,
                                                 headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {keys[i]}"})
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as err:
                    status = err.code
                except OSError:
                    status = 0
                mine.append((status, (time.perf_counter() - start) * 1000))
            with lock:
                results.extend(mine)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = [ms for status, ms in results if status == 200]
    errors = {}
    for status, _ms in results:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    label = ("threaded wsgiref server, CONN_MAX_AGE 0" if kind != "gunicorn" else
             f"gunicorn, {workers} gthread workers × {per_worker} threads, CONN_MAX_AGE 60" if per_worker > 1 else
             f"gunicorn, {workers} sync workers, CONN_MAX_AGE 60")
    count = f"{len(results):,}".replace(",", ".")
    print(f"load ({label}): {args.clients} clients, {elapsed:.0f} s: {count} requests "
          f"({len(results) / elapsed:.1f}/s), errors {sum(errors.values())} {errors or ''}; "
          f"p50 {statistics.median(ok):.0f} ms, p95 {pct(ok, 95):.0f} ms, max {max(ok):.0f} ms", flush=True)
    if errors:
        print(f"server log: {log}", flush=True)
    return len(results) / elapsed, pct(ok, 95)


def _wait(port: int) -> None:
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def serve(port: int) -> None:
    """The WSGI application in a threaded server with a real listen backlog (the load test's server)."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 128

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            return None

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    from django.core.wsgi import get_wsgi_application

    make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server,
                handler_class=QuietHandler).serve_forever()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_300_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--server", choices=["both", "gunicorn", "threaded"], default="both",
                        help="the load run's server: gunicorn (production), the threaded one, or both (baseline first)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: one per core)")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per gunicorn worker (gthread; default: enough for every client, clients / "
                             "workers; 1: sync workers, one request at a time each)")
    parser.add_argument("--no-world", action="store_true",
                        help="load only the population and the logins (the search needs no other demo work)")
    args = parser.parse_args()
    url = _django.setup()
    os.environ["DATABASE_URL"] = url
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from ansinh.accounts.models import User
    from ansinh.registry.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    call_command("demo_load", persons=args.persons, seed=2020, reset=Person.objects.count() < args.persons,
                 no_world=args.no_world)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    users = {u.username: u for u in User.objects.filter(username__in=("xa", "so", "quantri"))}
    print(f"{Person.objects.count():,} people on {connection.vendor}".replace(",", "."), flush=True)
    if not args.load_only:
        latency(args, users, users["quantri"])
    if not args.skip_load:
        load(args, users, users["quantri"])


if __name__ == "__main__":
    main()
