"""What a scan must be, read from its content (never from its name): PDF, JPEG, PNG or TIFF, not empty, not too
big, opening cleanly, with at least one page; and what a name inside a zip may be. No database here.

Every refusal is a ``ScanRefused`` with a Vietnamese message naming the user's file.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number

MAX_SCAN_BYTES = 100 * 1024 * 1024  # a 50-page A4 file scanned at 300 dpi in grey is about 25 MB
MAX_PAGES = 500
MAX_PIXELS = 120_000_000  # an A0 sheet at 300 dpi is about 140 M: more is a decompression bomb, not a scan
RENDER_DPI = 300

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
# What a refused file looks like it is, for the message
OTHER_MAGIC = (
    (b"PK\x03\x04", "tệp nén ZIP hoặc tệp Word/Excel mới"),
    (b"\xd0\xcf\x11\xe0", "tệp Word/Excel cũ"),
    (b"GIF8", "ảnh GIF"),
    (b"BM", "ảnh BMP"),
    (b"RIFF", "ảnh WEBP hoặc tệp âm thanh, video"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"MZ", "chương trình Windows (.exe)"),
    (b"{\\rtf", "tệp RTF"),
)
FORMAT_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}


class ScanRefused(DomainError):
    """The file cannot be a scan of the archive (its message says why)."""


@dataclass(frozen=True)
class ScanInfo:
    file_format: str
    page_count: int
    size: int
    sha256: str


def megabytes(size: int) -> str:
    return f"{vn_number(size / 1024 / 1024, 1)} MB"


def sniff(head: bytes) -> str | None:
    """The format a file's first bytes announce (``pdf``, ``jpeg``, ``png``, ``tiff``), or None."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    # a PDF may have a few bytes of junk before its header (the specification allows 1024)
    return "pdf" if b"%PDF-" in head[:1024] else None


def _looks_like(head: bytes) -> str:
    for magic, label in OTHER_MAGIC:
        if head.startswith(magic):
            return label
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "trang web, XML hoặc ảnh SVG"
    try:
        head.decode("utf-8")
        return "tệp văn bản"
    except UnicodeDecodeError:
        return "không rõ"


def inspect_scan(handle: BinaryIO, *, size: int | None, display_name: str) -> ScanInfo:
    """Check a scan read from ``handle`` (rewound at the end); raise ``ScanRefused`` with the reason."""
    name = display_name or "tệp"
    if size is None:
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
    if size == 0:
        raise ScanRefused(f"Tệp «{name}» rỗng (0 byte): hãy quét lại.")
    if size > MAX_SCAN_BYTES:
        raise ScanRefused(f"Tệp «{name}» quá lớn ({megabytes(size)}, tối đa {megabytes(MAX_SCAN_BYTES)} một bản quét): "
                          "hãy quét ở 300 dpi, thang xám, hoặc tách thành nhiều tài liệu.")
    handle.seek(0)
    head = handle.read(1024)
    file_format = sniff(head)
    if file_format is None:
        raise ScanRefused(f"Tệp «{name}» không phải bản quét PDF, JPEG, PNG hoặc TIFF (nội dung của tệp là: "
                          f"{_looks_like(head)}). Chỉ nhận các định dạng này, xét theo nội dung tệp chứ không theo "
                          "phần mở rộng.")
    handle.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    try:
        pages = _count_pages(handle, file_format, name)
    finally:
        handle.seek(0)
    if pages > MAX_PAGES:
        raise ScanRefused(f"Tệp «{name}» có {vn_number(pages)} trang (tối đa {MAX_PAGES} trang một tài liệu).")
    return ScanInfo(file_format=file_format, page_count=pages, size=size, sha256=digest.hexdigest())


def _count_pages(handle: BinaryIO, file_format: str, name: str) -> int:
    if file_format == "pdf":
        return _pdf_pages(handle, name)
    return _image_pages(io.BytesIO(handle.read()), file_format, name)  # Pillow closes what it is given


def _pdf_pages(handle: BinaryIO, name: str) -> int:
    import pypdfium2 as pdfium

    data = handle.read()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        text = str(err).lower()
        if "password" in text:
            raise ScanRefused(f"Tệp PDF «{name}» có mật khẩu: hãy gỡ mật khẩu rồi tải lại.") from err
        raise ScanRefused(f"Tệp PDF «{name}» bị hỏng, không mở được ({err}). Hãy xuất lại tệp từ máy quét.") from err
    try:
        pages = len(pdf)
        if pages == 0:
            raise ScanRefused(f"Tệp PDF «{name}» không có trang nào.")
        return pages
    finally:
        pdf.close()


def _open_image(handle: BinaryIO, name: str):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(handle)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ScanRefused(f"Ảnh «{name}» quá lớn (quá {vn_number(MAX_PIXELS)} điểm ảnh): không phải một trang "
                          "quét thông thường.") from err
    except (OSError, SyntaxError, ValueError) as err:
        raise ScanRefused(f"Ảnh «{name}» bị hỏng, không đọc được ({err}). Hãy quét lại.") from err
    return image


def _image_pages(handle: BinaryIO, file_format: str, name: str) -> int:
    image = _open_image(handle, name)
    try:
        if image.format and image.format.lower() not in (file_format, "mpo" if file_format == "jpeg" else ""):
            raise ScanRefused(f"Ảnh «{name}» không đúng định dạng {FORMAT_LABELS[file_format]} như phần đầu tệp "
                              "ghi.")
        frames = getattr(image, "n_frames", 1) or 1
        if file_format == "tiff":  # every page must decode, not only the first
            for index in range(frames):
                try:
                    image.seek(index)
                    image.load()
                except (OSError, EOFError, ValueError) as err:
                    raise ScanRefused(f"Trang {index + 1} của ảnh TIFF «{name}» bị hỏng ({err}).") from err
        return frames
    finally:
        image.close()


def page_images(data: bytes, file_format: str, *, dpi: int = RENDER_DPI) -> Iterator:
    """The pages of a checked scan as greyscale Pillow images, one at a time (a PDF rendered at ``dpi``)."""
    if file_format == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    scale = min(dpi / 72, (MAX_PIXELS / max(width * height, 1)) ** 0.5)
                    bitmap = page.render(scale=scale, grayscale=True)
                    yield bitmap.to_pil()
                finally:
                    page.close()
        finally:
            pdf.close()
        return
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        for frame in ImageSequence.Iterator(image):
            yield frame.convert("L")


# ---------------------------------------------------------------- names inside a zip

_DRIVE = re.compile(r"^[A-Za-z]:")


def member_problem(name: str) -> str | None:
    """Why a name inside a zip may not be used (it would leave the folder), or None."""
    if "\x00" in name:
        return "tên tệp chứa ký tự không hợp lệ"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "đường dẫn tuyệt đối"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "đường dẫn ra ngoài thư mục («..»)"
    return None


def dossier_number_of(member: str) -> str:
    """The dossier number a scan is named by: «NCC-000123.pdf» or «NCC-000123_2.pdf» (a second document)."""
    stem = PurePosixPath(member.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return stem.strip()
