"""``ansinh match-registry [--user NAME] [--model M.json]``: one matching run over the registry, in the
foreground (the web UI queues the same run for the worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number


class Command(BaseCommand):
    help = "Ghép trùng toàn bộ cơ sở dữ liệu nhân khẩu (chạy ngay, có tiến độ)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="tên đăng nhập của chuyên viên Sở chạy lần này")
        parser.add_argument("--model", help="mô hình .json đã ước lượng (mặc định: ước lượng lại trên CSDL)")

    def handle(self, *args, **options):
        from django.db import transaction

        from ansinh.accounts.models import User
        from ansinh.matching import services
        from ansinh.matching.files import load_model

        try:
            user = User.objects.get(username=options["user"])
            model = load_model(options["model"]) if options["model"] else None
            with self._no_enqueue(transaction):
                run = services.match_run_start(actor=user)
            run = services.match_run_execute(run_id=run.pk, model=model)
        except (DomainError, User.DoesNotExist) as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Lần chạy #{run.pk}: {run.get_status_display()} — {vn_number(run.records)} nhân khẩu, "
                          f"{vn_number(run.pairs_total)} cặp ({vn_number(run.pairs_auto)} trên ngưỡng tự động, "
                          f"{vn_number(run.pairs_review)} cần xem xét), tự động gộp {vn_number(run.auto_merged)}; "
                          f"{run.seconds:.1f} s. {run.message}")

    @staticmethod
    def _no_enqueue(transaction):
        """The run executes here, not in the worker: drop the on-commit enqueue."""
        from unittest import mock

        return mock.patch("ansinh.matching.tasks.match_run_task.enqueue", lambda *a, **k: None)
