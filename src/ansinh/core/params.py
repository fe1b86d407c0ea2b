"""Reading request parameters without ever raising: hostile or malformed values become "not given".

Every list page reads its filters through these, so ``?commune=99999999999999999999999``, ``?page=-1``,
``?page=1e9`` or ``?status=<script>`` give a clean page (or a 404 from the selector), never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

BIGINT_MAX = 2**63 - 1
PAGE_MAX = 100_000


def int_param(params: Mapping[str, str], name: str, *, minimum: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """A positive database id (or any bounded integer) from ``params[name]``; None when absent or not one."""
    raw = (params.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def page_param(params: Mapping[str, str], name: str = "page") -> int:
    return int_param(params, name, minimum=1, maximum=PAGE_MAX) or 1


def choice_param(params: Mapping[str, str], name: str, choices: Iterable[str], default: str = "") -> str:
    raw = params.get(name) or ""
    return raw if raw in set(choices) else default


def text_param(params: Mapping[str, str], name: str, *, max_length: int = 200, multiline: bool = False) -> str:
    """Free text (a search box; with ``multiline``, a note or a reason typed in a text area, line breaks kept):
    trimmed, without control characters (a NUL byte is refused by PostgreSQL in any text column), at most
    ``max_length`` characters."""
    raw = params.get(name) or ""
    kept = "\n\t" if multiline else ""
    return "".join(ch for ch in raw if ch.isprintable() or ch in kept)[:max_length].strip()
