"""The ``ansinh`` command.

    ansinh demo [--persons N] [--seed S] [--no-serve]   set up and serve the demo province
    ansinh import-registry FILE [--commit] [--valid-only]
    ansinh policy explain VARIABLE --period YYYY-MM --set name=value ...
    ansinh match-file FILE [--against-registry] --out OUT.xlsx
    ansinh <any manage.py command>                        e.g. ansinh migrate, ansinh createsuperuser
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["ansinh", *argv])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def _demo(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="ansinh demo", description="Dựng tỉnh mẫu và chạy hệ thống.")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    import time

    started = time.perf_counter()
    for label, step in (("Cập nhật cấu trúc CSDL (migrate)", ["migrate", "--no-input", "-v", "0"]),
                        ("Nạp tỉnh mẫu", ["demo_load", "--persons", str(args.persons), "--seed", str(args.seed)])):
        begun = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", "ansinh.cli", *step])
        if code:
            return code
        print(f"{label}: {time.perf_counter() - begun:.1f} s", flush=True)
    print(f"Tổng thời gian chuẩn bị: {time.perf_counter() - started:.1f} s", flush=True)
    if args.no_serve:
        return 0
    code = subprocess.call([sys.executable, "-m", "ansinh.cli", "collectstatic", "--no-input", "-v", "0"])
    if code:
        return code
    worker = subprocess.Popen([sys.executable, "-m", "ansinh.cli", "db_worker"])
    print(f"\nHệ thống đang chạy tại http://127.0.0.1:{args.port}/  (Ctrl+C để dừng)\n", flush=True)
    try:
        return subprocess.call([sys.executable, "-m", "ansinh.cli", "runserver", "--noreload",
                                f"127.0.0.1:{args.port}"])
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)


def _approved_policy_additions() -> tuple:
    """The parameter values approved in the web UI; none (with a note) when the database is unreachable."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
        from django.db import DatabaseError
    except ImportError:
        return ()
    try:
        django.setup()
        from ansinh.policy.selectors import approved_additions

        return approved_additions()
    except (DatabaseError, ImproperlyConfigured) as error:
        print(f"Ghi chú: không đọc được các giá trị tham số bổ sung đã duyệt ({error}); "
              "tính theo giá trị trong văn bản gốc.", file=sys.stderr)
        return ()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return _demo(rest)
    if command == "policy":
        from ansinh.policy.cli import main as policy_main

        return policy_main(rest, additions=_approved_policy_additions())
    if command == "payroll":
        from ansinh.payroll.cli import main as payroll_main

        return payroll_main(rest, additions=_approved_policy_additions())
    return _django([command.replace("-", "_"), *rest])


if __name__ == "__main__":
    sys.exit(main())
