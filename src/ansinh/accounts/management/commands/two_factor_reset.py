"""``ansinh two_factor_reset USERNAME --user ADMIN --reason TEXT``: the reset of the page, from the server (for an
administrator whose own telephone is lost: another administrator resets it, never he himself)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ansinh.accounts.two_factor import two_factor_reset
from ansinh.core.commands import command_user
from ansinh.core.errors import UserError


class Command(BaseCommand):
    help = "Đặt lại xác thực hai bước (TOTP) của một người dùng; do một quản trị viên khác thực hiện."

    def add_arguments(self, parser):
        parser.add_argument("username", help="người dùng mất hoặc đổi điện thoại")
        parser.add_argument("--user", required=True, help="quản trị viên thực hiện (không phải chính người đó)")
        parser.add_argument("--reason", required=True, help="lý do, được ghi nhật ký")

    def handle(self, *args, username, user, reason, **options):
        actor, person = command_user(user), command_user(username)
        try:
            removed = two_factor_reset(actor=actor, user=person, reason=reason)
        except UserError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Đã đặt lại xác thực hai bước của {person.username} ({removed} thiết bị được gỡ); "
                          "lần đăng nhập tới người dùng đăng ký lại ứng dụng xác thực.")
