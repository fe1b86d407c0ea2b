"""Two-factor login (TOTP, RFC 6238) on django-otp: the second step after the password for the accounts that
``permissions.requires_two_factor`` names, when ``settings.ANSINH_2FA_REQUIRED``.

* Enrolment: a secret made for the session (``new_secret``), shown as a QR code drawn here (segno, inline SVG:
  no outside service) and as text; the first right code creates the user's one confirmed ``TOTPDevice``
  (``two_factor_enrol``, audited). Nothing is written before that code.
* Verification: ``two_factor_verify`` checks a 6-digit code against the user's device under django-otp's
  throttling (after each wrong code the next try waits 1, 2, 4, 8… × ``OTP_TOTP_THROTTLE_FACTOR`` seconds; a code
  is never accepted twice). The view also counts a wrong code as a failed login for django-axes.
* A lost telephone: an administrator resets another user's device (``two_factor_reset``, audited, with a reason);
  never his own — another administrator does it for him.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import requires_two_factor
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied

DEVICE_NAME = "Ứng dụng xác thực"
DIGITS = 6
STEP = 30  # seconds: what every authenticator app uses by default
TOLERANCE = 1  # a code of the step before or after is still accepted (clocks a little apart)


class WrongCode(DomainError):
    """The code does not match: counted (django-otp's throttle on the device, django-axes' failed logins)."""


class CodeThrottled(DomainError):
    """Too many wrong codes in a row: no code is checked until the wait is over."""


def two_factor_enforced(user) -> bool:
    """This user must pass the second step now (the setting is on and his account needs it)."""
    return bool(getattr(settings, "ANSINH_2FA_REQUIRED", True)) and requires_two_factor(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# ------------------------------------------------------------------------------------------------- enrolment

def new_secret() -> str:
    """A fresh 20-byte key (hex, as ``TOTPDevice.key`` stores it)."""
    return random_hex(20)


def secret_text(key: str) -> str:
    """The key as an authenticator app asks for it by hand: base32, in groups of four ('JBSW Y3DP …')."""
    text = b32encode(unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(key: str, username: str) -> str:
    """otpauth://totp/… — what the QR code holds (Key URI format, read by every authenticator app)."""
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "ansinh")).replace(":", "")
    params = urlencode({"secret": b32encode(unhexlify(key)).decode("ascii").rstrip("="), "algorithm": "SHA1",
                        "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{quote(f'{issuer}:{username}')}?{params}&issuer={quote(issuer)}"


def qr_svg(key: str, username: str) -> str:
    """The QR code of ``provisioning_uri`` as an inline ``<svg>`` (drawn by segno, no image file, no network)."""
    return segno.make(provisioning_uri(key, username), error="m").svg_inline(
        scale=5, border=2, dark="#212529", light="#ffffff", title="Mã QR đăng ký ứng dụng xác thực")


def clean_token(token: str) -> str:
    """'123 456' -> '123456'; anything but six digits is refused (and not counted as a wrong code)."""
    token = "".join((token or "").split())
    if not (len(token) == DIGITS and token.isascii() and token.isdigit()):
        raise DomainError("Mã xác thực gồm 6 chữ số, lấy từ ứng dụng xác thực trên điện thoại.", field="code")
    return token


def _matching_step(key: str, token: str) -> tuple[int, int] | None:
    """(time step, drift) of the step whose code is ``token`` (within ``TOLERANCE``), or None."""
    totp = TOTP(unhexlify(key), step=STEP, digits=DIGITS)
    totp.time = time.time()
    return (totp.t(), totp.drift) if totp.verify(int(clean_token(token)), tolerance=TOLERANCE) else None


@transaction.atomic(durable=True)
def two_factor_enrol(*, actor: User, key: str, token: str) -> TOTPDevice:
    """The first right code from the app that read ``key``: the user's confirmed device. Nothing is stored on a
    wrong code (the view counts it as a failed login)."""
    if not requires_two_factor(actor):
        raise PermissionDenied("Tài khoản của bạn không cần xác thực hai bước.")
    User.objects.select_for_update().get(pk=actor.pk)  # two confirmations at once: one device
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise DomainError("Tài khoản đã đăng ký ứng dụng xác thực; hãy nhập mã để đăng nhập.")
    matched = _matching_step(key, token)
    if matched is None:
        raise WrongCode("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiện "
                        "(mã đổi sau mỗi 30 giây).")
    TOTPDevice.objects.filter(user=actor).delete()  # an unconfirmed one left by another path
    device = TOTPDevice(user=actor, name=DEVICE_NAME, key=key, step=STEP, digits=DIGITS, tolerance=TOLERANCE,
                        confirmed=True, last_t=matched[0], drift=matched[1])  # that code: never a second time
    device.full_clean()
    device.save()
    audit_record(actor=actor, action="two_factor.enrol", obj=actor,
                 summary=f"Đăng ký ứng dụng xác thực hai bước cho tài khoản {actor.username}",
                 details={"device": device.persistent_id})
    return device


# ---------------------------------------------------------------------------------------------- verification

def _wait_message(locked_until) -> str:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    return (f"Bạn đã nhập sai mã nhiều lần liên tiếp. Vui lòng chờ {seconds} giây rồi thử lại "
            f"(đến {timezone.localtime(locked_until):%H:%M:%S}).")


def two_factor_verify(*, user: User, token: str) -> TOTPDevice:
    """The user's device if ``token`` is its current code; ``WrongCode`` (counted) or ``CodeThrottled``.

    Not one durable transaction around the whole: a wrong code must stay counted on the device when the error is
    raised, so the check and its counting commit first, then the refusal is raised."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise DomainError("Tài khoản chưa đăng ký ứng dụng xác thực.")
        allowed, why = device.verify_is_allowed()
        if not allowed:
            locked_until = (why or {}).get("locked_until")
            refusal = CodeThrottled(_wait_message(locked_until) if locked_until else
                                    "Bạn đã nhập sai mã nhiều lần liên tiếp. Vui lòng chờ rồi thử lại.")
        else:
            refusal = None if device.verify_token(clean_token(token)) else WrongCode(
                "Mã xác thực không đúng hoặc đã dùng. Hãy nhập mã đang hiện trên ứng dụng xác thực "
                "(mã đổi sau mỗi 30 giây).")
    if refusal is not None:
        raise refusal
    return device


# ------------------------------------------------------------------------------------------------ the reset

@transaction.atomic(durable=True)
def two_factor_reset(*, actor: User, user: User, reason: str) -> int:
    """An administrator removes another user's device (a lost or changed telephone): that user enrols again at his
    next page. Returns the number of devices removed. Never one's own: another administrator does it."""
    if not (actor is not None and actor.is_authenticated and actor.role == Role.ADMINISTRATOR):
        raise PermissionDenied("Chỉ quản trị hệ thống được đặt lại xác thực hai bước của người dùng.")
    if actor.pk == user.pk:
        raise PermissionDenied("Bạn không thể tự đặt lại xác thực hai bước của chính mình: "
                               "hãy nhờ một quản trị viên khác thực hiện.")
    reason = " ".join((reason or "").replace("\x00", "").split())
    if len(reason) < 5:
        raise DomainError("Hãy ghi lý do đặt lại (ví dụ: mất điện thoại, đổi điện thoại).", field="reason")
    User.objects.select_for_update().get(pk=user.pk)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="two_factor.reset", obj=user,
                 summary=f"Đặt lại xác thực hai bước của {user.username}: {reason}",
                 details={"reason": reason[:500], "devices_removed": removed})
    return removed
