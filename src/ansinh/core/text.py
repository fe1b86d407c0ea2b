"""Vietnamese text helpers: NFC names, tone/diacritic folding, name parts.

Folding removes tones and vowel marks and maps Đ/đ to d explicitly: Unicode
decomposition does not split Đ (U+0110), so ``unicodedata`` alone leaves it.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_D_MAP = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})
_NON_ALNUM = re.compile(r"[^0-9a-z ]+")


def clean_name(value: str) -> str:
    """The name as typed, NFC-normalised, single-spaced, stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str) -> str:
    """Lower-case, tones and marks removed, đ→d, punctuation dropped, spaces folded.

    >>> fold("Nguyễn Thị  Hoà")
    'nguyen thi hoa'
    >>> fold("ĐẶNG Văn Đức")
    'dang van duc'
    """
    text = unicodedata.normalize("NFD", value or "").translate(_D_MAP)
    text = _COMBINING.sub("", text).lower()
    text = _NON_ALNUM.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given).

    "Nguyễn Thị Minh Khai" -> ("Nguyễn", "Thị Minh", "Khai"); a single word is
    a given name.
    """
    parts = clean_name(full_name).split(" ")
    parts = [p for p in parts if p]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def title_name(value: str) -> str:
    """Capitalise each word ("NGUYỄN văn an" -> "Nguyễn Văn An"), keeping diacritics."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in clean_name(value).split(" ") if w)
