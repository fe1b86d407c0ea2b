"""Vietnamese text helpers: NFC names, tone/diacritic folding, name parts.

Folding removes tones and vowel marks and maps Đ/đ to d explicitly: Unicode
decomposition does not split Đ (U+0110), so ``unicodedata`` alone leaves it.

Invisible characters pasted from web pages and chat apps (zero-width space/joiners
U+200B-U+200D, word joiner U+2060, byte-order mark U+FEFF, soft hyphen, direction
marks and the other invisible format characters) are removed by ``strip_invisible``
/ ``strip_invisible_expr`` (which also turn no-break spaces into plain spaces), and by
``clean_name``, ``fold`` and their Polars twins, so "Nguy\u200bễn" is "Nguyễn".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_D_MAP = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})
_NON_ALNUM = re.compile(r"[^0-9a-z ]+")
# Invisible format characters (Unicode Cf in practice, plus the combining grapheme joiner);
# a regex character class both Python ``re`` and Polars (Rust ``regex``) understand.
INVISIBLE_PATTERN = "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
NBSP_PATTERN = "[\u00a0\u2007\u202f]"  # no-break spaces: shown as spaces, typed as spaces
_INVISIBLE = re.compile(INVISIBLE_PATTERN)
_NBSP = re.compile(NBSP_PATTERN)


def strip_invisible(value: str) -> str:
    """Remove zero-width and other invisible characters; no-break spaces become spaces.

    >>> strip_invisible("Nguy\u200bễn\u00a0An\ufeff")
    'Nguyễn An'
    """
    return _NBSP.sub(" ", _INVISIBLE.sub("", value or ""))


def strip_invisible_expr(expr):
    """``strip_invisible`` as a Polars expression."""
    return expr.str.replace_all(INVISIBLE_PATTERN, "").str.replace_all(NBSP_PATTERN, " ")


def clean_name(value: str) -> str:
    """The name as typed, NFC-normalised, single-spaced, stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_invisible(value))).strip()


def fold(value: str) -> str:
    """Lower-case, tones and marks removed, đ→d, punctuation dropped, spaces folded.

    >>> fold("Nguyễn Thị  Hoà")
    'nguyen thi hoa'
    >>> fold("ĐẶNG Văn Đức")
    'dang van duc'
    """
    text = unicodedata.normalize("NFD", strip_invisible(value)).translate(_D_MAP)
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
    """``clean_name`` as a Polars expression (NFC, invisible characters removed, single spaces, stripped)."""
    return strip_invisible_expr(expr).str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()


def fold_expr(expr):
    """``fold`` as a Polars expression: the same result, without a Python call per row.

    >>> import polars as pl
    >>> pl.DataFrame({"n": ["Đặng  Thị Huệ"]}).select(fold_expr(pl.col("n"))).item()
    'dang thi hue'
    """
    return (
        strip_invisible_expr(expr).str.normalize("NFC").str.to_lowercase()
        .str.replace_many(list(_FOLD_TABLE), list(_FOLD_TABLE.values()))
        .str.replace_all(r"[^0-9a-z ]+", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


# ---------------------------------------------------------------- what a person's name may contain

_NAME_ALLOWED_PUNCTUATION = set(" .'-()")


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a person's name (Vietnamese), or None. Letters of any script with their marks,
    spaces and a little punctuation (. ' - and brackets for a former name) are accepted; markup, digits, control
    characters, symbols and emoji are not — a name is printed on decisions and payment lists."""
    for ch in value:
        category = unicodedata.category(ch)
        if category[0] in "LM" or ch in _NAME_ALLOWED_PUNCTUATION:
            continue
        if ch in "<>&\"`{}[]|\\/=":
            return f"Họ và tên không được chứa ký tự «{ch}» (mã trang web hoặc công thức)."
        if category[0] == "N":
            return "Họ và tên không được chứa chữ số."
        if category[0] == "C":
            return "Họ và tên chứa ký tự điều khiển không in được: hãy gõ lại họ tên."
        return f"Họ và tên không được chứa ký hiệu «{ch}»."
    return None


NAME_SUSPECT_PATTERN = r"[^\p{L}\p{M} .'\-()]"


def name_problems(frame, *, key: str, column: str = "full_name") -> dict:
    """{key value: message} for the rows whose ``column`` ``name_problem`` refuses. The suspects are found
    set-based (a regular expression over the column); Python runs only on those."""
    import polars as pl

    suspects = frame.filter(pl.col(column).is_not_null() & pl.col(column).str.contains(NAME_SUSPECT_PATTERN))
    out = {}
    for value, name in suspects.select(key, column).iter_rows():
        if problem := name_problem(name):
            out[value] = problem
    return out
