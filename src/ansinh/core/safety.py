"""Guards for actions that destroy data or create the demo's known-password accounts.

They belong to development and the demo only: ``refuse_in_production`` stops them when this is a real
installation, that is when ``ANSINH_ENV=production`` either in the settings or in the process
environment (a command started with the variable set is refused even if the settings were loaded
before it was set).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import CommandError

PRODUCTION = "production"


class RefusedInProduction(CommandError):
    """A demo-only action was asked for on a production installation. ``str(err)`` is for the user."""


def is_production() -> bool:
    configured = getattr(settings, "ANSINH_ENV", "") if settings.configured else ""
    from_environment = os.environ.get("ANSINH_ENV", "")
    return PRODUCTION in {str(configured).strip().lower(), from_environment.strip().lower()}


def refuse_in_production(action: str) -> None:
    """Raise ``RefusedInProduction`` (a ``CommandError``: a command exits 1 with the message) in production."""
    if is_production():
        raise RefusedInProduction(
            f"Không thực hiện «{action}»: đây là hệ thống đang vận hành (ANSINH_ENV=production). "
            "Thao tác này xoá dữ liệu hoặc tạo tài khoản dùng thử với mật khẩu công khai, "
            "chỉ dùng trên bản phát triển hoặc bản dùng thử."
        )
