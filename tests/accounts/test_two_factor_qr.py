"""The enrolment QR code read by an independent reader, as a telephone would: the inline SVG the 2FA page serves
is rendered to PNG by librsvg (``rsvg-convert``, Debian librsvg2-bin), decoded by ZBar (``zbarimg``, Debian
zbar-tools), and the otpauth:// URI it holds must carry the session's secret, the issuer and the account; a code
computed from the decoded secret (RFC 6238 written out here, not django-otp's) completes the login, and the next
login's code too. Skipped, saying why, when either program is missing (scripts/test installs both)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import shutil
import struct
import subprocess
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ansinh.accounts.views import ENROL_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-2026"
VERIFY, ENROL = "/xac-thuc-hai-buoc/", "/xac-thuc-hai-buoc/dang-ky/"
ISSUER = "Sở LĐTBXH Hà Tĩnh"  # spaces and Vietnamese letters: the URI must quote them and the reader undo it
ZBARIMG, RSVG = shutil.which("zbarimg"), shutil.which("rsvg-convert")

needs_reader = pytest.mark.skipif(
    ZBARIMG is None or RSVG is None,
    reason="cần zbarimg (gói Debian zbar-tools) và rsvg-convert (gói librsvg2-bin) để đọc mã QR như điện thoại; "
           "scripts/test cài cả hai")


@pytest.fixture
def two_factor_on(settings):
    settings.ANSINH_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_TOTP_ISSUER = ISSUER
    return settings


def rfc6238(secret_b32: str, step: int) -> str:
    """The 6-digit TOTP code of ``step`` (30-second steps, HMAC-SHA1), as RFC 6238 / RFC 4226 define it."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def decode_page_qr(html: str, tmp_path) -> str:
    """The page's inline <svg> as a file (with the SVG namespace an HTML5 parser implies), rendered, then read."""
    match = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert match, "the enrolment page has no inline SVG"
    svg = match.group(0)
    if "xmlns=" not in svg.split(">", 1)[0]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    (tmp_path / "qr.svg").write_text(svg, encoding="utf-8")
    subprocess.run([RSVG, "--zoom", "2", "--background-color", "white", "--format", "png",
                    "--output", str(tmp_path / "qr.png"), str(tmp_path / "qr.svg")], check=True, timeout=60)
    read = subprocess.run([ZBARIMG, "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True,
                          timeout=60)
    assert read.returncode == 0, f"zbarimg read no QR code: {read.stderr}"
    return read.stdout.strip()


@needs_reader
def test_the_enrolment_qr_read_by_zbar_holds_the_secret_and_its_code_logs_in(client, two_factor_on, leader,
                                                                             tmp_path):
    client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    page = client.get(ENROL)
    assert page.status_code == 200
    key_hex = client.session[ENROL_KEY]

    uri = decode_page_qr(page.content.decode(), tmp_path)
    parts = urlsplit(uri)
    query = {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path.lstrip("/")) == f"{ISSUER}:lanhdao"  # the label: issuer and account
    assert query["issuer"] == ISSUER
    assert (query["algorithm"], query["digits"], query["period"]) == ("SHA1", "6", "30")
    secret = query["secret"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)).hex() == key_hex  # the secret of this enrolment
    assert not TOTPDevice.objects.filter(user=leader).exists()

    step = int(time.time()) // 30
    response = client.post(ENROL, {"code": rfc6238(secret, step), "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200  # logged in with the code the telephone would show

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert client.get("/").url == VERIFY
    device = TOTPDevice.objects.get(user=leader)
    following = max(int(time.time()) // 30, device.last_t + 1)  # the enrolment's code is never accepted twice
    response = client.post(VERIFY, {"code": rfc6238(secret, following)})
    assert response.status_code == 302 and client.get("/").status_code == 200


@needs_reader
def test_a_code_from_another_secret_does_not_log_in(client, two_factor_on, leader, tmp_path):
    client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    uri = decode_page_qr(client.get(ENROL).content.decode(), tmp_path)
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    other = base64.b32encode(bytes(b ^ 0xFF for b in base64.b32decode(secret + "=" * (-len(secret) % 8))))
    step = int(time.time()) // 30
    right = {rfc6238(secret, step + d) for d in (-1, 0, 1)}
    wrong = next(c for c in (rfc6238(other.decode().rstrip("="), step + d) for d in range(10)) if c not in right)
    response = client.post(ENROL, {"code": wrong, "next": "/"})
    assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=leader).exists()
