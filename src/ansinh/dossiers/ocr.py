"""Tesseract with the Vietnamese language data (Debian's ``tesseract-ocr`` and ``tesseract-ocr-vie``), through
pytesseract: one page image in, its text (lines kept, NFC) and the mean word confidence out. No database here."""

from __future__ import annotations

import unicodedata

from ansinh.core.errors import UserError

LANGUAGE = "vie"
PAGE_TIMEOUT_SECONDS = 180  # a page that takes longer is a broken scan: the version fails, the worker goes on


class OcrFailed(UserError):
    """Tesseract could not read a page (its message says why, in Vietnamese)."""


def read_page(image, *, language: str = LANGUAGE, timeout: int = PAGE_TIMEOUT_SECONDS) -> tuple[str, float | None]:
    import pytesseract

    try:
        data = pytesseract.image_to_data(image, lang=language, config="--psm 3", timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as err:
        raise OcrFailed("Máy chủ chưa cài Tesseract (gói Debian tesseract-ocr): báo quản trị hệ thống.") from err
    except pytesseract.TesseractError as err:
        if "language" in str(err).lower() or "traineddata" in str(err).lower():
            raise OcrFailed("Máy chủ thiếu dữ liệu tiếng Việt của Tesseract (gói Debian tesseract-ocr-vie).") from err
        raise OcrFailed(f"Tesseract báo lỗi: {str(err)[:200]}") from err
    except RuntimeError as err:  # pytesseract's timeout
        raise OcrFailed(f"Nhận dạng một trang quá {timeout} giây: bản quét có thể bị hỏng.") from err
    return lines_from_data(data)


def lines_from_data(data: dict) -> tuple[str, float | None]:
    """Tesseract's word table → the text, one line per line it found, and the mean confidence of the words."""
    lines: dict[tuple, list[str]] = {}
    confidences = []
    for i, word in enumerate(data.get("text", [])):
        word = (word or "").strip()
        if not word:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            continue
        if conf >= 0:
            confidences.append(conf)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return unicodedata.normalize("NFC", text), mean


def tesseract_ready() -> str | None:
    """None when Tesseract and its Vietnamese data are installed, else what is missing (Vietnamese)."""
    import pytesseract

    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError):
        return "Chưa cài Tesseract (gói tesseract-ocr)."
    return None if LANGUAGE in languages else "Chưa cài dữ liệu tiếng Việt của Tesseract (gói tesseract-ocr-vie)."
