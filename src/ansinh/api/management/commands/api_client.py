"""ansinh api_client create|revoke|list — manage the connected systems (an administrator's action, ``--user``).
The key is printed once; only its SHA-256 is kept."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ansinh.api.models import ApiClient
from ansinh.api.services import api_client_create, api_client_revoke
from ansinh.core.errors import DomainError
from ansinh.geo.models import AdminUnit, Structure


class Command(BaseCommand):
    help = "Cấp, thu hồi, liệt kê khoá API của các hệ thống kết nối."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True, help="quản trị hệ thống cấp khoá")
        create.add_argument("--name", required=True)
        create.add_argument("--role", required=True)
        create.add_argument("--area", required=True, help="mã đơn vị hành chính hiện nay (tỉnh 42, mã xã…)")
        create.add_argument("--days", type=int, default=365)
        create.add_argument("--rate", type=int, default=120, help="số lần gọi tối đa mỗi phút")
        create.add_argument("--account", default="", help="gắn vào tài khoản có sẵn (ví dụ tổ chức chi trả)")
        create.add_argument("--contact", default="")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("--prefix", required=True, help="đầu khoá (10 ký tự sau «ansinh_»)")
        revoke.add_argument("--reason", required=True)
        sub.add_parser("list")

    def handle(self, *args, action, **options):
        User = get_user_model()
        try:
            if action == "list":
                for c in ApiClient.objects.select_related("account", "account__area"):
                    state = "thu hồi" if c.revoked_at else ("hết hạn" if c.is_expired() else "hiệu lực")
                    self.stdout.write(f"{c.key_prefix}  {c.name}  {c.account.get_role_display()}  "
                                      f"{c.account.area}  {state}  {c.expires_at:%d/%m/%Y}")
                return
            actor = User.objects.get(username=options["user"])
            if action == "revoke":
                client = ApiClient.objects.get(key_prefix=options["prefix"])
                api_client_revoke(actor=actor, client=client, reason=options["reason"])
                self.stdout.write(f"Đã thu hồi khoá của «{client.name}».")
                return
            area = AdminUnit.objects.get(code=options["area"], structure=Structure.CURRENT)
            account = User.objects.get(username=options["account"]) if options["account"] else None
            client, key = api_client_create(actor=actor, name=options["name"], role=options["role"], area=area,
                                            valid_days=options["days"], rate_limit=options["rate"],
                                            contact=options["contact"], account=account)
        except (User.DoesNotExist, ApiClient.DoesNotExist, AdminUnit.DoesNotExist) as err:
            raise CommandError(f"Không tìm thấy: {err}") from err
        except DomainError as err:
            raise CommandError(err.message) from err
        self.stdout.write(f"Khoá API của «{client.name}» (chỉ hiện một lần, hãy lưu ngay):\n{key}")
