"""Synthetic scans for the demo, the tests and the benchmark: a page of known Vietnamese text drawn with Pillow
as a scanner would give it (grey, 300 dpi, a little noise), and files made of such pages (PDF, TIFF, PNG, JPEG).

The font is DejaVu Sans (Debian's ``fonts-dejavu-core``, installed by the project's scripts): it has every
Vietnamese letter with its tone marks."""

from __future__ import annotations

import io
import random
import textwrap
from pathlib import Path

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf")
DPI = 300
A4 = (2480, 3508)  # at 300 dpi

SAMPLE_TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\n"
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n"
    "QUYẾT ĐỊNH về việc trợ cấp hằng tháng đối với thương binh\n"
    "Ông Nguyễn Văn Đức, sinh năm 1948, quê quán xã Cẩm Bình, huyện Cẩm Xuyên,\n"
    "tỷ lệ tổn thương cơ thể 41%, được hưởng trợ cấp hằng tháng kể từ ngày 01 tháng 7 năm 2019.\n"
    "Nơi nhận: Phòng Người có công; Bưu điện tỉnh; Lưu: VT."
)


def _font(size: int):
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    raise FileNotFoundError("Thiếu phông DejaVu Sans (gói Debian fonts-dejavu-core).")


def text_page(text: str = SAMPLE_TEXT, *, size: tuple[int, int] = A4, font_size: int = 46, noise: int = 0,
              seed: int = 0, wrap: int = 70):
    """A greyscale page image with ``text`` (wrapped at ``wrap`` characters), left margin 3 cm."""
    from PIL import Image, ImageDraw

    page = Image.new("L", size, 250)
    draw = ImageDraw.Draw(page)
    font = _font(font_size)
    x, y = int(size[0] * 0.14), int(size[1] * 0.07)
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, wrap) or [""]:
            draw.text((x, y), line, font=font, fill=20)
            y += int(font_size * 1.6)
            if y > size[1] - font_size * 2:
                break
    if noise:
        rng = random.Random(seed)
        pixels = page.load()
        for _ in range(noise):
            pixels[rng.randrange(size[0]), rng.randrange(size[1])] = rng.choice((0, 120, 255))
    return page


def blank_page(size: tuple[int, int] = (1240, 1754)):
    from PIL import Image

    return Image.new("L", size, 252)


def scan_bytes(pages: list, file_format: str = "pdf") -> bytes:
    """The pages as one file: ``pdf`` and ``tiff`` keep every page; ``png`` and ``jpeg`` the first."""
    out = io.BytesIO()
    first, rest = pages[0], pages[1:]
    if file_format == "pdf":
        first.save(out, format="PDF", resolution=DPI, save_all=True, append_images=rest)
    elif file_format == "tiff":
        first.save(out, format="TIFF", compression="tiff_deflate", save_all=True, append_images=rest, dpi=(DPI, DPI))
    elif file_format == "png":
        first.save(out, format="PNG", dpi=(DPI, DPI))
    else:
        first.save(out, format="JPEG", quality=85, dpi=(DPI, DPI))
    return out.getvalue()
