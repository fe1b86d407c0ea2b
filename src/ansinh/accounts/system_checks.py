"""Checks of ``manage.py check --deploy`` (``scripts/test`` runs it under the production settings with
``--fail-level WARNING``): a production installation with two-factor login turned off, or without its
middleware, is reported."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIDDLEWARE = ("django_otp.middleware.OTPMiddleware", "ansinh.accounts.middleware.TwoFactorMiddleware")


@register(Tags.security, deploy=True)
def two_factor_in_production(app_configs=None, **kwargs) -> list[Warning]:
    if getattr(settings, "ANSINH_ENV", "") != "production":
        return []
    problems = []
    if not getattr(settings, "ANSINH_2FA_REQUIRED", True):
        problems.append(Warning(
            "ANSINH_2FA_REQUIRED đang tắt trên hệ thống vận hành: lãnh đạo phê duyệt và quản trị hệ thống đăng "
            "nhập chỉ bằng mật khẩu.",
            hint="Bỏ ANSINH_2FA_REQUIRED=0 khỏi môi trường (mặc định bật khi ANSINH_ENV=production); "
                 "xem docs/operations.md, «Two-factor login (TOTP)».",
            id="ansinh.W001"))
    missing = [name for name in MIDDLEWARE if name not in settings.MIDDLEWARE]
    if missing:
        problems.append(Warning(f"Thiếu middleware xác thực hai bước: {', '.join(missing)}.",
                                hint="Đặt chúng sau AuthenticationMiddleware trong MIDDLEWARE.", id="ansinh.W002"))
    return problems
