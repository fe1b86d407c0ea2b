"""API keys: ``ansinh_<prefix>_<secret>``; the prefix finds the client, the SHA-256 of the whole key proves it."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ansinh.api.models import KEY_PREFIX_LENGTH

SCHEME = "ansinh"


def key_new() -> tuple[str, str, str]:
    """(the key shown once, its prefix, its hash)."""
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    key = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or len(parts[1]) != KEY_PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1] if all(c in "0123456789abcdef" for c in parts[1]) else None


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)
