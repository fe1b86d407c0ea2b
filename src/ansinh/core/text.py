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


def _fold_table() -> dict[str, str]:
    """Every precomposed Latin letter whose fold is a single ASCII letter (Vietnamese and the rest)."""
    table = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            char = chr(code)
            folded = fold(char)
            if len(folded) == 1 and folded != char and folded.isascii():
                table[char.lower()] = folded
    return table


_FOLD_TABLE = _fold_table()


def clean_name_expr(expr):
    """``clean_name`` as a Polars expression (NFC, single spaces, stripped)."""
    return expr.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()


def fold_expr(expr):
    """``fold`` as a Polars expression: the same result, without a Python call per row.

    >>> import polars as pl
    >>> pl.DataFrame({"n": ["Đặng  Thị Huệ"]}).select(fold_expr(pl.col("n"))).item()
    'dang thi hue'
    """
    return (
        expr.str.normalize("NFC").str.to_lowercase()
        .str.replace_many(list(_FOLD_TABLE), list(_FOLD_TABLE.values()))
        .str.replace_all(r"[^0-9a-z ]+", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
